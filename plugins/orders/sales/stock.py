"""The stock an order's status moves: the order machine's transition effects.

Awaited by the core's workflow engine inside the transition's transaction
(after the status and stamps are written), so the status and the stock change
commit together or not at all. ``order.stock_state`` records what the order
holds — ``""`` nothing, ``"reserved"``, ``"written_off"`` — and each effect
moves it with a compare-and-set (``expect=``), so every step happens once
whatever path the order takes:

* Confirmed: each line's product is reserved at the order's warehouse
  (refused with a :class:`Veto` naming the product when fewer are available,
  or when the order has no warehouse: nothing is written);
* Shipped / Delivered: written off (from the reservation, or from the
  available units when nothing was reserved);
* Returned / Refused at pickup / Cancelled via site / Refused by phone (and
  Archived): a reservation is released, written-off units come back on hand.

The stock itself is written by the catalogue's atomic services
(:mod:`plugins.orders.services`: one ``UPDATE … WHERE … RETURNING`` each), so
of concurrent confirmations for the last units exactly as many win as there are units.
"""

from __future__ import annotations

from typing import Any

from forecourt import Conflict, Context, ValidationFailed, Veto, update_entity
from forecourt import gettext as _
from plugins.orders import services as stock
from plugins.orders.entity import ORDER
from plugins.orders.tables import Order, OrderLine, Product, Stock, Warehouse


async def _quantities(ctx: Context, order_id: int) -> list[tuple[dict[str, Any], int]]:
    """(product, quantity) of the order's stocked items, one per product (services hold no stock)."""
    wanted: dict[int, int] = {}
    for line in await OrderLine.scoped(ctx.dealer_id).select(OrderLine.product_id, OrderLine.quantity).where(
            OrderLine.order_id == order_id).order_by(OrderLine.position):
        if line["product_id"] is not None:
            wanted[line["product_id"]] = wanted.get(line["product_id"], 0) + line["quantity"]
    if not wanted:
        return []
    products = {p["id"]: p for p in await Product.scoped(ctx.dealer_id).select(
        Product.id, Product.name, Product.sku, Product.kind).where(Product.id.is_in(list(wanted)))}
    return [(products[pid], n) for pid, n in wanted.items() if pid in products and products[pid]["kind"] != "service"]


async def _mark(ctx: Context, row: dict[str, Any], state: str) -> None:
    changed = await update_entity(ctx, Order, ORDER, row["id"], {"stock_state": state},
                                  expect={"stock_state": row["stock_state"]})
    if changed is None:
        raise Conflict(_("Someone else changed this meanwhile. Nothing was saved; look at it again."))


async def _short(ctx: Context, product: dict[str, Any], warehouse_id: int, wanted: int) -> Veto:
    """The refusal when a product is short: which one, where, how many are there (read in the transaction)."""
    row = await Stock.scoped(ctx.dealer_id).select(Stock.on_hand, Stock.reserved).where(
        (Stock.product_id == product["id"]) & (Stock.warehouse_id == warehouse_id)).first()
    there = max(0, row["on_hand"] - row["reserved"]) if row else 0
    place = await Warehouse.scoped(ctx.dealer_id).select(Warehouse.name).where(Warehouse.id == warehouse_id).first()
    return Veto(_("Not enough “%(product)s” in “%(warehouse)s”: %(wanted)s needed, %(available)s available. "
                  "Nothing was changed.") % {"product": product["name"], "warehouse": place["name"] if place else "",
                                             "wanted": wanted, "available": there})


def _warehouse(row: dict[str, Any]) -> int:
    if row.get("warehouse_id") is None:
        raise Veto(_("Choose the order's warehouse first (Order → Warehouse): the stock is taken from there."))
    return int(row["warehouse_id"])


async def reserve(ctx: Context, row: dict[str, Any], inputs: dict[str, Any]) -> None:
    """Confirmed: reserve every stocked item at the order's warehouse (once)."""
    if row["stock_state"]:
        return
    items = await _quantities(ctx, row["id"])
    if items:
        warehouse_id = _warehouse(row)
        for product, quantity in items:
            try:
                await stock.reserve(ctx, product["id"], warehouse_id, quantity)
            except ValidationFailed as exc:
                raise await _short(ctx, product, warehouse_id, quantity) from exc
    await _mark(ctx, row, "reserved")


async def write_off(ctx: Context, row: dict[str, Any], inputs: dict[str, Any]) -> None:
    """Shipped / Delivered: the items leave the warehouse (once): from the reservation, else from what is available."""
    if row["stock_state"] == "written_off":
        return
    items = await _quantities(ctx, row["id"])
    if items:
        warehouse_id = _warehouse(row)
        for product, quantity in items:
            try:
                await stock.write_off(ctx, product["id"], warehouse_id, quantity,
                                      reserved=row["stock_state"] == "reserved")
            except ValidationFailed as exc:
                raise await _short(ctx, product, warehouse_id, quantity) from exc
    await _mark(ctx, row, "written_off")


async def release(ctx: Context, row: dict[str, Any], inputs: dict[str, Any]) -> None:
    """Returned / refused / cancelled: a reservation goes back to the available stock, written-off units on hand."""
    if not row["stock_state"]:
        return
    warehouse_id = row.get("warehouse_id")
    if warehouse_id is not None and await Warehouse.scoped(ctx.dealer_id).exists().where(Warehouse.id == warehouse_id):
        for product, quantity in await _quantities(ctx, row["id"]):
            if row["stock_state"] == "reserved":
                await stock.release(ctx, product["id"], warehouse_id, quantity)
            else:
                await stock.put_back(ctx, product["id"], warehouse_id, quantity)
    await _mark(ctx, row, "")


async def release_reservation(ctx: Context, row: dict[str, Any], inputs: dict[str, Any]) -> None:
    """Archived: a reservation still held is released (units that left stay written off)."""
    if row["stock_state"] == "reserved":
        await release(ctx, row, inputs)
