"""The orders plugin's three status machines: orders (manual 002, plus "In production" of 003), payments, inquiries.

Each order and payment status stamps exactly the dates manual 002 gives it
(the ``stamps`` of the transitions into it; a stamp is written the first
time and never changed). Statuses the manual marks final are red; only
"Archived" has no way out. From a final status an order may only be
archived, except that a delivered order may still come back ("Returned").
The stock follows the order's status through the transitions' ``effect``
(:mod:`plugins.orders.sales.stock`): "Confirmed" reserves, "Shipped" and
"Delivered" write off, "Returned", "Refused at pickup" and the cancellations
release, in the same transaction as the status.

Inquiries are closed by one of their outcome statuses; "Duplicate" is only
reached by merging the inquiry into its main one (:mod:`plugins.orders.inquiries`),
and "Order created" by making an order from it.
"""

from __future__ import annotations

from forecourt import Input, Machine, State, Transition
from forecourt import lazy_gettext as _l
from plugins.orders.entity import INQUIRY, ORDER, PAYMENT
from plugins.orders.sales import approval, stock

# --- orders ----------------------------------------------------------------------------------------

#: the states an order is still being worked in (before it leaves the dealer)
OPEN = ("new", "call_back", "pending", "preorder")
#: the states in which the order holds stock reserved or written off before it is handed over
HOLDING = ("confirmed", "in_production")
#: the states the manual marks final (red); "archived" has no way out at all
FINAL = ("refused_phone", "cancelled_site", "refused_pickup", "returned", "delivered", "lost", "archived")

ORDER_STATES = (
    State("new", _l("New"), "blue"),
    State("refused_phone", _l("Refused by phone"), "red"),
    State("cancelled_site", _l("Cancelled via site"), "red"),
    State("call_back", _l("Call back"), "amber"),
    State("pending", _l("Pending"), "amber"),
    State("preorder", _l("Pre-order"), "purple"),
    State("confirmed", _l("Confirmed"), "green"),
    State("in_production", _l("In production"), "green"),
    State("shipped", _l("Shipped"), "green"),
    State("awaiting_pickup", _l("Awaiting pickup"), "amber"),
    State("refused_pickup", _l("Refused at pickup"), "red"),
    State("returned", _l("Returned"), "red"),
    State("delivered", _l("Delivered"), "red"),
    State("lost", _l("Lost in transit"), "red"),
    State("archived", _l("Archived"), "red", terminal=True),
)

#: the dates each status stamps (manual 002, "Order statuses"); "new" stamps ``created_at`` on creation
ORDER_STAMPS: dict[str, tuple[str, ...]] = {
    "confirmed": ("reserved_at", "written_off_at"),
    "in_production": ("production_at",),
    "shipped": ("shipped_at", "prepaid_at", "written_off_at", "held_at", "markup_at"),
    "awaiting_pickup": ("arrived_at", "reserved_at", "written_off_at"),
    "returned": ("returned_at", "reserve_released_at", "hold_released_at", "markup_returned_at"),
    "delivered": ("handed_over_at", "written_off_at", "reserve_released_at", "held_at", "markup_at"),
}

#: transition key → (label, sources, target, style); the stamps come from :data:`ORDER_STAMPS`
ORDER_WAYS: tuple[tuple[str, object, tuple[str, ...], str, str], ...] = (
    ("call_back", _l("Call back"), ("new", "pending", "preorder"), "call_back", "default"),
    ("pending", _l("Pending"), ("new", "call_back", "preorder"), "pending", "default"),
    ("preorder", _l("Pre-order"), ("new", "call_back", "pending"), "preorder", "default"),
    ("confirm", _l("Confirm"), OPEN, "confirmed", "primary"),
    ("produce", _l("Start production"), ("confirmed",), "in_production", "default"),
    ("ship", _l("Ship"), HOLDING, "shipped", "primary"),
    ("await_pickup", _l("Awaiting pickup"), ("shipped",), "awaiting_pickup", "default"),
    ("deliver", _l("Handed over"), (*HOLDING, "shipped", "awaiting_pickup"), "delivered", "primary"),
    ("refuse_phone", _l("Refused by phone"), (*OPEN, *HOLDING), "refused_phone", "danger"),
    ("cancel_site", _l("Cancelled via site"), (*OPEN, *HOLDING), "cancelled_site", "danger"),
    ("refuse_pickup", _l("Refused at pickup"), ("shipped", "awaiting_pickup"), "refused_pickup", "danger"),
    ("return", _l("Returned"), ("shipped", "awaiting_pickup", "refused_pickup", "delivered"), "returned", "danger"),
    ("lose", _l("Lost in transit"), ("shipped", "awaiting_pickup"), "lost", "danger"),
    ("archive", _l("Archive"), tuple(s.key for s in ORDER_STATES if s.key != "archived"), "archived", "default"),
)


def order_machine(transitions: tuple[Transition, ...]) -> Machine:
    """The order machine with the given transitions (the sales package adds the stock effects and guards)."""
    return Machine(
        key="orders.order", title=_l("Order status"), entity=ORDER, field="status",
        view_permission="orders.sell", edit_permission="orders.sell",
        states=ORDER_STATES, transitions=transitions,
    )




async def _deliver(ctx, row, inputs) -> None:
    """Handed over: the items are written off, and the order's review cycle is completed."""
    await stock.write_off(ctx, row, inputs)
    await approval.complete(ctx, row, inputs)


