"""An order's lines: what a form or a service sent, resolved against the dealer's catalogue, and their write.

:func:`resolve_lines` is public through :mod:`plugins.orders.sales.services`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from forecourt import Context, fold, read_id
from forecourt import gettext as _
from plugins.orders import services as catalogue
from plugins.orders.sales import fields
from plugins.orders.sales.totals import line_total, order_totals
from plugins.orders.tables import Order, OrderLine, Product

#: every amount an order stores (its lines' and its own sums) is below this (``Numeric(14, 2)``); the subtotal
#: is the largest of them, so an order whose subtotal is below it fits every column
MAX_AMOUNT = Decimal(10) ** (Order.subtotal.digits[0] - Order.subtotal.digits[1])


async def _products(dealer_id: int, specs: Sequence[dict[str, Any]],
                    given: Mapping[int, Any] | None = None) -> tuple[dict[int, Any], dict[str, Any]]:
    ids = [i for i in (read_id(str(s.get("product_id") or "")) for s in specs) if i]
    skus = [fold(str(s.get("sku") or "")) for s in specs if s.get("sku") and not s.get("product_id")]
    by_id: dict[int, Any] = {}
    by_sku: dict[str, Any] = {}
    if ids and given is not None and all(i in given for i in ids):
        by_id = {i: given[i] for i in ids if int(given[i]["dealer_id"]) == dealer_id}  # the caller's read
    elif ids:
        by_id = await catalogue.products_by_id(dealer_id, ids)
    if skus:
        by_sku = {r["sku_key"]: r for r in await Product.scoped(dealer_id).select().where(
            Product.sku_key.is_in(skus))}
    return by_id, by_sku


async def resolve_lines(dealer_id: int, specs: Sequence[dict[str, Any]],
                        kept: Sequence[dict[str, Any]] = (),
                        prices: Mapping[int, Decimal] | None = None,
                        products: Mapping[int, Any] | None = None) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Line rows from what was sent, and ``lines-<i>-<field>`` -> message for what is wrong.

    Each spec names its product by ``product_id`` or ``sku`` (the dealer's
    active products only), or an existing line by ``line_id`` (one of
    ``kept``: its copied SKU, name and price stay even if the catalogue
    changed since), with ``quantity``, ``discount_pct`` and ``bonus`` as typed.
    ``prices`` (``product_id`` -> unit price) replaces the catalogue's base
    price of those products: for a service that prices the catalogue itself
    (quick links convert it into the customer's currency) — never a price a
    form or a client sent. ``products`` (``product_id`` -> the product's row,
    every column, as :func:`plugins.orders.services.products_by_id` gives
    it) are rows the caller read a moment ago: used instead of reading them
    again when they cover every ``product_id``.
    """
    errors: dict[str, str] = {}
    if len(specs) > fields.MAX_LINES:
        return [], {"lines": _("An order has at most %(n)s items.") % {"n": fields.MAX_LINES}}
    by_id, by_sku = await _products(dealer_id, specs, products)
    old = {int(line["id"]): line for line in kept}
    rows: list[dict[str, Any]] = []
    for i, spec in enumerate(specs):
        prefix = f"lines-{i}-"
        typed = {prefix + k: v if isinstance(v, str) else str(v) for k, v in spec.items() if v is not None}
        numbers, problems = fields.clean_line(typed, prefix)
        errors.update(problems)
        line_id = read_id(str(spec.get("line_id") or ""))
        if line_id and line_id in old:
            base = {k: old[line_id][k] for k in ("product_id", "sku", "name", "unit_price")}
        else:
            product = (by_id.get(read_id(str(spec.get("product_id") or "")) or 0)
                       or by_sku.get(fold(str(spec.get("sku") or ""))))
            if product is None or not product["active"]:
                errors[prefix + "product"] = _("There is no such active product in your catalogue: "
                                               "check the SKU or search by name.")
                continue
            price = (prices or {}).get(product["id"])
            base = {"product_id": product["id"], "sku": product["sku"], "name": product["name"],
                    "unit_price": Decimal(str(product["base_price"] if price is None else price))}
        total = line_total(numbers["quantity"], base["unit_price"], numbers["discount_pct"], numbers["bonus"])
        if total.gross >= MAX_AMOUNT:
            errors.setdefault(prefix + "quantity", _("The amount of this item is too large: order fewer."))
        rows.append({**base, **numbers, "position": len(rows), "line_total": total.total})
    if "lines" not in errors and order_totals(rows)["subtotal"] >= MAX_AMOUNT:
        errors["lines"] = _("The order's amount is too large: split it into several orders.")
    return rows, errors


async def write_lines(ctx: Context, order_id: int, rows: Sequence[dict[str, Any]], new: bool = False) -> None:
    """Replace the order's lines (inside the caller's transaction; lines are part of their order's write).

    One multi-row INSERT; a ``new`` order has no lines to delete first.
    """
    scoped = OrderLine.scoped(ctx.dealer_id)
    if not new:
        await scoped.delete().where(OrderLine.order_id == order_id)
    if rows:
        await scoped.insert_many({"order_id": order_id, **row} for row in rows)


