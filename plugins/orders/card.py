"""The order card, ``GET /orders/{order_id}``: the five zones read-only, the status and its actions, the history.

The status badge and the allowed actions come from the core's workflow panel
(final statuses are red); the dates the statuses stamp are shown and never
editable; an order waiting for review says so, with "Approve" for those who
may; a blacklisted customer (the customers plugin's ``customers_get``) is
highlighted. The payments zone is the payments package's panel, when present.
"""

from __future__ import annotations

import importlib
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from forecourt import dealer_users, page, requires, timeline_panel, workflow_panel
from plugins.orders import services as catalogue
from plugins.orders.machines import ORDER_MACHINE, ORDER_STAMPS
from plugins.orders.sales import fields, services

#: the stamped dates in the order the card shows them
STAMPS = ("reserved_at", "written_off_at", "production_at", "shipped_at", "prepaid_at", "held_at", "markup_at",
          "arrived_at", "returned_at", "reserve_released_at", "hold_released_at", "markup_returned_at",
          "handed_over_at")
assert set(STAMPS) == {c for cols in ORDER_STAMPS.values() for c in cols}


async def _payments(ctx: Any, order: dict[str, Any]) -> dict[str, Any]:
    """The payments zone's context from ``plugins.orders.payments.panel`` if that package is there."""
    try:
        panel = importlib.import_module("plugins.orders.payments.panel")
    except ModuleNotFoundError:
        return {}
    return await panel.context(ctx, order)


@get("/{order_id:int}", guards=[requires("orders.sell")])
async def show_order(request: Request, order_id: FromPath[int]) -> Response:
    ctx = request.state.ctx
    order = await services.get(ctx.dealer_id, order_id)
    if order is None:
        raise NotFoundException()
    users = {u["id"]: u["name"] for u in await dealer_users(ctx.dealer_id)}
    warehouse = next((w for w in await catalogue.warehouses(ctx.dealer_id) if w["id"] == order["warehouse_id"]), None)
    return await page(request, "orders/card.html", {
        "order": order, "lines": await services.lines(ctx.dealer_id, order_id), "fields": fields,
        "state": ORDER_MACHINE.state(order["status"]), "stamps": STAMPS,
        "customer": await services.customer(ctx, order["customer_id"]) if order["customer_id"] else None,
        "manager": users.get(order["manager_id"], ""), "approver": users.get(order["approved_by"], ""),
        "warehouse": warehouse, "can_approve": ctx.can("orders.approve"),
        "workflow": await workflow_panel(request, services.ORDER, order),
        "timeline": await timeline_panel(request, services.ORDER, order_id),
        "payments": await _payments(ctx, order),
    })


ROUTES = [show_order]
