"""The order service: the one way orders are made and changed — the form uses it, and so may other plugins.

Public (documented in docs/guide-orders.md, for quick links, the API and partners):

* :func:`get`, :func:`lines` — read one of the dealer's orders and its items;
* :func:`create` — a new order with its items, all or nothing: numbered per
  dealer without gaps (the number is taken inside the creating transaction,
  behind a per-dealer lock on PostgreSQL and SQLite's single writer, and the
  unique index ``orders_order_number`` backs it), totals computed here in
  Decimal, the review opened when the order is above the dealer's limits;
  ``orders_order_placed(ctx, order_id, source)`` fires after the commit;
* :func:`update` — the order's own fields (never its status, stamps, stock or approval);
* :func:`set_lines` — replace its items (while the order holds no stock), totals recomputed.

Every write goes through the core's ``create_entity`` / ``update_entity``, so
other plugins' vetoes, the history and the notifications see it. Errors a
person can act on are ``ValidationFailed`` (field -> message), ``Veto`` and
``Conflict``; nothing is written when one is raised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from forecourt import (
    Conflict,
    Context,
    Message,
    ValidationFailed,
    apply_transition,
    call_hook,
    create_entity,
    hook_owner_enabled,
    now,
    read_id,
    transaction,
    update_entity,
)
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.orders.entity import INQUIRY
from plugins.orders.entity import ORDER as ORDER  # part of this public service API
from plugins.orders.inquiries.services import managers as dealer_managers
from plugins.orders.machines import INQUIRY_MACHINE, OPEN
from plugins.orders.numbering import ORDERS, next_number, take_turn
from plugins.orders.sales import approval, fields
from plugins.orders.sales.lines import MAX_AMOUNT as MAX_AMOUNT  # part of this public service API
from plugins.orders.sales.lines import resolve_lines as resolve_lines  # part of this public service API
from plugins.orders.sales.lines import write_lines
from plugins.orders.sales.totals import order_totals
from plugins.orders.tables import Inquiry, Order, OrderLine, Warehouse

# --- reading ---------------------------------------------------------------------------------------


async def get(dealer_id: int, order_id: int) -> dict[str, Any] | None:
    """The dealer's order as a dict (every column), or ``None``."""
    return await Order.scoped(dealer_id).select().where(Order.id == order_id).first()


async def lines(dealer_id: int, order_id: int) -> list[dict[str, Any]]:
    """The order's items in their order, each with ``line_total`` as stored."""
    return await OrderLine.scoped(dealer_id).select().where(OrderLine.order_id == order_id).order_by(
        OrderLine.position).order_by(OrderLine.id)


# --- the order's own fields ----------------------------------------------------------------------------


async def _choices(dealer_id: int, raw: Mapping[str, Any]) -> tuple[set[int], set[int]]:
    """The dealer's manager and warehouse ids the form may name; each read only when the form names one."""
    def named(key: str) -> bool:
        return isinstance(raw.get(key), str) and bool(raw[key].strip())

    managers = {u["id"] for u in await dealer_managers(dealer_id)} if named("manager_id") else set()
    warehouses = {w["id"] for w in await Warehouse.raw("SELECT id FROM orders_warehouse WHERE dealer_id = {}",
                                                       dealer_id)} if named("warehouse_id") else set()
    return managers, warehouses


def customers_on(ctx: Context) -> bool:
    """Whether the dealer has the customers module (its public hooks may then be called)."""
    return hook_owner_enabled("customers_get", ctx)


async def customer(ctx: Context, customer_id: Any) -> dict[str, Any] | None:
    """The dealer's customer through the customers plugin's ``customers_get`` (``None`` without the module)."""
    chosen = read_id(str(customer_id or ""))
    if not chosen or not customers_on(ctx):
        return None
    return await call_hook("customers_get", ctx=ctx, customer_id=chosen)


