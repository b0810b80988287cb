"""The deal workflow, as data."""

from forecourt import Input, Machine, State, Transition, Veto, now
from forecourt import lazy_gettext as _l


def needs_amount(ctx, row):
    """Guard: a contract needs an amount on the deal."""
    return None if row["amount"] else _l("Enter the deal's amount before signing.")


async def book_delivery(ctx, row, inputs):
    """Effect of "close": a write that belongs to the transition; an amount of 13 is refused after it."""
    from fc_deals.tables import Heard

    await Heard.scoped(ctx.dealer_id).insert(hook="effect:close", detail=f"{row['id']}:{row['status']}", at=now())
    if row["amount"] == "13":
        raise Veto("Unlucky amount: not delivered.")


DEAL = Machine(
    key="deals.deal",
    title=_l("Deal workflow"),
    entity="deals.deal",
    field="status",
    states=(
        State("new", _l("New"), "blue"),
        State("contacted", _l("Contacted"), "amber"),
        State("postponed", _l("Postponed"), "purple"),
        State("signed", _l("Contract signed"), "green"),
        State("refused", _l("Refused"), "red", terminal=True),
        State("won", _l("Won"), "green", terminal=True),
    ),
    transitions=(
        Transition("contact", _l("Contact succeeded"), ("new",), "contacted", stamps=("contacted_at",),
                   style="primary"),
        Transition("postpone", _l("Postpone"), ("new", "contacted"), "postponed",
                   inputs=(Input("until", _l("Until"), kind="date", column="postponed_until"),
                           Input("note", _l("Note"), kind="note", required=False))),
        Transition("wake", _l("Back to new"), ("postponed",), "new"),
        Transition("sign", _l("Contract signed"), ("contacted",), "signed", stamps=("signed_at",),
                   guard=needs_amount, notify="deals_contract_signed", style="primary"),
        Transition("refuse", _l("Refuse"), ("new", "contacted"), "refused", style="danger",
                   inputs=(Input("reason", _l("Reason"), kind="reason",
                                 reasons=(_l("Too expensive"), _l("Bought elsewhere"))),
                           Input("note", _l("Note"), kind="note"))),
        Transition("close", _l("Delivered"), ("signed",), "won", permission="deals.close", effect=book_delivery),
    ),
)
