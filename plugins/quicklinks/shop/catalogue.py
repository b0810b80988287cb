"""The customer's catalogue and product pages: the dealer's active products at the customer's personal price.

Search (``q``: a name or SKU prefix, like the orders plugin's product
search) and a category filter (``kind``), keyset pages of 50 — the page never
counts the table. Availability says "in stock" or "on order", never how many.
Nothing here writes: these are GETs, and mail scanners prefetch links.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.params import FromPath

from forecourt import lazy_gettext as _l
from plugins.orders import services as catalogue
from plugins.quicklinks import pricing
from plugins.quicklinks.shop import session

#: what the catalogue page shows of a product and prices it from
SHOWN = ("sku", "name", "kind", "base_price", "currency", "unit", "active")
KINDS = {"vehicle": _l("Vehicles"), "accessory": _l("Accessories"), "part": _l("Parts"), "service": _l("Services")}


def priced(shop: session.Shop, product: dict[str, Any], available: int) -> dict[str, Any]:
    """A product as the shop shows it: its personal price and "in stock" / "on order"."""
    return {**product, "price": pricing.price(product, shop.terms), "in_stock": available > 0}


def _query(request: Request) -> tuple[str, str, str]:
    q = str(request.query_params.get("q") or "")[:100].strip()
    kind = str(request.query_params.get("kind") or "")
    after = str(request.query_params.get("after") or "")[:200]
    return q, kind if kind in KINDS else "", after


@get("/shop/", name="quicklinks_shop", **session.SHOP)
async def shop_catalogue(request: Request) -> Response:
    shop = await session.load(request)
    if shop is None:
        return await session.gone(request)
    q, kind, after = _query(request)
    rows, token = await catalogue.catalogue_page(shop.dealer_id, q=q, kind=kind, after=after, columns=SHOWN)
    products = [priced(shop, r, r.get("available", 0)) for r in rows]
    more = f"?{urlencode({k: v for k, v in (('q', q), ('kind', kind), ('after', token)) if v})}" if token else ""
    return await session.render(request, shop, "quicklinks/shop/catalogue.html", {
        "products": products, "q": q, "kind": kind, "kinds": KINDS, "more": more, "first": not after})


@get("/shop/p/{product_id:int}", name="quicklinks_product", **session.SHOP)
async def shop_product(request: Request, product_id: FromPath[int]) -> Response:
    shop = await session.load(request)
    if shop is None:
        return await session.gone(request)
    product = await catalogue.get(shop.dealer_id, product_id)
    if product is None or not product["active"]:
        return await session.render(request, shop, "quicklinks/shop/missing.html", {}, status_code=404)
    available = await catalogue.available(shop.dealer_id, product_id)
    return await session.render(request, shop, "quicklinks/shop/product.html", {
        "product": priced(shop, product, available), "kinds": KINDS})


ROUTES = [shop_catalogue, shop_product]