#: what each target status does to the stock (and the review) in the transition's transaction
ORDER_EFFECTS = {
    "confirmed": stock.reserve,
    "shipped": stock.write_off,
    "delivered": _deliver,
    "returned": stock.release,
    "refused_pickup": stock.release,
    "cancelled_site": stock.release,
    "refused_phone": stock.release,
    "archived": stock.release_reservation,
}
#: transitions refused while a condition holds (plain checks of the row: the card hides them meanwhile)
ORDER_GUARDS = {"confirm": approval.guard_confirm}

ORDER_MACHINE = order_machine(tuple(
    Transition(key, label, sources, target, stamps=ORDER_STAMPS.get(target, ()), style=style,
               notify="orders_order_status_changed", effect=ORDER_EFFECTS.get(target), guard=ORDER_GUARDS.get(key))
    for key, label, sources, target, style in ORDER_WAYS
))

# --- payments --------------------------------------------------------------------------------------

PAYMENT_STAMPS: dict[str, tuple[str, ...]] = {
    "hold": ("hold_at", "held_at", "markup_at"),
    "received": ("paid_at", "prepaid_at", "hold_released_at", "markup_at"),
    "refunded": ("refunded_at", "prepaid_released_at", "hold_released_at", "markup_returned_at"),
}

PAYMENT_MACHINE = Machine(
    key="orders.payment", title=_l("Payment status"), entity=PAYMENT, field="status",
    view_permission="orders.sell", edit_permission="orders.sell",
    states=(
        State("not_paid", _l("Not paid"), "grey"),
        State("hold", _l("Hold"), "amber"),
        State("received", _l("Money received"), "green"),
        State("refunded", _l("Refunded"), "red", terminal=True),
    ),
    transitions=(
        Transition("hold", _l("Hold"), ("not_paid",), "hold", stamps=PAYMENT_STAMPS["hold"]),
        Transition("receive", _l("Money received"), ("not_paid", "hold"), "received",
                   stamps=PAYMENT_STAMPS["received"], style="primary"),
        Transition("refund", _l("Refund"), ("hold", "received"), "refunded", stamps=PAYMENT_STAMPS["refunded"],
                   style="danger"),
    ),
)

# --- inquiries -------------------------------------------------------------------------------------

INQUIRY_OUTCOMES = (
    ("could_not_reach", _l("Could not reach"), "amber"),
    ("not_target", _l("Not a target"), "grey"),
    ("no_delivery", _l("No delivery"), "grey"),
    ("out_of_stock", _l("Out of stock"), "grey"),
    ("not_ready", _l("Not ready to buy"), "amber"),
    ("service_request", _l("Service request"), "blue"),
    ("quality_rejected", _l("Quality not accepted"), "grey"),
    ("other_product", _l("Looking for another product"), "grey"),
    ("test", _l("Test"), "grey"),
    ("prank", _l("Prank"), "red"),
)

#: outcomes a manager may still come back from (the caller may call again)
REOPENABLE = ("could_not_reach", "not_ready", "out_of_stock", "other_product")
#: what the inquiry merge puts in the context it applies "merge" with: the only way to that transition
MERGING = "orders.inquiry_merge"


def _merging_only(ctx, row):
    """Guard of "merge": only the merge page applies it, after its preview (never a bare button)."""
    if ctx.extra.get(MERGING) == row["id"]:
        return None
    return _l("Merge a duplicate from its card: “Duplicate of…” shows what moves first.")


def _with_order(ctx, row):
    """Guard of "order": reached by saving an order made from the inquiry (which links it first), never by hand."""
    if row["order_id"]:
        return None
    return _l("Create the order from this inquiry: “Create order” opens the form with the caller filled in.")


async def _merge(ctx, row, inputs):
    """The effect of "merge": calls, history and comments move to the main inquiry (:mod:`.inquiries.merge`)."""
    from plugins.orders.inquiries.merge import into_main

    return await into_main(ctx, row, inputs)

INQUIRY_MACHINE = Machine(
    key="orders.inquiry", title=_l("Inquiry status"), entity=INQUIRY, field="status",
    view_permission="orders.sell", edit_permission="orders.sell",
    states=(
        State("new", _l("New"), "blue"),
        State("order_created", _l("Order created"), "green", terminal=True),
        *(State(key, label, colour) for key, label, colour in INQUIRY_OUTCOMES),
        State("duplicate", _l("Duplicate"), "purple", terminal=True),
    ),
    transitions=(
        *(Transition(key, label, ("new",), key, style="danger" if key == "prank" else "default")
          for key, label, _colour in INQUIRY_OUTCOMES),
        Transition("reopen", _l("Back to new"), REOPENABLE, "new"),
        # applied by the order form when an order is made from the inquiry, in the order's transaction
        Transition("order", _l("Order created"), ("new", *REOPENABLE), "order_created", guard=_with_order,
                   style="primary"),
        # applied by the merge page only (the guard): the effect moves everything to the main inquiry
        Transition("merge", _l("Duplicate"), ("new", *(key for key, _label, _colour in INQUIRY_OUTCOMES)),
                   "duplicate", inputs=(Input("main", _l("Main inquiry number")),), guard=_merging_only,
                   effect=_merge, style="danger"),
    ),
)
