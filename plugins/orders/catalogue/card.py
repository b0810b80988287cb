"""The product card (its details, its stock per warehouse, its timeline) and the stock adjustment on it."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import Conflict, ValidationFailed, Veto, flash, page, read_id, requires, timeline_panel
from forecourt import gettext as _
from plugins.orders import services
from plugins.orders.catalogue import fields


async def _card(request: Request, product_id: int, values: dict[str, str] | None = None,
                errors: dict[str, str] | None = None, status: int = 200) -> Response:
    ctx = request.state.ctx
    row = await services.get(ctx.dealer_id, product_id)
    if row is None:
        raise NotFoundException()
    return await page(request, "orders/catalogue/card.html", {
        "p": row, "fields": fields, "stock": await services.stock(ctx.dealer_id, product_id),
        "values": values or {"mode": "receive"}, "errors": errors or {},
        "timeline": await timeline_panel(request, services.PRODUCT, product_id),
        "can_edit": ctx.can("orders.edit_catalogue"),
    }, status_code=status)


@get("/catalogue/{product_id:int}", guards=[requires("orders.view")])
async def show_product(request: Request, product_id: FromPath[int]) -> Response:
    return await _card(request, product_id)


@post("/catalogue/{product_id:int}/stock", guards=[requires("orders.edit_catalogue")])
async def adjust_stock(request: Request, product_id: FromPath[int]) -> Response:
    """Receive n units into a warehouse, or set its counted quantity on hand (a stocktake)."""
    ctx = request.state.ctx
    if await services.get(ctx.dealer_id, product_id) is None:
        raise NotFoundException()
    data: dict[str, Any] = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    quantity, errors = fields.clean_quantity(data)
    warehouse_id = read_id(data.get("warehouse_id", ""))
    if warehouse_id is None:
        errors["warehouse_id"] = _("Choose one of your warehouses.")
    mode = data.get("mode") if data.get("mode") in ("receive", "set") else "receive"
    try:
        if errors:
            raise ValidationFailed(errors)
        if mode == "set":
            await services.set_on_hand(ctx, product_id, warehouse_id, quantity)
        else:
            await services.receive(ctx, product_id, warehouse_id, quantity)
    except ValidationFailed as exc:
        return await _card(request, product_id, data, exc.errors, 422)
    except (Veto, Conflict) as exc:
        return await _card(request, product_id, data, {"quantity": exc.message}, exc.status_code)
    except LookupError as exc:  # deleted meanwhile
        raise NotFoundException() from exc
    return flash(Redirect(f"/orders/catalogue/{product_id}", status_code=303), _("Stock saved."))


ROUTES = [show_product, adjust_stock]
