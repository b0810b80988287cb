"""The order form: new (``/orders/new``, ``?inquiry=N`` to make it from an inquiry), save, edit, approve.

One plain form with the five zones of manual 002 (inquiry, customer, items,
order, history), usable without JavaScript: its buttons post the form with an
``action`` — ``save``, ``add`` (an item by SKU), ``find_product`` (search by
name), ``add_product``, ``find_customer``, ``refresh`` — and every action
other than ``save`` shows the form again with everything typed kept and the
totals recomputed on the server; htmx only swaps the form in place. A refused
save answers 422 with every message, in the reader's language, beside its field.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import (
    Conflict,
    Forbidden,
    ValidationFailed,
    Veto,
    call_hook,
    flash,
    page,
    read_id,
    render_fragment,
    requires,
    search_text,
    timeline_panel,
)
from forecourt import gettext as _
from plugins.orders import services as catalogue
from plugins.orders.inquiries.services import managers as dealer_managers
from plugins.orders.machines import OPEN, ORDER_MACHINE
from plugins.orders.sales import fields, services
from plugins.orders.sales.totals import order_totals
from plugins.orders.search.items import find_products
from plugins.orders.tables import Inquiry

SELL = [requires("orders.sell")]


def _data(form: Any) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


def line_specs(data: dict[str, str]) -> list[dict[str, str]]:
    """The items as posted (``lines-<i>-<field>``), in their order, without those marked for removal.

    At most one more than an order may hold: enough for the save to say "at
    most N items", never thousands of rows to price for a crafted post.
    """
    found: dict[int, dict[str, str]] = {}
    for key, value in data.items():
        parts = key.split("-", 2)
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isascii() and parts[1].isdigit() and len(parts[1]) < 4:
            found.setdefault(int(parts[1]), {})[parts[2]] = value
    return [spec for _i, spec in sorted(found.items()) if spec.get("remove") != "1"][:fields.MAX_LINES + 1]


def _form_lines(specs: list[dict[str, Any]]) -> dict[str, str]:
    """Specs back as form values (``lines-<i>-<field>``) after the list was renumbered."""
    out: dict[str, str] = {}
    for i, spec in enumerate(specs):
        for key, value in spec.items():
            if key != "remove":
                out[f"lines-{i}-{key}"] = "" if value is None else str(value)
    return out


async def _shown_lines(ctx: Any, specs: list[dict[str, str]], kept: list[dict[str, Any]]) -> tuple[list, dict]:
    """The items to show (with their SKU, name, price and line total) and the order's totals, computed here."""
    shown, valid = [], []
    for i, spec in enumerate(specs):
        rows, _problems = await services.resolve_lines(ctx.dealer_id, [spec], kept)
        base = rows[0] if rows else None
        if base:
            valid.append(base)
        shown.append({"i": i, "spec": spec, "sku": base["sku"] if base else spec.get("sku", ""),
                      "name": base["name"] if base else "", "unit_price": base["unit_price"] if base else None,
                      "total": base["line_total"] if base else None})
    return shown, order_totals(valid)


async def _form(request: Request, values: dict[str, str], errors: dict[str, str], order: dict[str, Any] | None = None,
                status: int = 200, products: list | None = None, matches: list | None = None) -> Response:
    ctx = request.state.ctx
    kept = await services.lines(ctx.dealer_id, order["id"]) if order else []
    specs = line_specs(values)
    shown, totals = await _shown_lines(ctx, specs, kept)
    editable_items = order is None or (order["status"] in OPEN and not order["stock_state"])
    customer = await services.customer(ctx, values.get("customer_id")) if values.get("customer_id") else None
    inquiry_id = read_id(values.get("inquiry_id", "")) if values.get("inquiry_id") else None
    inquiry = await Inquiry.scoped(ctx.dealer_id).select(Inquiry.id, Inquiry.number).where(
        Inquiry.id == inquiry_id).first() if inquiry_id is not None else None  # shown by its number, not its id
    return await page(request, "orders/sales/form.html", {
        "values": values, "errors": errors, "order": order, "lines": shown, "totals": totals, "inquiry": inquiry,
        "editable_items": editable_items, "fields": fields, "products": products, "matches": matches,
        "customer": customer, "customers_on": services.customers_on(ctx),
        "managers": await dealer_managers(ctx.dealer_id),
        "warehouses": await catalogue.warehouses(ctx.dealer_id),
        "state": ORDER_MACHINE.state(order["status"] if order else ORDER_MACHINE.initial),
        "timeline": await timeline_panel(request, services.ORDER, order["id"]) if order else "",
        "action": f"/orders/{order['id']}/edit" if order else "/orders/",
    }, status_code=status)


