"""The dealer's warehouses: the list and the form to add one (stock is kept per product and warehouse)."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.response import Redirect

from forecourt import ValidationFailed, Veto, flash, page, requires
from forecourt import gettext as _
from plugins.orders import services


async def _list(request: Request, values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                status: int = 200) -> Response:
    ctx = request.state.ctx
    return await page(request, "orders/catalogue/warehouses.html", {
        "warehouses": await services.warehouses(ctx.dealer_id), "values": values or {}, "errors": errors or {},
        "can_edit": ctx.can("orders.edit_catalogue")}, status_code=status)


@get("/catalogue/warehouses", guards=[requires("orders.view")])
async def list_warehouses(request: Request) -> Response:
    return await _list(request)


@post("/catalogue/warehouses", guards=[requires("orders.edit_catalogue")])
async def create_warehouse(request: Request) -> Response:
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        await services.create_warehouse(request.state.ctx, data)
    except ValidationFailed as exc:
        return await _list(request, data, exc.errors, 422)
    except Veto as exc:
        return await _list(request, data, {exc.field or "name": exc.message}, 422)
    return flash(Redirect("/orders/catalogue/warehouses", status_code=303), _("Warehouse saved."))


ROUTES = [list_warehouses, create_warehouse]
