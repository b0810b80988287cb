"""The leads plugin's scheduled jobs: postponed leads come back, late first contacts are escalated, the
standing rollup is folded.

All run per dealer in a system context on the dealer's clock, and both are
idempotent: running twice does nothing more.
"""

from __future__ import annotations

import datetime as dt

from forecourt import (
    Conflict,
    Job,
    Message,
    apply_transition,
    create_reminder,
    dealer_users,
    now,
    today,
    update_entity,
)
from forecourt import lazy_gettext as _l
from plugins.leads.entity import ENTITY
from plugins.leads.machine import LEAD
from plugins.leads.metrics import CONTACT_WITHIN
from plugins.leads.standing import fold
from plugins.leads.tables import Lead


async def wake_postponed(ctx):
    """Postponed leads whose date has come return to New, and their assignee is reminded."""
    due = await Lead.scoped(ctx.dealer_id).select(Lead.id, Lead.surname, Lead.assignee_id).where(
        (Lead.status == "postponed") & (Lead.postponed_until <= today()))
    woken = 0
    for lead in due:
        try:
            await apply_transition(ctx, LEAD, lead["id"], "wake", "postponed")
        except Conflict:
            continue
        woken += 1
        if lead["assignee_id"]:
            await create_reminder(ctx, Message("Postponed lead %(name)s is back", name=lead["surname"]), now(),
                                  user_id=lead["assignee_id"], url=f"/leads/{lead['id']}", entity="leads.lead",
                                  entity_id=lead["id"], source="leads")
    return f"{woken} lead(s) back to New"


async def escalate_late(ctx):
    """New leads nobody has reached within a day: the dealer's administrators are told, once per lead.

    Speed to lead is what wins a web customer; the assignee already sees the lead on their home page,
    so this goes one level up (to the dealer's queue when it has no administrator).
    """
    late = await Lead.scoped(ctx.dealer_id).select(Lead.id, Lead.surname, Lead.first_name, Lead.assignee_name).where(
        (Lead.status == "new") & Lead.contacted_at.is_null() & Lead.escalated_at.is_null()
        & (Lead.created_at < now() - CONTACT_WITHIN)).limit(500)
    admins = [u["id"] for u in await dealer_users(ctx.dealer_id) if u["role"] == "dealer_admin"]
    told = 0
    for lead in late:
        claimed = await update_entity(ctx, Lead, ENTITY, lead["id"], {"escalated_at": now()},
                                      expect={"escalated_at": None})
        if claimed is None:  # another run got it
            continue
        text = Message("Nobody has reached %(name)s for more than a day (assignee: %(who)s)",
                       name=f"{lead['first_name']} {lead['surname']}".strip(),
                       who=lead["assignee_name"] or Message("nobody"))
        for user_id in admins or [None]:
            await create_reminder(ctx, text, now(), user_id=user_id, queue=user_id is None, url=f"/leads/{lead['id']}",
                                  entity="leads.lead", entity_id=lead["id"], source="leads")
        told += 1
    return f"{told} late lead(s) escalated"


JOBS = [
    Job("leads.wake_postponed", _l("Postponed leads return to New"), dt.timedelta(minutes=30), wake_postponed),
    Job("leads.escalate_late", _l("New leads not reached within a day are escalated"), dt.timedelta(minutes=15),
        escalate_late),
    Job("leads.fold_standing", _l("The counts of open leads are folded"), dt.timedelta(minutes=10), fold),
]
