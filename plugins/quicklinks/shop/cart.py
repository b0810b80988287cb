"""The customer's cart: one row per product of the link, prices never stored — computed on every view.

Guarantees:

* every change (add, set a quantity, remove) bumps the link's
  ``cart_version`` first, in the same transaction: the bump locks the
  link's row (PostgreSQL; SQLite has one writer), so cart changes and a
  checkout of that link are serialised, and a checkout form carrying an
  older version knows the cart changed since it was shown;
* only the dealer's active products go in; quantities are whole, 1 to
  :data:`MAX_QUANTITY` (0 removes);
* works without JavaScript (plain forms, 303 back to the cart); with htmx
  a quantity change answers the cart fragment, swapped in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath

from forecourt import gettext as _
from forecourt import in_language, now, read_id, transaction
from plugins.orders import services as catalogue
from plugins.quicklinks import pricing, uses
from plugins.quicklinks.shop import session
from plugins.quicklinks.tables import CartItem, Link

MAX_QUANTITY = 10_000
MAX_ITEMS = 100  #: different products in one cart


class CartRefused(Exception):
    """What the customer sent cannot go into the cart (the message says why)."""


@dataclass(frozen=True)
class Cart:
    """The cart as shown: its lines at today's prices, the total per currency, and its version."""

    lines: list[dict[str, Any]]
    totals: dict[str, Decimal]  #: currency -> total; more than one currency cannot be checked out together
    version: int

    @property
    def mixed(self) -> bool:
        return len(self.totals) > 1

    @property
    def currency(self) -> str:
        return next(iter(self.totals), "")

    @property
    def total(self) -> Decimal:
        return next(iter(self.totals.values()), Decimal("0.00"))


async def count(shop: session.Shop) -> int:
    rows = await CartItem.raw("SELECT COALESCE(SUM(quantity), 0) AS n FROM quicklinks_cart_item "
                              "WHERE dealer_id = {} AND link_id = {}", shop.dealer_id, shop.link_id)
    return int(rows[0]["n"])


async def items(dealer_id: int, link_id: int) -> list[dict[str, Any]]:
    return await CartItem.scoped(dealer_id).select().where(CartItem.link_id == link_id).order_by(
        CartItem.added_at).order_by(CartItem.id)


async def current(shop: session.Shop) -> Cart:
    """The cart now: each item with its product (gone or inactive ones marked) and today's personal price."""
    version_row = await Link.scoped(shop.dealer_id).select(Link.cart_version).where(Link.id == shop.link_id).first()
    version = int(version_row["cart_version"]) if version_row else 0
    return await priced(shop, await items(shop.dealer_id, shop.link_id), version)


async def priced(shop: session.Shop, rows: list[dict[str, Any]], version: int) -> Cart:
    lines: list[dict[str, Any]] = []
    totals: dict[str, Decimal] = {}
    found = await catalogue.products_by_id(shop.dealer_id, (int(row["product_id"]) for row in rows))
    for row in rows:
        product = found.get(int(row["product_id"]))
        if product is None or not product["active"]:
            lines.append({"item": row, "product": product, "gone": True})
            continue
        price = pricing.price(product, shop.terms)
        total = pricing.line(int(row["quantity"]), price)
        totals[price.currency] = totals.get(price.currency, Decimal("0.00")) + total
        lines.append({"item": row, "product": product, "price": price, "total": total, "gone": False})
    return Cart(lines, totals, version)


def quantity_of(raw: Any, minimum: int) -> int:
    # ASCII digits only: "²" passes isdigit() and then int() raises
    text = str(raw if raw is not None else "").strip()
    if not re.fullmatch(r"[0-9]{1,6}", text) or not minimum <= int(text) <= MAX_QUANTITY:
        raise CartRefused(_("Enter a whole quantity from %(low)s to %(high)s.") % {"low": minimum,
                                                                                   "high": MAX_QUANTITY})
    return int(text)


_BUMP = ("UPDATE quicklinks_link SET cart_version = cart_version + 1 "
         "WHERE dealer_id = {} AND id = {} AND revoked_at IS NULL RETURNING id")
#: the same, stamping the link's last use too
_BUMP_USED = ("UPDATE quicklinks_link SET cart_version = cart_version + 1, last_used_at = {} "
              "WHERE dealer_id = {} AND id = {} AND revoked_at IS NULL RETURNING id")
#: the cart's number of products, and whether this one is among them
_PLACES = ("SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN product_id = {} THEN 1 ELSE 0 END), 0) AS here "
           "FROM quicklinks_cart_item WHERE dealer_id = {} AND link_id = {}")
#: more of a product: a new row, or added to its row (one per link and product), never past MAX_QUANTITY
_ADD = ("INSERT INTO quicklinks_cart_item (dealer_id, link_id, product_id, quantity, added_at) "
        "VALUES ({}, {}, {}, {}, {}) ON CONFLICT (dealer_id, link_id, product_id) DO UPDATE SET quantity = "
        "CASE WHEN quicklinks_cart_item.quantity + excluded.quantity > {} THEN {} "
        "ELSE quicklinks_cart_item.quantity + excluded.quantity END")


