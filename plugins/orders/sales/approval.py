"""Review of large orders (manual 004, "sales order management": review, change, completion).

Each dealer sets two limits (:mod:`plugins.orders.settings`): an order whose
total is above the amount, or with a line discounted above the percentage,
waits (``approval = "pending"``) and cannot be confirmed (:func:`guard_confirm`
on the "confirm" transition) until a user holding ``orders.approve``
approves it (:func:`approve`). Changing an approved order's items opens the
review again (:func:`after_items`); handing the order over completes it
(:func:`complete`, the "deliver" transition's effect). Every step is a row in
the order's history, a :class:`forecourt.Message` read in the reader's language.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from forecourt import Context, Forbidden, Message, append_history, now, update_entity
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.orders.entity import ORDER
from plugins.orders.tables import Order, OrderSetting


async def limits(dealer_id: int) -> dict[str, Any]:
    """The dealer's approval limits: ``approval_amount`` and ``approval_discount_pct`` (``None``: no limit)."""
    rows = await OrderSetting.raw("SELECT approval_amount, approval_discount_pct FROM orders_setting "
                                  "WHERE dealer_id = {}", dealer_id)  # hand-written: every new order reads it
    return rows[0] if rows else {"approval_amount": None, "approval_discount_pct": None}


async def save_limits(ctx: Context, values: dict[str, Any]) -> None:
    """One upsert, so two administrators saving at once cannot both make the dealer's row."""
    await OrderSetting.raw(
        "INSERT INTO orders_setting (dealer_id, approval_amount, approval_discount_pct) VALUES ({}, {}, {}) "
        "ON CONFLICT (dealer_id) DO UPDATE SET approval_amount = excluded.approval_amount, "
        "approval_discount_pct = excluded.approval_discount_pct",
        ctx.dealer_id, values.get("approval_amount"), values.get("approval_discount_pct"))


def needs_review(limit: dict[str, Any], total: Decimal, max_discount_pct: Decimal) -> bool:
    amount, pct = limit.get("approval_amount"), limit.get("approval_discount_pct")
    return ((amount is not None and Decimal(str(total)) > Decimal(str(amount)))
            or (pct is not None and Decimal(str(max_discount_pct)) > Decimal(str(pct))))


def on_create(limit: dict[str, Any], totals: dict[str, Decimal]) -> str:
    """The approval a new order starts with."""
    return "pending" if needs_review(limit, totals["total"], totals["max_discount_pct"]) else ""


def after_items(limit: dict[str, Any], current: str, totals: dict[str, Decimal]) -> str:
    """The approval after the items changed: above a limit the review (re)opens, below it none is needed."""
    if current == "completed":
        return current
    return "pending" if needs_review(limit, totals["total"], totals["max_discount_pct"]) else ""


async def record(ctx: Context, order_id: int, before: str, after: str) -> None:
    """The history row of a change of the approval (inside the caller's transaction)."""
    if before == after:
        return
    summary = {("", "pending"): Message("The order waits for approval (above the dealer's limits)"),
               ("approved", "pending"): Message("The items changed: the order waits for approval again"),
               ("pending", ""): Message("No approval needed any more (within the dealer's limits)"),
               ("approved", ""): Message("No approval needed any more (within the dealer's limits)"),
               }.get((before, after))
    if after == "approved":
        summary = Message("Order approved")
    elif after == "completed":
        summary = Message("Order completed")
    if summary is not None:
        await append_history(ctx, ORDER, order_id, "event", summary=summary)


def guard_confirm(ctx: Context, row: dict[str, Any]) -> Any:
    """The "confirm" transition's guard: an order waiting for approval cannot be confirmed yet."""
    if row.get("approval") == "pending":
        return _l("This order waits for approval by a dealer administrator before it can be confirmed.")
    return None


async def approve(ctx: Context, order_id: int, *, updated_at: Any = None) -> Any:
    """Approve an order waiting for review (``orders.approve``); ``None`` if it no longer waits (or is not there).

    ``updated_at``: the order as the approver saw it — if it changed since, ``None`` and nothing is written.
    """
    if not ctx.can("orders.approve"):
        raise Forbidden(_("You may not approve orders."))

    async def extra(row: Any) -> None:
        await record(ctx, order_id, "pending", "approved")

    return await update_entity(ctx, Order, ORDER, order_id,
                               {"approval": "approved", "approved_by": ctx.user_id, "approved_at": now()},
                               expect={"approval": "pending", **({"updated_at": updated_at} if updated_at else {})},
                               extra=extra)


async def complete(ctx: Context, row: dict[str, Any], inputs: dict[str, Any]) -> None:
    """The "deliver" transition's effect: the order's review cycle is completed (in the transition's transaction)."""
    if row.get("approval") == "completed":
        return
    await update_entity(ctx, Order, ORDER, row["id"], {"approval": "completed"})
    await record(ctx, row["id"], row.get("approval") or "", "completed")
