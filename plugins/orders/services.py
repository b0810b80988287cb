"""The orders plugin's operations on the catalogue and the stock — its views use them, and so may other plugins.

Products and warehouses are written through the core's entity service. A
stock change is an update of its product (the history, other plugins'
vetoes and ``on_entity_updated`` see it) whose stock row is written in the
same transaction by one atomic statement: ``UPDATE … WHERE <the result stays
valid> RETURNING``. Never read-then-write: of twenty concurrent reservations
for five units exactly five succeed, and available (on hand - reserved)
never goes below zero. When a vehicle's available quantity goes from 0 to
more, ``orders_stock_changed`` fires after the commit — of the caller's
transaction when the change is made inside one (the catalogue import, an
order's status): the core delivers notifications after the outermost commit,
and never after a rollback.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from forecourt import (
    Conflict,
    Context,
    Message,
    ValidationFailed,
    append_history,
    call_hook,
    create_entity,
    now,
    update_entity,
)
from forecourt import gettext as _
from plugins.orders.catalogue.fields import TRACKED, clean_product, clean_warehouse
from plugins.orders.entity import PRODUCT as PRODUCT  # part of this public service API
from plugins.orders.entity import WAREHOUSE as WAREHOUSE
from plugins.orders.listing.products import PAGE_SIZE as PAGE_SIZE  # the catalogue as a list: public too
from plugins.orders.listing.products import available_by_product as available_by_product
from plugins.orders.listing.products import search as catalogue_page  # noqa: F401 - the catalogue page, public
from plugins.orders.search import products as search
from plugins.orders.tables import Product, Stock, Warehouse

_WHERE = "WHERE dealer_id = {} AND product_id = {} AND warehouse_id = {}"
#: what ``Stock.on_hand`` (``Integer``) holds on PostgreSQL: more is refused, not overflowed
MAX_ON_HAND = 2_147_483_647


def _too_many() -> str:
    return _("The warehouse cannot count more than %(n)s units of a product.") % {"n": MAX_ON_HAND}

# --- reading ---------------------------------------------------------------------------------


async def get(dealer_id: int, product_id: int) -> dict[str, Any] | None:
    # hand-written: the product page and every add to a cart read a product
    rows = await Product.raw("SELECT * FROM orders_product WHERE dealer_id = {} AND id = {}", dealer_id, product_id)
    return rows[0] if rows else None


async def products_by_id(dealer_id: int, product_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The dealer's products among ``product_ids`` (every column, active or not), by id, in one read.

    Hand-written: every new order and every cart reads its products.
    """
    wanted = sorted({int(i) for i in product_ids})
    if not wanted:
        return {}
    rows = await Product.raw(f"SELECT * FROM orders_product WHERE dealer_id = {{}} AND id IN "
                             f"({', '.join(['{}'] * len(wanted))})", dealer_id, *wanted)
    return {int(r["id"]): r for r in rows}


async def warehouses(dealer_id: int) -> list[dict[str, Any]]:
    return await Warehouse.scoped(dealer_id).select().order_by(Warehouse.name).order_by(Warehouse.id)


async def stock(dealer_id: int, product_id: int) -> list[dict[str, Any]]:
    """Every warehouse of the dealer with the product's on hand, reserved and available there."""
    rows = {r["warehouse_id"]: r for r in await Stock.scoped(dealer_id).select().where(
        Stock.product_id == product_id)}
    shown = []
    for w in await warehouses(dealer_id):
        row = rows.get(w["id"], {"on_hand": 0, "reserved": 0})
        shown.append({"warehouse": w, "on_hand": row["on_hand"], "reserved": row["reserved"],
                      "available": row["on_hand"] - row["reserved"]})
    return shown


async def available(dealer_id: int, product_id: int) -> int:
    """The product's available quantity over every warehouse."""
    rows = await Stock.scoped(dealer_id).select(Stock.on_hand, Stock.reserved).where(Stock.product_id == product_id)
    return sum(r["on_hand"] - r["reserved"] for r in rows)


# --- the catalogue -------------------------------------------------------------------------------


def _sku_taken() -> ValidationFailed:
    return ValidationFailed({"sku": _("Another product already has this SKU.")})


def _is_unique_violation(exc: Exception) -> bool:
    """The (dealer, SKU) unique index refused a write that raced past the check (either engine's error)."""
    return type(exc).__name__ in ("IntegrityError", "UniqueViolationError") and "sku" in str(exc).lower()


async def _check_sku(dealer_id: int, sku_key: str, product_id: int | None = None) -> None:
    query = Product.scoped(dealer_id).exists().where(Product.sku_key == sku_key)
    if product_id is not None:
        query = query.where(Product.id != product_id)
    if await query:
        raise _sku_taken()


