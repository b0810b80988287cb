"""Checkout: the cart becomes exactly one order, whatever the double clicks, retries and tabs.

The idempotency key is (link, cart version): the checkout form carries the
version of the cart it showed. :func:`place`

1. reads the cart's version and items in one statement (one snapshot) and,
   if the version is the one the form showed, prices the cart again from the
   catalogue of this moment (a price the browser sent is never read), refuses
   a cart in several currencies or with a product no longer offered, and has
   the orders plugin's sales service check the order (``sales.prepare``:
   source ``quicklink``, the customer, their manager, the prices and
   currency) — all reads, before any lock is taken; a form of an older
   version is answered with the order that version made, if any, else 409;
2. in ONE transaction moves the link's ``cart_version`` on from exactly the
   version read in 1 (``UPDATE … WHERE cart_version = v``): that is the
   idempotency key's claim. A second submit of the same cart (a double
   click, a retry, another tab) finds the version moved — on PostgreSQL a
   concurrent one waits on the link's row until the first commits, then
   finds it moved — writes nothing and is answered with the first one's
   order, or, if the cart changed since without an order, sees the cart as
   it is now (409); so the order is made of exactly the cart that was read
   and priced;
3. empties the cart, writes the order (``sales.place``; on PostgreSQL the
   dealer's order number is locked from there to the commit, so the fewest
   statements come after it), records it under the key in
   ``quicklinks_checkout`` (unique per dealer, link and version), logs the
   use and reminds the customer's manager.

Any refusal rolls all of it back: no order, no key, the cart as it was.
SQLite runs the transaction on its single writer (``BEGIN IMMEDIATE``), so
concurrent submits queue and the later ones find the version moved; the writer
is held for the writes alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post

from forecourt import Message, ValidationFailed, create_reminder, in_language, now, transaction
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.orders.sales import services as sales
from plugins.quicklinks import uses
from plugins.quicklinks.shop import cart as carts
from plugins.quicklinks.shop import session
from plugins.quicklinks.tables import CartItem, Checkout, Link

DELIVERY = {"pickup": _l("Pickup at the dealer"), "courier": _l("Courier"), "transport": _l("Transport company")}
MAX_VERSION = 2**31 - 1
#: the order made of the cart at a version (the version is claimed by ``_MOVE``, so this never meets another)
_RECORD = ("INSERT INTO quicklinks_checkout (dealer_id, link_id, cart_version, created_at, order_id, order_number) "
           "VALUES ({}, {}, {}, {}, {}, {})")
#: the cart's version and items in one statement, so one snapshot (every cart change bumps the version first)
_CART = ("SELECT l.cart_version AS version, i.id, i.product_id, i.quantity, i.added_at FROM quicklinks_link l "
         "LEFT JOIN quicklinks_cart_item i ON i.dealer_id = l.dealer_id AND i.link_id = l.id "
         "WHERE l.dealer_id = {} AND l.id = {} AND l.revoked_at IS NULL ORDER BY i.added_at, i.id")
#: the checkout claims the cart's version: moves it on from exactly the version it read (and stamps the last use)
_MOVE = ("UPDATE quicklinks_link SET cart_version = {}, last_used_at = {} "
         "WHERE dealer_id = {} AND id = {} AND cart_version = {} AND revoked_at IS NULL RETURNING id")
#: fields of the customer's record the order copies; one the order form refuses is left out rather than block
_CONTACT = ("contact_name", "contact_phone", "contact_email", "manager_id")


class Refused(Exception):
    """Nothing was written: ``status`` and the field -> message to show."""

    def __init__(self, status: int, errors: dict[str, str]) -> None:
        super().__init__(status, errors)
        self.status = status
        self.errors = errors


@dataclass(frozen=True)
class Placed:
    number: int
    first: bool  #: this request made the order (else: an earlier submit of the same cart did)


def read(data: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The checkout form's own fields, and what is wrong with them."""
    values = {"delivery_method": data.get("delivery_method", ""), "address": data.get("address", "").strip(),
              "comment": data.get("comment", "").strip()}
    errors: dict[str, str] = {}
    if values["delivery_method"] not in DELIVERY:
        errors["delivery_method"] = _("Choose how you want to receive the order.")
    if values["delivery_method"] in ("courier", "transport") and not values["address"]:
        errors["address"] = _("Enter the delivery address.")
    if len(values["address"]) > 300:
        errors["address"] = _("The address is at most %(n)s characters.") % {"n": 300}
    if len(values["comment"]) > 2000:
        errors["comment"] = _("The comment is at most %(n)s characters.") % {"n": 2000}
    return values, errors


