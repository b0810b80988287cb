"""Demo payments: for the demo dealer's first orders, payments in every status (not paid, hold, received, refunded).

Written against the Order table alone (whatever made the orders), and
idempotent: a dealer without orders, or whose orders already have payments,
is left alone. Statuses are moved through the workflow engine, so the
stamped dates are the engine's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from plugins.orders.payments import services
from plugins.orders.tables import Order, Payment

#: per order, in turn: the payments (share of the total, the transitions applied to it)
PLAN: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...] = (
    (("1", ("receive",)),),
    (("0.3", ("hold",)), ("0.7", ())),
    (("0.5", ("receive", "refund")), ("0.5", ("receive",))),
    (("1", ()),),
)


async def seed(dealer: Any, users: Any, ctx: Any) -> None:
    """Payments for up to four of the dealer's orders; nothing when it has no orders or already has payments."""
    if await Payment.scoped(dealer.id).exists():
        return
    orders = await Order.scoped(dealer.id).select(Order.id, Order.total, Order.payment_method).where(
        Order.total > 0).order_by(Order.id).limit(len(PLAN))
    for order, payments in zip(orders, PLAN, strict=False):
        method = order["payment_method"] if order["payment_method"] in services.METHODS else "cash"
        total = Decimal(str(order["total"]))
        for share, transitions in payments:
            amount = (total * Decimal(share)).quantize(Decimal("0.01"))
            if amount <= 0:
                continue
            row = await services.add(ctx, order["id"], amount, method, "")
            for transition in transitions:
                await services.change_status(ctx, row.id, transition, None)