def _order_values(order: dict[str, Any], kept: list[dict[str, Any]]) -> dict[str, str]:
    values = {k: "" if order[k] is None else str(order[k]) for k in (
        *fields.TEXTS, *fields.LEGAL, "note", "payment_method", "delivery_method", "warehouse_id", "manager_id",
        "customer_id")}
    values.update(_form_lines([{"line_id": line["id"], "product_id": line["product_id"], "quantity": line["quantity"],
                                "discount_pct": line["discount_pct"], "bonus": line["bonus"]} for line in kept]))
    return values


async def _inquiry_values(ctx: Any, inquiry_id: int | None) -> dict[str, str] | None:
    """The new order's fields prefilled from the inquiry (its caller, customer and manager), or None."""
    if inquiry_id is None:
        return None
    row = await Inquiry.scoped(ctx.dealer_id).select().where(Inquiry.id == inquiry_id).first()
    if row is None or row["order_id"] is not None:
        return None
    customer = await services.customer(ctx, row["customer_id"]) if row["customer_id"] else None
    return {"inquiry_id": str(row["id"]), "contact_name": row["contact_name"], "contact_phone": row["phone"],
            "customer_id": str(customer["id"]) if customer else "",
            "manager_id": str(row["manager_id"] or ctx.user_id or "")}


@get("/new", guards=SELL)
async def new_order(request: Request) -> Response:
    ctx = request.state.ctx
    inquiry_id = read_id(request.query_params.get("inquiry", ""))
    values = await _inquiry_values(ctx, inquiry_id)
    if inquiry_id is not None and values is None:
        raise NotFoundException()
    return await _form(request, values or {"manager_id": str(ctx.user_id or "")}, {})


async def _step(request: Request, data: dict[str, str], order: dict[str, Any] | None) -> Response | None:
    """The form's buttons other than Save: the same form again, changed as asked (nothing is written)."""
    ctx = request.state.ctx
    action = data.get("action", "save")
    specs = line_specs(data)
    values = {k: v for k, v in data.items() if not k.startswith("lines-") and k != "action"}
    errors: dict[str, str] = {}
    products = matches = None
    if action == "add":
        sku = search_text(data.get("add_sku", ""), 40).strip()
        if sku:
            specs.append({"sku": sku, "quantity": data.get("add_quantity") or "1", "discount_pct": "0", "bonus": "0"})
            _rows, problems = await services.resolve_lines(ctx.dealer_id, specs[-1:])
            if problems:
                specs.pop()
                errors["add_sku"] = next(iter(problems.values()))
            else:
                values["add_sku"] = ""
        else:
            errors["add_sku"] = _("Enter the SKU of the product to add.")
    elif action.startswith("add_product:"):
        product_id = read_id(action.split(":", 1)[1])
        specs.append({"product_id": str(product_id or ""), "quantity": "1", "discount_pct": "0", "bonus": "0"})
        if (await services.resolve_lines(ctx.dealer_id, specs[-1:]))[1]:
            specs.pop()
            errors["product_q"] = _("There is no such active product in your catalogue: "
                                    "check the SKU or search by name.")
    elif action == "find_product":
        products = await find_products(ctx.dealer_id, data.get("product_q", ""))
        if not products:
            errors["product_q"] = _("No active product matches this.")
    elif action == "find_customer":
        if services.customers_on(ctx):
            matches = await call_hook("customers_matches", ctx=ctx, phone=data.get("contact_phone", ""),
                                      email=data.get("contact_email", ""), name=data.get("contact_name", ""))
            if not matches:
                errors["customer_id"] = _("No customer matches this name, phone or e-mail.")
    elif action == "detach_customer":
        values["customer_id"] = ""
    elif action != "refresh":
        return None
    return await _form(request, {**values, **_form_lines(specs)}, errors, order,
                       products=products, matches=matches)