async def create_product(ctx: Context, raw: dict[str, Any]) -> Any:
    values, errors = clean_product(raw)
    if errors:
        raise ValidationFailed(errors)
    values |= search.keys(values) | {"created_at": now(), "updated_at": now()}
    await _check_sku(ctx.dealer_id, values["sku_key"])
    try:
        return await create_entity(ctx, Product, PRODUCT, values)
    except Exception as exc:
        if _is_unique_violation(exc):
            raise _sku_taken() from exc
        raise


async def update_product(ctx: Context, product_id: int, raw: dict[str, Any]) -> Any:
    values, errors = clean_product(raw)
    if errors:
        raise ValidationFailed(errors)
    values |= search.keys(values) | {"updated_at": now()}
    await _check_sku(ctx.dealer_id, values["sku_key"], product_id)
    try:
        return await update_entity(ctx, Product, PRODUCT, product_id, values, history=TRACKED,
                                   summary=Message("Product details changed"))
    except Exception as exc:
        if _is_unique_violation(exc):
            raise _sku_taken() from exc
        raise


async def create_warehouse(ctx: Context, raw: dict[str, Any]) -> Any:
    values, errors = clean_warehouse(raw)
    if errors:
        raise ValidationFailed(errors)
    return await create_entity(ctx, Warehouse, WAREHOUSE, values | {"created_at": now()})


# --- the stock -------------------------------------------------------------------------------------


def _vehicle(row: Any) -> dict[str, Any]:
    """A vehicle as ``orders_stock_changed`` hands it on."""
    return {"model": row.model, "trim": row.trim, "fuel": row.fuel, "colour": row.colour,
            "price": str(row.base_price), "id": row.id, "sku": row.sku, "vin": row.vin}


async def _write(ctx: Context, product_id: int, warehouse_id: int, assign: str, condition: str,
                 args: tuple[Any, ...], refusal: str) -> tuple[int, int]:
    """One atomic ``UPDATE orders_stock SET <assign> WHERE <row> AND <condition> RETURNING``; (on_hand, reserved).

    ``args`` fill the ``{}`` of ``assign``, then those of ``condition``. No row back: the condition
    refused it, so ``refusal`` (422) rolls the whole change back.
    """
    await Stock.raw("INSERT INTO orders_stock (dealer_id, product_id, warehouse_id, on_hand, reserved) "
                    "VALUES ({}, {}, {}, 0, 0) ON CONFLICT (dealer_id, product_id, warehouse_id) DO NOTHING",
                    ctx.dealer_id, product_id, warehouse_id)
    split = assign.count("{}")
    rows = await Stock.raw(f"UPDATE orders_stock SET {assign} {_WHERE} AND {condition} RETURNING on_hand, reserved",
                           *args[:split], ctx.dealer_id, product_id, warehouse_id, *args[split:])
    if not rows:
        raise ValidationFailed({"quantity": refusal})
    return rows[0]["on_hand"], rows[0]["reserved"]


async def _change(ctx: Context, product_id: int, warehouse_id: int, step: Any) -> Any:
    """Apply ``step(row) -> (available change, history message)`` as an update of the product; notify arrivals."""
    if not await Warehouse.scoped(ctx.dealer_id).exists().where(Warehouse.id == warehouse_id):
        raise ValidationFailed({"warehouse_id": _("Choose one of your warehouses.")})
    change: dict[str, int] = {}

    async def extra(row: Any) -> None:
        delta, summary = await step(row)
        change["after"] = await available(ctx.dealer_id, product_id)
        change["before"] = change["after"] - delta
        await append_history(ctx, PRODUCT, product_id, "event", summary=summary)

    row = await update_entity(ctx, Product, PRODUCT, product_id, {"updated_at": now()}, extra=extra)
    if row is None:
        raise LookupError(product_id)
    if row.kind == "vehicle" and change["before"] <= 0 < change["after"]:
        await call_hook("orders_stock_changed", ctx=ctx, vehicle=_vehicle(row))
    return row


async def _warehouse_name(ctx: Context, warehouse_id: int) -> str:
    row = await Warehouse.scoped(ctx.dealer_id).select(Warehouse.name).where(Warehouse.id == warehouse_id).first()
    return row["name"] if row else ""


async def receive(ctx: Context, product_id: int, warehouse_id: int, quantity: int) -> Any:
    """``quantity`` more units on hand in the warehouse (a delivery): one ``on_hand = on_hand + n``."""
    if quantity < 1:
        raise ValidationFailed({"quantity": _("Receive at least one unit.")})

    async def step(row: Any) -> tuple[int, Message]:
        on_hand, _reserved = await _write(ctx, product_id, warehouse_id, "on_hand = on_hand + {}", "on_hand <= {}",
                                          (quantity, MAX_ON_HAND - quantity), _too_many())
        return quantity, Message("Received %(n)s into %(warehouse)s (on hand %(on_hand)s)", n=quantity,
                                 warehouse=await _warehouse_name(ctx, warehouse_id), on_hand=on_hand)

    return await _change(ctx, product_id, warehouse_id, step)