def _order_values(shop: session.Shop, values: dict[str, str]) -> dict[str, str]:
    """The order's fields: the customer's contact and owner (an owner who is no manager now is refused by the
    order form, and :func:`_draft` then leaves the order unassigned: the reminder goes to the dealer's queue)."""
    customer = shop.customer
    owner = customer.get("owner_id")
    return {"customer_id": str(customer["id"]), "contact_name": customer.get("name") or "",
            "contact_phone": customer.get("phone") or "", "contact_email": customer.get("email") or "",
            "manager_id": str(owner) if owner else "", "delivery_method": values["delivery_method"],
            "address": values["address"], "note": values["comment"]}


async def _draft(shop: session.Shop, values: dict[str, str], specs: list[dict[str, Any]],
                 prices: dict[int, Any], currency: str, products: dict[int, Any]) -> sales.Draft:
    """The order, checked; a contact detail of the customer's record the order form refuses is dropped, not fatal."""
    ctx = await shop.context()
    terms = {"source": "quicklink", "prices": prices, "currency": currency, "products": products,
             "customer": shop.customer}  # read by this request's session check
    try:
        return await sales.prepare(ctx, values, specs, **terms)
    except ValidationFailed as exc:
        refused = set(exc.errors or {}) & set(_CONTACT)
        if not refused:
            raise
        # once more without them: what is still wrong then is about the cart, which the customer can act on
        kept = {k: ("" if k in refused else v) for k, v in values.items()}
        return await sales.prepare(ctx, kept, specs, **terms)