def _saved(request: Request, url: str, message: str) -> Response:
    """After a save, the order's card (``url``) with ``message``.

    The form posts itself with htmx to swap in place; the card has no form to swap in, so a redirect that
    htmx followed by itself would leave an empty page. htmx is told to load the card as a page instead
    (``HX-Redirect``); without JavaScript it is a plain 303.
    """
    if request.headers.get("hx-request") == "true":
        return flash(Response(content=b"", status_code=200, media_type="text/html", headers={"HX-Redirect": url}),
                     message)
    return flash(Redirect(url, status_code=303), message)


@post("/", guards=SELL)
async def create_order(request: Request) -> Response:
    ctx = request.state.ctx
    data = _data(await request.form())
    shown = await _step(request, data, None)
    if shown is not None:
        return shown
    inquiry_id = read_id(data.get("inquiry_id", "")) if data.get("inquiry_id") else None
    try:
        row = await services.create(ctx, data, line_specs(data), "inquiry" if inquiry_id else "form",
                                    inquiry_id=inquiry_id, new_customer=data.get("new_customer") == "1")
    except ValidationFailed as exc:
        return await _form(request, data, exc.errors, status=422)
    except (Veto, Conflict, Forbidden) as exc:
        return await _form(request, data, {exc.field or "_": exc.message}, status=exc.status_code)
    return _saved(request, f"/orders/{row.id}", _("Order %(number)s saved.") % {"number": row.number})


async def _order(request: Request, order_id: int) -> dict[str, Any]:
    row = await services.get(request.state.ctx.dealer_id, order_id)
    if row is None:
        raise NotFoundException()
    return row


@get("/{order_id:int}/edit", guards=SELL)
async def edit_order(request: Request, order_id: FromPath[int]) -> Response:
    order = await _order(request, order_id)
    return await _form(request, _order_values(order, await services.lines(order["dealer_id"], order_id)), {}, order)


@post("/{order_id:int}/edit", guards=SELL)
async def update_order(request: Request, order_id: FromPath[int]) -> Response:
    ctx = request.state.ctx
    order = await _order(request, order_id)
    data = _data(await request.form())
    shown = await _step(request, data, order)
    if shown is not None:
        return shown
    editable = order["status"] in OPEN and not order["stock_state"]
    try:
        await services.edit(ctx, order_id, data, line_specs(data) if editable else None,
                            new_customer=data.get("new_customer") == "1")
    except ValidationFailed as exc:
        return await _form(request, data, exc.errors, await _order(request, order_id), status=422)
    except (Veto, Conflict, Forbidden) as exc:
        return await _form(request, data, {exc.field or "_": exc.message}, await _order(request, order_id),
                           status=exc.status_code)
    return _saved(request, f"/orders/{order_id}", _("Order saved."))


@post("/{order_id:int}/approve", guards=[requires("orders.approve")])
async def approve_order(request: Request, order_id: FromPath[int]) -> Response:
    """Approve an order waiting for review; one that no longer waits is left as it is (409).

    The card's button sends ``seen`` (the order's ``updated_at`` as shown): an order changed since — other
    items, a bigger discount — is not approved unseen (409, the card shows it again).
    """
    order = await _order(request, order_id)
    seen = (await request.form()).get("seen")
    expect = None
    if isinstance(seen, str) and seen:
        if seen != order["updated_at"].isoformat():
            raise Conflict(_("Someone else changed this meanwhile. Nothing was saved; look at it again."))
        expect = order["updated_at"]
    if await services.approval.approve(request.state.ctx, order_id, updated_at=expect) is None:
        raise Conflict(_("This order does not wait for approval (any more)."))
    return flash(Redirect(f"/orders/{order_id}", status_code=303), _("Order approved."))


@get("/items", guards=SELL)
async def item_search(request: Request) -> Response:
    """The item search's results alone (htmx fills them in under the search box as one types)."""
    products = await find_products(request.state.ctx.dealer_id, request.query_params.get("product_q", ""))
    return Response(render_fragment("orders/sales/_products.html", products=products), media_type="text/html")


ROUTES = [new_order, create_order, edit_order, update_order, approve_order, item_search]