async def _clean(ctx: Context, raw: dict[str, Any], current: dict[str, Any] | None,
                 known: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """The order's fields and what is wrong with them; ``known``: the dealer's customer the caller read this moment
    (taken when ``customer_id`` names it and it is this dealer's, instead of asking the customers plugin again)."""
    managers, warehouses = await _choices(ctx.dealer_id, raw)
    values, errors = fields.clean_order(raw, ctx.dealer_language, managers=managers, warehouses=warehouses,
                                        keep_legal=current)
    typed = raw.get("customer_id")
    if typed and isinstance(typed, str) and typed.strip() and customers_on(ctx):
        if known is not None and str(known.get("id")) == typed.strip() and known.get("dealer_id") == ctx.dealer_id:
            found: dict[str, Any] | None = None if known.get("invalid") else dict(known)  # as customers_get
        else:
            found = await customer(ctx, typed)
        if found is None:
            errors["customer_id"] = _("Choose one of your customers.")
        values["customer_id"] = found["id"] if found else None
    else:
        values["customer_id"] = None
    return values, errors


_CUSTOMER_FIELDS = {"name": "contact_name", "phone": "contact_phone", "email": "contact_email"}


async def _new_customer(ctx: Context, values: dict[str, Any]) -> dict[str, Any]:
    """Create the customer in the customers plugin from the order's contact (joins the caller's transaction)."""
    try:
        return await call_hook("customers_create", ctx=ctx, values={
            "name": values["contact_name"], "phone": values["contact_phone"], "email": values["contact_email"],
            "source": "other"})
    except ValidationFailed as exc:
        raise ValidationFailed({_CUSTOMER_FIELDS.get(k, "contact_name"): v for k, v in exc.errors.items()}) from exc


@dataclass(frozen=True)
class Draft:
    """An order checked, priced and totalled by :func:`prepare`, nothing written yet: :func:`place` writes it."""

    values: dict[str, Any]
    rows: list[dict[str, Any]]
    approval: str
    source: str


async def prepare(ctx: Context, values: dict[str, Any], line_specs: Sequence[dict[str, Any]],
                  source: str = "form", *, prices: Mapping[int, Decimal] | None = None, currency: str = "",
                  products: Mapping[int, Any] | None = None, customer: Mapping[str, Any] | None = None) -> Draft:
    """Check a new order as :func:`create` does and return it unwritten; raises ``ValidationFailed``.

    Reads only: a caller that must hold a lock while it writes (quick links'
    checkout) prepares first and then calls :func:`place` inside its
    transaction, so the lock is held for the writes alone. What was checked
    (the customer, the products, the manager) is checked as of this moment,
    as with any form that is read before it is saved. ``products``: the
    product rows the caller read this moment (see :func:`resolve_lines`);
    ``customer``: the row of the dealer's customer ``values["customer_id"]``
    names, as the caller read it this moment through the customers
    plugin's service (it is not read again).
    """
    cleaned, errors = await _clean(ctx, values, None, customer)
    rows, line_errors = await resolve_lines(ctx.dealer_id, line_specs, prices=prices, products=products)
    errors.update(line_errors)
    if errors:
        raise ValidationFailed(errors)
    totals = order_totals(rows)
    state = approval.on_create(await approval.limits(ctx.dealer_id), totals)
    cleaned.update(totals, source=source, approval=state, currency=(currency or "")[:3].upper())
    if cleaned.get("manager_id") is None and ctx.user_id is not None and ctx.role in ("manager", "dealer_admin"):
        cleaned["manager_id"] = ctx.user_id
    return Draft(cleaned, rows, state, source)


async def _write(ctx: Context, draft: Draft) -> Any:
    """Insert the drafted order, numbered, with its lines (joins the caller's transaction)."""
    moment = now()

    async def numbered(_values: dict[str, Any]) -> dict[str, Any]:
        await take_turn(Order, ORDERS, ctx.dealer_id)
        return {"number": await next_number(Order, ctx.dealer_id)}

    async def lines_and_more(row: Any) -> None:
        await write_lines(ctx, row.id, draft.rows, new=True)
        await approval.record(ctx, row.id, "", draft.approval)

    return await create_entity(ctx, Order, ORDER, {**draft.values, "created_at": moment, "updated_at": moment},
                               extra=lines_and_more, complete=numbered)


async def place(ctx: Context, draft: Draft) -> Any:
    """Write an order :func:`prepare` checked and return its row; ``orders_order_placed`` fires after.

    Inside a caller's transaction the order is part of it (its number is
    taken last thing before the insert, and held until that commits).
    """
    row = await _write(ctx, draft)
    await call_hook("orders_order_placed", ctx=ctx, order_id=row.id, source=draft.source)
    return row


async def create(ctx: Context, values: dict[str, Any], line_specs: Sequence[dict[str, Any]],
                 source: str = "form", *, inquiry_id: int | None = None, new_customer: bool = False,
                 prices: Mapping[int, Decimal] | None = None, currency: str = "") -> Any:
    """Create an order with its items, all or nothing, and return its row.

    ``values`` are the order's fields as a form sends them (strings;
    ``customer_id`` must be one of the dealer's customers — checked through
    the customers plugin); ``line_specs`` as :func:`resolve_lines` takes them.
    ``new_customer=True`` also creates a customer from the contact fields
    (where the dealer has the customers module), in the same transaction.
    ``inquiry_id``: the order is made from that inquiry, which moves to
    "Order created" and points at the order, in the same transaction.
    ``prices`` and ``currency``: a calling service's own unit prices per
    product id (see :func:`resolve_lines`) and the currency they are in
    (stored on the order; empty: the dealer's). Joins the caller's
    transaction if there is one (the order is then announced after that commits).
    After the commit ``orders_order_placed(ctx, order_id, source)`` fires.
    :func:`prepare` and :func:`place` are its two halves.
    """
    errors: dict[str, str] = {}
    inquiry = None
    if inquiry_id is not None:
        inquiry = await Inquiry.scoped(ctx.dealer_id).select().where(Inquiry.id == inquiry_id).first()
        if inquiry is None or inquiry["order_id"] is not None:
            errors["inquiry"] = _("This inquiry already has an order, or it is not one of yours.")
    if new_customer and not str(values.get("contact_name") or "").strip():
        errors["contact_name"] = _("Enter the customer's name.")
    try:
        draft = await prepare(ctx, values, line_specs, source, prices=prices, currency=currency)
    except ValidationFailed as exc:  # the fields' own messages first, then this call's checks
        raise ValidationFailed({**errors, **exc.errors}) from exc
    if errors:
        raise ValidationFailed(errors)
    if inquiry is None and not new_customer:
        return await place(ctx, draft)
    draft.values["inquiry_id"] = inquiry_id
    async with transaction():
        if new_customer and customers_on(ctx) and draft.values.get("customer_id") is None:
            draft.values["customer_id"] = (await _new_customer(ctx, draft.values))["id"]
        row = await _write(ctx, draft)
        if inquiry is not None:
            if await update_entity(ctx, Inquiry, INQUIRY, inquiry["id"], {"order_id": row.id, "updated_at": now()},
                                   expect={"order_id": None}) is None:  # another order was made from it meanwhile
                raise Conflict(_("This inquiry already has an order, or it is not one of yours."))
            if inquiry["status"] != "order_created":
                await apply_transition(ctx, INQUIRY_MACHINE, inquiry["id"], "order", inquiry["status"])
    await call_hook("orders_order_placed", ctx=ctx, order_id=row.id, source=source)
    return row


async def _named_ids(ctx: Context, current: dict[str, Any], cleaned: dict[str, Any]) -> dict[str, Any]:
    """The id columns' history specs: each id shown by its name (the history outlives renames as written)."""
    managers = {m["id"]: m["name"] for m in await dealer_managers(ctx.dealer_id)}
    warehouses = {w["id"]: w["name"] for w in await Warehouse.scoped(ctx.dealer_id).select(Warehouse.id,
                                                                                             Warehouse.name)}
    customers: dict[Any, str] = {}
    if current["customer_id"] != cleaned.get("customer_id", current["customer_id"]):
        for customer_id in (current["customer_id"], cleaned.get("customer_id")):
            found = await customer(ctx, customer_id) if customer_id else None
            if found:
                customers[customer_id] = f"#{found['number']} {found['name']}"
    return {"customer_id": (_l("Customer"), customers), "manager_id": (_l("Responsible manager"), managers),
            "warehouse_id": (_l("Warehouse"), warehouses)}


async def update(ctx: Context, order_id: int, values: dict[str, Any], *, new_customer: bool = False) -> Any:
    """Change the order's own fields (contact, customer, payment, delivery, warehouse, waybill, legal details, note).

    The status, the stamped dates, the stock state, the approval, the
    number and the totals are not among them: a form that sends them changes
    nothing of them. ``None`` when the order is not the dealer's.
    """
    current = await get(ctx.dealer_id, order_id)
    if current is None:
        return None
    cleaned, errors = await _clean(ctx, values, current)
    if new_customer and not cleaned.get("contact_name"):
        errors.setdefault("contact_name", _("Enter the customer's name."))
    if errors:
        raise ValidationFailed(errors)
    if current["stock_state"] and cleaned.get("warehouse_id") != current["warehouse_id"]:
        raise ValidationFailed({"warehouse_id": _("The order holds stock in its warehouse: the warehouse "
                                                  "cannot change now.")})
    cleaned["updated_at"] = now()
    history = {**fields.TRACKED, **await _named_ids(ctx, current, cleaned)}
    if new_customer and customers_on(ctx) and cleaned.get("customer_id") is None:
        async with transaction():
            cleaned["customer_id"] = (await _new_customer(ctx, cleaned))["id"]
            return await update_entity(ctx, Order, ORDER, order_id, cleaned, history=history,
                                       summary=Message("Order details changed"))
    return await update_entity(ctx, Order, ORDER, order_id, cleaned, history=history,
                               summary=Message("Order details changed"))


def _same_key(line: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two lists of items the same (sending the items unchanged reopens no review)."""
    return (line["product_id"], line["sku"], int(line["quantity"]), Decimal(str(line["discount_pct"])),
            Decimal(str(line["bonus"])), Decimal(str(line["unit_price"])))


async def set_lines(ctx: Context, order_id: int, line_specs: Sequence[dict[str, Any]]) -> Any:
    """Replace the order's items and recompute its totals; the review reopens above the dealer's limits.

    Only while the order is still open (New, Call back, Pending, Pre-order)
    and holds no stock: a confirmed order's reservation was made for its
    items. A concurrent status change wins (``Conflict``, nothing written).
    """
    current = await get(ctx.dealer_id, order_id)
    if current is None:
        return None
    if current["status"] not in OPEN or current["stock_state"]:
        raise Conflict(_("The items can change only before the order is confirmed."))
    rows, errors = await resolve_lines(ctx.dealer_id, line_specs, await lines(ctx.dealer_id, order_id))
    if errors:
        raise ValidationFailed(errors)
    totals = order_totals(rows)
    kept = [_same_key(r) for r in await lines(ctx.dealer_id, order_id)]
    state = (current["approval"] if kept == [_same_key(r) for r in rows]
             else approval.after_items(await approval.limits(ctx.dealer_id), current["approval"], totals))
    changes: dict[str, Any] = {**totals, "approval": state, "updated_at": now()}
    if state != current["approval"]:
        changes.update(approved_by=None, approved_at=None)

    async def extra(row: Any) -> None:
        await write_lines(ctx, order_id, rows)
        await approval.record(ctx, order_id, current["approval"], state)

    row = await update_entity(ctx, Order, ORDER, order_id, changes, history={"total": _l("Total")},
                              summary=Message("Items changed"), extra=extra,
                              expect={"status": current["status"], "stock_state": ""})
    if row is None:
        raise Conflict(_("Someone else changed this meanwhile. Nothing was saved; look at it again."))
    return row


async def edit(ctx: Context, order_id: int, values: dict[str, Any], line_specs: Sequence[dict[str, Any]] | None,
               *, new_customer: bool = False) -> Any:
    """The edit form's one save: the order's fields and (while it is open) its items, together or not at all."""
    current = await get(ctx.dealer_id, order_id)
    if current is None:
        return None
    errors: dict[str, str] = {}
    if line_specs is not None:  # every refusal at once, before anything is written
        errors.update((await resolve_lines(ctx.dealer_id, line_specs, await lines(ctx.dealer_id, order_id)))[1])
    errors.update((await _clean(ctx, values, current))[1])
    if errors:
        raise ValidationFailed(errors)
    async with transaction():
        row = await update(ctx, order_id, values, new_customer=new_customer)
        if line_specs is not None and current["status"] in OPEN and not current["stock_state"]:
            row = await set_lines(ctx, order_id, line_specs)
    return row