async def set_on_hand(ctx: Context, product_id: int, warehouse_id: int, quantity: int, tries: int = 5) -> Any:
    """The counted quantity on hand (a stocktake): written only over the value read, never below reserved."""

    async def step(row: Any) -> tuple[int, Message]:
        for _attempt in range(tries):
            current = await Stock.scoped(ctx.dealer_id).select(Stock.on_hand).where(
                (Stock.product_id == product_id) & (Stock.warehouse_id == warehouse_id)).first()
            old = current["on_hand"] if current else 0
            try:
                await _write(ctx, product_id, warehouse_id, "on_hand = {}", "on_hand = {} AND {} >= reserved",
                             (quantity, old, quantity), _("Fewer than the units reserved here: release them first."))
            except ValidationFailed:
                if await Stock.scoped(ctx.dealer_id).exists().where(
                        (Stock.product_id == product_id) & (Stock.warehouse_id == warehouse_id)
                        & (Stock.on_hand == old)):
                    raise  # the value read is still there: the reservations refused it
                continue  # someone changed it meanwhile: read again
            return quantity - old, Message("On hand in %(warehouse)s set to %(on_hand)s (was %(old)s)",
                                           warehouse=await _warehouse_name(ctx, warehouse_id), on_hand=quantity,
                                           old=old)
        raise Conflict(_("The stock changed meanwhile. Nothing was saved; try again."))

    return await _change(ctx, product_id, warehouse_id, step)


async def reserve(ctx: Context, product_id: int, warehouse_id: int, quantity: int) -> Any:
    """Hold ``quantity`` units for an order; refused (422, nothing written) when fewer are available."""

    async def step(row: Any) -> tuple[int, Message]:
        await _write(ctx, product_id, warehouse_id, "reserved = reserved + {}", "on_hand - reserved >= {}",
                     (quantity, quantity), _("Not enough in stock: fewer units are available than asked for."))
        return -quantity, Message("Reserved %(n)s in %(warehouse)s", n=quantity,
                                  warehouse=await _warehouse_name(ctx, warehouse_id))

    return await _change(ctx, product_id, warehouse_id, step)


async def release(ctx: Context, product_id: int, warehouse_id: int, quantity: int) -> Any:
    """Give ``quantity`` reserved units back to the available stock."""

    async def step(row: Any) -> tuple[int, Message]:
        await _write(ctx, product_id, warehouse_id, "reserved = reserved - {}", "reserved >= {}",
                     (quantity, quantity), _("Fewer units are reserved than that."))
        return quantity, Message("Released %(n)s in %(warehouse)s", n=quantity,
                                 warehouse=await _warehouse_name(ctx, warehouse_id))

    return await _change(ctx, product_id, warehouse_id, step)


async def write_off(ctx: Context, product_id: int, warehouse_id: int, quantity: int, reserved: bool) -> Any:
    """``quantity`` units leave the warehouse (an order shipped or handed over); refused (422) when they are not there.

    ``reserved=True``: units the order had reserved (on hand and reserved both
    go down, one ``UPDATE … WHERE reserved >= n``); ``False``: straight from
    the available units (``WHERE on_hand - reserved >= n``), never touching
    other orders' reservations.
    """
    if reserved:
        assign, condition = "on_hand = on_hand - {}, reserved = reserved - {}", "reserved >= {} AND on_hand >= {}"
        args: tuple[Any, ...] = (quantity, quantity, quantity, quantity)
        delta = 0
    else:
        assign, condition, args, delta = "on_hand = on_hand - {}", "on_hand - reserved >= {}", (quantity, quantity), \
            -quantity

    async def step(row: Any) -> tuple[int, Message]:
        await _write(ctx, product_id, warehouse_id, assign, condition, args,
                     _("Not enough in stock: fewer units are available than asked for."))
        return delta, Message("Wrote off %(n)s in %(warehouse)s", n=quantity,
                              warehouse=await _warehouse_name(ctx, warehouse_id))

    return await _change(ctx, product_id, warehouse_id, step)


async def put_back(ctx: Context, product_id: int, warehouse_id: int, quantity: int) -> Any:
    """``quantity`` written-off units come back on hand (an order returned): one ``on_hand = on_hand + n``."""

    async def step(row: Any) -> tuple[int, Message]:
        await _write(ctx, product_id, warehouse_id, "on_hand = on_hand + {}", "on_hand <= {}",
                     (quantity, MAX_ON_HAND - quantity), _too_many())
        return quantity, Message("%(n)s returned into %(warehouse)s", n=quantity,
                                 warehouse=await _warehouse_name(ctx, warehouse_id))

    return await _change(ctx, product_id, warehouse_id, step)
