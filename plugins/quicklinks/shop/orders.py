"""The link's own orders and an order's confirmation page — only orders this link placed, by their number.

An order is found through the link's checkouts (``quicklinks_checkout``):
another customer's order number, or one placed by the dealer's staff for the
same customer, is a 404 here, exactly like a number that does not exist.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from plugins.orders.sales import services as sales
from plugins.quicklinks.shop import session
from plugins.quicklinks.shop.checkout import DELIVERY
from plugins.quicklinks.tables import Checkout


async def _orders(shop: session.Shop, number: int | None = None, limit: int = 50) -> list[dict[str, Any]]:
    query = Checkout.scoped(shop.dealer_id).select(Checkout.order_id, Checkout.order_number).where(
        (Checkout.link_id == shop.link_id) & Checkout.order_id.is_not_null())
    if number is not None:
        query = query.where(Checkout.order_number == number)
    found = []
    for row in await query.order_by(Checkout.id, ascending=False).limit(limit):
        order = await sales.get(shop.dealer_id, int(row["order_id"]))
        if order is not None:
            found.append(order)
    return found


@get("/shop/orders", name="quicklinks_orders", **session.SHOP)
async def shop_orders(request: Request) -> Response:
    shop = await session.load(request)
    if shop is None:
        return await session.gone(request)
    return await session.render(request, shop, "quicklinks/shop/orders.html", {"orders": await _orders(shop)})


@get("/shop/orders/{number:int}", name="quicklinks_order", **session.SHOP)
async def shop_order(request: Request, number: FromPath[int]) -> Response:
    """The confirmation: the order's number, items, total, delivery — what the customer can reopen later."""
    shop = await session.load(request)
    if shop is None:
        return await session.gone(request)
    found = await _orders(shop, number, 1)
    if not found:
        return await session.render(request, shop, "quicklinks/shop/missing.html", {}, status_code=404)
    order = found[0]
    return await session.render(request, shop, "quicklinks/shop/order.html", {
        "order": order, "lines": await sales.lines(shop.dealer_id, int(order["id"])), "delivery": DELIVERY,
        "currency": order.get("currency") or shop.terms.dealer_currency})


ROUTES = [shop_orders, shop_order]