async def _bump(shop: session.Shop, used_at: Any = None) -> None:
    """Count a change of the cart (and lock the link's row until the transaction ends); ``used_at`` also
    stamps the link's last use, in the same statement."""
    if used_at is None:
        done = await Link.raw(_BUMP, shop.dealer_id, shop.link_id)
    else:
        done = await Link.raw(_BUMP_USED, used_at, shop.dealer_id, shop.link_id)
    if not done:
        raise CartRefused(_("This link no longer opens the shop."))


async def add(shop: session.Shop, product_id: int, quantity: int) -> None:
    """Put ``quantity`` more of the product into the cart.

    The link's row is locked first (``_bump``), so the count of products
    and the write after it cannot race another change of this cart.
    """
    product = await catalogue.get(shop.dealer_id, product_id)
    if product is None or not product["active"]:
        raise CartRefused(_("This product is no longer offered."))
    d, link_id = shop.dealer_id, shop.link_id
    async with transaction():
        moment = now()
        await _bump(shop, used_at=moment)
        held = (await CartItem.raw(_PLACES, product_id, d, link_id))[0]
        if not int(held["here"]) and int(held["n"]) >= MAX_ITEMS:
            raise CartRefused(_("A cart holds at most %(n)s different products.") % {"n": MAX_ITEMS})
        await CartItem.raw(_ADD, d, link_id, product_id, quantity, moment, MAX_QUANTITY, MAX_QUANTITY)
        await uses.record(d, link_id, "cart", shop.extra.get("user_agent", ""), stamp=False)


async def put(shop: session.Shop, product_id: int, quantity: int) -> None:
    """Set the product's quantity in the cart; 0 takes it out."""
    async with transaction():
        await _bump(shop)
        where = (CartItem.link_id == shop.link_id) & (CartItem.product_id == product_id)
        if quantity == 0:
            await CartItem.scoped(shop.dealer_id).delete().where(where)
        else:
            await CartItem.scoped(shop.dealer_id).update({CartItem.quantity: quantity}).where(where)


async def _form(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


async def show(request: Request, shop: session.Shop, error: str = "", status_code: int = 200,
               template: str = "quicklinks/shop/cart.html", **extra: Any) -> Response:
    cart = await current(shop)
    in_cart = sum(int(line["item"]["quantity"]) for line in cart.lines)
    return await session.render(request, shop, template, {"cart": cart, "error": error, "in_cart": in_cart, **extra},
                                status_code=status_code)


@get("/shop/cart", name="quicklinks_cart", **session.SHOP)
async def cart_page(request: Request) -> Response:
    shop = await session.load(request)
    if shop is None:
        return await session.gone(request)
    return await show(request, shop)


@post("/shop/cart", name="quicklinks_cart_add", **session.SHOP)
async def cart_add(request: Request) -> Response:
    """Add a product (``product_id``, ``quantity``, default 1)."""
    shop = await session.load(request)
    if shop is None:
        return await session.gone(request)
    shop.extra["user_agent"] = request.headers.get("user-agent", "")
    data = await _form(request)
    try:
        with in_language(shop.lang):  # a refusal is read by the customer, in their language
            product_id = read_id(data.get("product_id", ""))
            if product_id is None:
                raise CartRefused(_("This product is no longer offered."))
            await add(shop, product_id, quantity_of(data.get("quantity") or "1", 1))
    except CartRefused as refused:
        if _htmx(request):  # the form targets the header's count: answer with the count and the reason, not a cart
            return await session.render(request, shop, "quicklinks/shop/_refused.html",
                                        {"in_cart": await count(shop), "message": str(refused)}, status_code=422)
        return await show(request, shop, str(refused), 422)
    if _htmx(request):
        return await session.render(request, shop, "quicklinks/shop/_added.html", {"in_cart": await count(shop)})
    return Response(content=b"", status_code=303, headers={"location": f"{session.PATH}/cart"})


@post("/shop/cart/{product_id:int}", name="quicklinks_cart_set", **session.SHOP)
async def cart_set(request: Request, product_id: FromPath[int]) -> Response:
    """Set a quantity (``quantity``; 0 removes); htmx gets the cart fragment, a plain form a 303 to the cart."""
    shop = await session.load(request)
    if shop is None:
        return await session.gone(request)
    data = await _form(request)
    try:
        with in_language(shop.lang):
            quantity = 0 if "remove" in data else quantity_of(data.get("quantity"), 0)
            await put(shop, product_id, quantity)
    except CartRefused as refused:
        return await show(request, shop, str(refused), 422,
                          template="quicklinks/shop/_cart.html" if _htmx(request) else "quicklinks/shop/cart.html")
    if _htmx(request):
        return await show(request, shop, template="quicklinks/shop/_cart.html")
    return Response(content=b"", status_code=303, headers={"location": f"{session.PATH}/cart"})


ROUTES = [cart_page, cart_add, cart_set]
