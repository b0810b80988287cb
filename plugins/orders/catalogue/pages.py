"""The catalogue list (keyset pages, search by SKU, name or VIN) and the new/edit product forms."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import ValidationFailed, Veto, flash, page, requires, search_text
from forecourt import gettext as _
from plugins.orders import services
from plugins.orders.catalogue import fields
from plugins.orders.listing import products as listing

FILTERS = ("q", "kind", "sort", "inactive")


def _filters(request: Request) -> dict[str, str]:
    return {key: search_text(request.query_params.get(key, ""), 100) for key in FILTERS}


def _url_with(f: dict[str, str]):
    """``url_with(after=…)`` in the template: this page's filters with some changed (empty ones dropped)."""

    def build(**changes: str) -> str:
        return "/orders/catalogue/?" + urlencode({k: v for k, v in {**f, **changes}.items() if v})

    return build


@get("/catalogue/", guards=[requires("orders.view")])
async def list_products(request: Request) -> Response:
    ctx = request.state.ctx
    f = _filters(request)
    after = search_text(request.query_params.get("after", ""), 300)
    rows, token = await listing.search(ctx.dealer_id, q=f["q"], kind=f["kind"] if f["kind"] in fields.KINDS else "",
                                       inactive=f["inactive"] == "1", sort=f["sort"] or "name", after=after)
    return await page(request, "orders/catalogue/list.html", {
        "f": f, "rows": rows, "next_after": token, "after": after, "fields": fields, "url_with": _url_with(f),
        "can_edit": ctx.can("orders.edit_catalogue"),
    })


async def _form(request: Request, values: dict[str, Any], errors: dict[str, str], product: Any = None,
                status: int = 200) -> Response:
    return await page(request, "orders/catalogue/form.html", {
        "values": values, "errors": errors, "product": product, "fields": fields}, status_code=status)


def _data(form: Any) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


@get("/catalogue/new", guards=[requires("orders.edit_catalogue")])
async def new_product(request: Request) -> Response:
    kind = request.query_params.get("kind", "vehicle")
    return await _form(request, {"kind": kind if kind in fields.KINDS else "vehicle", "active": "1"}, {})


@post("/catalogue/", guards=[requires("orders.edit_catalogue")])
async def create_product(request: Request) -> Response:
    data = _data(await request.form())
    try:
        row = await services.create_product(request.state.ctx, data)
    except ValidationFailed as exc:
        return await _form(request, data, exc.errors, status=422)
    except Veto as exc:
        return await _form(request, data, {exc.field or "name": exc.message}, status=422)
    return flash(Redirect(f"/orders/catalogue/{row.id}", status_code=303),
                 _("Product %(sku)s saved.") % {"sku": row.sku})


@get("/catalogue/{product_id:int}/edit", guards=[requires("orders.edit_catalogue")])
async def edit_product(request: Request, product_id: FromPath[int]) -> Response:
    row = await services.get(request.state.ctx.dealer_id, product_id)
    if row is None:
        raise NotFoundException()
    return await _form(request, fields.form_values(row), {}, product=row)


@post("/catalogue/{product_id:int}/edit", guards=[requires("orders.edit_catalogue")])
async def update_product(request: Request, product_id: FromPath[int]) -> Response:
    row = await services.get(request.state.ctx.dealer_id, product_id)
    if row is None:
        raise NotFoundException()
    data = _data(await request.form())
    try:
        await services.update_product(request.state.ctx, product_id, data)
    except ValidationFailed as exc:
        return await _form(request, data, exc.errors, product=row, status=422)
    except Veto as exc:
        return await _form(request, data, {exc.field or "name": exc.message}, product=row, status=422)
    return flash(Redirect(f"/orders/catalogue/{product_id}", status_code=303), _("Product saved."))


ROUTES = [list_products, new_product, create_product, edit_product, update_product]