def _field(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


def _changed() -> Refused:
    return Refused(409, {"cart": _("Your cart changed in another tab or window. Check it and order again.")})


async def _prepared(shop: session.Shop, version: int, values: dict[str, str]) -> sales.Draft | None:
    """The order of the cart at ``version``, checked and priced (reads only), or ``None`` if the cart moved on."""
    rows = await Link.raw(_CART, shop.dealer_id, shop.link_id)
    if not rows or int(rows[0]["version"]) != version:
        return None
    cart = await carts.priced(shop, [r for r in rows if r["id"] is not None], version)
    if not cart.lines:
        raise Refused(422, {"cart": _("Your cart is empty.")})
    if any(line["gone"] for line in cart.lines):
        raise Refused(422, {"cart": _("A product in your cart is no longer offered: remove it and order again.")})
    if cart.mixed:
        raise Refused(422, {"cart": _("Your cart holds products priced in different currencies (%(list)s). "
                                      "Order them separately.") % {"list": ", ".join(cart.totals)}})
    specs = [{"product_id": str(line["product"]["id"]), "quantity": str(line["item"]["quantity"]),
              "discount_pct": str(line["price"].discount_pct)} for line in cart.lines]
    prices = {int(line["product"]["id"]): line["price"].unit for line in cart.lines}
    products = {int(line["product"]["id"]): line["product"] for line in cart.lines}  # read by the pricing above
    try:
        return await _draft(shop, _order_values(shop, values), specs, prices, cart.currency, products)
    except ValidationFailed as exc:
        raise Refused(422, dict(exc.errors)) from exc


async def _placed_before(dealer_id: int, link_id: int, version: int) -> Placed:
    """The order an earlier submit of the cart at ``version`` made; else the cart changed since (409)."""
    row = await Checkout.scoped(dealer_id).select(Checkout.order_number).where(
        (Checkout.link_id == link_id) & (Checkout.cart_version == version)).first()
    if row is None or row["order_number"] is None:  # never checked out, or that submit was refused meanwhile
        raise _changed()
    return Placed(int(row["order_number"]), False)


async def place(shop: session.Shop, version: int, values: dict[str, str], user_agent: str = "") -> Placed:
    """Check the cart of ``version`` out (see the module doc); raises :class:`Refused` with nothing written."""
    if not 0 <= version <= MAX_VERSION:
        raise _changed()
    d, link_id = shop.dealer_id, shop.link_id
    # everything that only reads comes before the transaction: its lock is held for the writes alone
    draft = await _prepared(shop, version, values)
    if draft is None:
        return await _placed_before(d, link_id, version)
    ctx = await shop.context()
    async with transaction():
        moment = now()
        # the claim: nothing is written unless the cart is still at the version read above
        if await Link.raw(_MOVE, version + 1, moment, d, link_id, version):
            # before the order: from its number on, the dealer's other checkouts wait (PostgreSQL's number lock)
            await CartItem.raw("DELETE FROM quicklinks_cart_item WHERE dealer_id = {} AND link_id = {}", d, link_id)
            order = await sales.place(ctx, draft)
            order_id, number = int(_field(order, "id")), int(_field(order, "number"))
            await Checkout.raw(_RECORD, d, link_id, version, moment, order_id, number)
            await uses.record(d, link_id, "order", user_agent, order_id=order_id, stamp=False)
            manager = _field(order, "manager_id")
            await create_reminder(ctx, Message("New order %(number)s from a quick link", number=number), moment,
                                  user_id=manager, queue=manager is None, entity=sales.ORDER, entity_id=order_id,
                                  url=f"/orders/{order_id}", source="quicklinks")
            return Placed(number, True)
    return await _placed_before(d, link_id, version)  # an earlier submit of this cart moved it on, or a change did


async def _page(request: Request, shop: session.Shop, values: dict[str, str], errors: dict[str, str],
                status_code: int = 200) -> Response:
    return await carts.show(request, shop, status_code=status_code, template="quicklinks/shop/checkout.html",
                            values=values, errors=errors, delivery=DELIVERY)


@get("/shop/checkout", name="quicklinks_checkout", **session.SHOP)
async def checkout_page(request: Request) -> Response:
    shop = await session.load(request)
    if shop is None:
        return await session.gone(request)
    values = {"delivery_method": "pickup", "address": shop.customer.get("address") or "", "comment": ""}
    return await _page(request, shop, values, {})


@post("/shop/checkout", name="quicklinks_checkout_post", **session.SHOP)
async def checkout(request: Request) -> Response:
    """Place the order (fields ``delivery_method``, ``address``, ``comment``, hidden ``cart_version``)."""
    shop = await session.load(request)
    if shop is None:
        return await session.gone(request)
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    with in_language(shop.lang):  # the refusals below are read by the customer, in their language
        values, errors = read(data)
        typed = data.get("cart_version", "").strip()
        version = int(typed) if re.fullmatch(r"[0-9]{1,10}", typed) else -1
        try:
            if errors:
                raise Refused(422, errors)
            placed = await place(shop, version, values, request.headers.get("user-agent", ""))
        except Refused as refused:
            return await _page(request, shop, values, refused.errors, refused.status)
    location = f"{session.PATH}/orders/{placed.number}"
    if request.headers.get("hx-request") == "true":
        return Response(content=b"", status_code=200, headers={"hx-redirect": location})
    return Response(content=b"", status_code=303, headers={"location": location})


ROUTES = [checkout_page, checkout]
