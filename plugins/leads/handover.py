"""The customer's preferred dealer (manual 000: "city and preferred dealer" are editable on the card).

When the customer would rather buy at another dealer — nearer home, say —
the lead's dealer hands the lead over: it moves to that dealer unassigned,
with its status, and lands in that dealer's queue with a reminder. The
history on each side says who handed it to whom; the first dealer's
comments and history stay with the first dealer. Only open leads move; the
other dealer must have leads switched on.
"""

from __future__ import annotations

from forecourt import (
    Conflict,
    Context,
    Message,
    ValidationFailed,
    append_history,
    create_reminder,
    dealers_with_module,
    now,
    transaction,
)
from forecourt import gettext as _
from plugins.leads import services
from plugins.leads.machine import LEAD
from plugins.leads.transfer import move_lead, their_context


async def other_dealers(ctx: Context) -> list[dict]:
    """Dealers a lead may be handed over to: every other active dealer with leads on, by city."""
    return [d for d in await dealers_with_module("leads") if d["id"] != ctx.dealer_id]


async def hand_over(ctx: Context, lead_id: int, dealer_id: int | None) -> str:
    """Move one of ``ctx``'s dealer's open leads to the customer's preferred dealer; returns that dealer's name."""
    lead = await services.get(ctx.dealer_id, lead_id)
    if lead is None:
        raise LookupError(lead_id)
    target = next((d for d in await other_dealers(ctx) if d["id"] == dealer_id), None)
    if target is None:
        raise ValidationFailed({"preferred_dealer": _("Choose one of the dealers offered.")})
    if LEAD.state(lead["status"]).terminal:
        raise Conflict(_("A closed lead stays where it was closed (“%(state)s”).")
                       % {"state": LEAD.state(lead["status"]).label})
    theirs = await their_context(ctx, target["id"])
    name = f"{lead['first_name']} {lead['surname']}".strip()
    async with transaction():
        await move_lead(lead, theirs, None, "")
        await append_history(ctx, services.ENTITY, lead_id, "event",
                             Message("Handed over to %(dealer)s, the customer's preferred dealer",
                                     dealer=target["name"]))
        await append_history(theirs, services.ENTITY, lead_id, "event",
                             Message("Handed over by %(dealer)s: the customer prefers you", dealer=ctx.dealer_name))
        await create_reminder(theirs, Message("%(name)s prefers your dealer: the lead was handed over by %(dealer)s",
                                              name=name, dealer=ctx.dealer_name),
                              now(), url=f"/leads/{lead_id}", entity=services.ENTITY, entity_id=lead_id,
                              source="leads", queue=True)
    return target["name"]
