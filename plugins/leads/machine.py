"""The lead workflow (manuals 000 and 001), as data: the card's buttons, the filter and the diagram come from it."""

from forecourt import Input, Machine, State, Transition, hook_owner_enabled
from forecourt import lazy_gettext as _l
from plugins.leads.entity import ENTITY


def stock_provider_on(ctx, row):
    """Watch needs stock: the module that fires ``orders_stock_changed``, on for this dealer."""
    if hook_owner_enabled("orders_stock_changed", ctx):
        return None
    return _l("No stock module is switched on for your dealer.")


LEAD = Machine(
    key="leads.lead",
    title=_l("Lead workflow"),
    entity=ENTITY,
    field="status",
    view_permission="leads.view",
    edit_permission="leads.edit",
    states=(
        State("new", _l("New"), "blue"),
        State("awaiting_visit", _l("Awaiting visit"), "amber"),
        State("contract_signed", _l("Contract signed"), "green"),
        State("postponed", _l("Postponed"), "purple"),
        State("watching", _l("Watching stock"), "purple"),
        State("qualified", _l("Qualified"), "blue"),
        State("test_drive", _l("Test drive"), "amber"),
        State("offer", _l("Offer"), "amber"),
        State("negotiation", _l("Negotiation"), "amber"),
        State("won", _l("Won"), "green", terminal=True),
        State("lost", _l("Lost"), "red", terminal=True),
        State("refused", _l("Refused"), "red", terminal=True),
        State("discarded", _l("Discarded"), "grey", terminal=True),
    ),
    transitions=(
        Transition("contact_ok", _l("Contact succeeded"), ("new",), "awaiting_visit", stamps=("contacted_at",),
                   inputs=(Input("note", _l("Comment"), kind="note", required=False),), style="primary"),
        Transition("contact_failed", _l("Contact failed"), ("new",), "new",
                   inputs=(Input("reason", _l("Reason"), kind="reason",
                                 reasons=(_l("No answer"), _l("Busy, call later"), _l("Wrong number"),
                                          _l("Unreachable"))),
                           Input("note", _l("Comment"), kind="note"),
                           Input("next_attempt", _l("Remind me to try again at"), kind="datetime"))),
        Transition("contact_refused", _l("Customer refused"), ("new",), "refused", style="danger",
                   inputs=(Input("reason", _l("Reason"), kind="reason",
                                 reasons=(_l("Not interested any more"), _l("Bought elsewhere"),
                                          _l("Too expensive"))),
                           Input("note", _l("Comment"), kind="note"))),
        Transition("contract_signed", _l("Contract signed"), ("awaiting_visit",), "contract_signed",
                   stamps=("contract_signed_at",), notify="leads_contract_signed", style="primary",
                   inputs=(Input("note", _l("Comment"), kind="note", required=False),)),
        Transition("contract_refused", _l("Contract not signed"), ("awaiting_visit",), "refused", style="danger",
                   inputs=(Input("reason", _l("Reason"), kind="reason",
                                 reasons=(_l("Price"), _l("Financing refused"), _l("Delivery time"),
                                          _l("Chose another brand"))),
                           Input("note", _l("Comment"), kind="note"))),
        Transition("postpone", _l("Postpone"), ("new", "awaiting_visit"), "postponed",
                   inputs=(Input("until", _l("Back on"), kind="date", column="postponed_until", no_past=True),
                           Input("note", _l("Comment"), kind="note"))),
        Transition("wake", _l("Back to new"), ("postponed",), "new"),
        Transition("watch", _l("Watch stock"), ("new", "awaiting_visit"), "watching", guard=stock_provider_on,
                   inputs=(Input("model", _l("Model"), column="watch_model"),
                           Input("trim", _l("Trim"), required=False, column="watch_trim"),
                           Input("fuel", _l("Fuel"), required=False, column="watch_fuel"),
                           Input("colour", _l("Colour"), required=False, column="watch_colour"),
                           Input("max_price", _l("Price up to"), required=False, column="watch_max_price"))),
        Transition("stock_arrived", _l("Matching car in stock"), ("watching",), "new"),
        # manual 001 "Zařazení leadu" / 004: the lead becomes a sales opportunity with stages
        Transition("qualify", _l("Qualify"), ("new", "awaiting_visit"), "qualified", style="primary",
                   inputs=(Input("sub_category", _l("Request sub-category"), kind="reason",
                                 reasons=(_l("Private purchase"), _l("Company car"), _l("Fleet"),
                                          _l("Trade-in"))),
                           Input("model", _l("Vehicle model"), column="model"))),
        Transition("to_test_drive", _l("Test drive"), ("qualified",), "test_drive"),
        Transition("to_offer", _l("Offer"), ("qualified", "test_drive"), "offer"),
        Transition("to_negotiation", _l("Negotiation"), ("offer",), "negotiation"),
        Transition("won", _l("Won"), ("offer", "negotiation"), "won", style="primary"),
        Transition("lost", _l("Lost"), ("qualified", "test_drive", "offer", "negotiation"), "lost", style="danger",
                   inputs=(Input("reason", _l("Reason"), kind="reason",
                                 reasons=(_l("Price"), _l("Chose another brand"), _l("Financing refused"),
                                          _l("No longer interested"))),
                           Input("note", _l("Comment"), kind="note"))),
        Transition("discard", _l("Discard"), ("new", "awaiting_visit", "postponed", "watching"), "discarded",
                   style="danger",
                   inputs=(Input("reason", _l("Reason"), kind="reason",
                                 reasons=(_l("Duplicate"), _l("Spam or test"), _l("Bought another car"),
                                          _l("No longer interested")),
                                 detail="model", detailed=(_l("Bought another car"),)),
                           Input("model", _l("Which model"), required=False),
                           Input("note", _l("Details"), kind="note"))),
    ),
)
