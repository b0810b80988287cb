"""The customer's side of quick links over real HTTP, on both engines: prices, the session, the cart, checkout.

Links are made with :func:`plugins.quicklinks.links.make`; rates and the
dealer's look are written straight into the plugin's tables (their editing
pages are the card helper's). Each customer client talks from its own
loopback address (127.x.y.z), as customers on the Internet do, so the
per-address limit on opening links counts them apart.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import re
from decimal import Decimal
from typing import Any

import httpx

from forecourt import now, system_context
from forecourt.testing import Client
from plugins.customers import services as customers
from plugins.orders import services as catalogue
from plugins.orders.tables import Order, OrderLine
from plugins.quicklinks import links
from plugins.quicklinks.tables import CartItem, Checkout, Link, Rate, Use

MODULES = ["orders", "customers", "quicklinks"]


def address() -> str:
    """A loopback address of its own for one customer."""
    return f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def customer_client(base_url: str, cookies: dict[str, str] | None = None, **kwargs: Any) -> Client:
    transport = httpx.AsyncHTTPTransport(local_address=address())
    client = Client(base_url=base_url, follow_redirects=False, timeout=60, transport=transport, **kwargs)
    for name, value in (cookies or {}).items():
        client.cookies.set(name, value)
    return client


@dataclasses.dataclass
class World:
    dealer: Any
    ctx: Any
    customer: dict[str, Any]
    products: list[dict[str, Any]]
    token: str
    link: dict[str, Any]


async def world(make_dealer, *, currency: str = "", language: str = "en", discount: str = "10",
                prices: tuple[str, ...] = ("1000", "250.50"), product_currency: str = "",
                rates: dict[tuple[str, str], str] | None = None) -> World:
    """A dealer with quick links, products, one customer (the manager's) and a live link for them."""
    dealer = await make_dealer(modules=MODULES)
    manager = dealer.users["manager"]
    ctx = dataclasses.replace(system_context(dealer.id, frozenset(dealer.modules), dealer.name, "en"),
                              user_id=manager.id, role="manager", user_name="M")
    made = []
    for i, price in enumerate(prices):
        row = await catalogue.create_product(ctx, {"kind": "part", "sku": f"QL-{i}", "name": f"Product {i}",
                                                   "base_price": price, "currency": product_currency,
                                                   "unit": "pcs", "active": "1"})
        made.append(await catalogue.get(dealer.id, row.id))
    customer = await customers.create(ctx, {"name": "Jana Zákaznice", "phone": "+420 601 234 567",
                                            "email": "jana@example.test", "source": "other",
                                            "discount_pct": discount, "currency": currency, "language": language})
    for (source, target), rate in (rates or {}).items():
        await Rate.scoped(dealer.id).insert(source=source, target=target, rate=Decimal(rate), updated_at=now())
    cust = await customers.get(dealer.id, customer.id)
    new = await links.make(ctx, cust["id"])
    return World(dealer, ctx, cust, made, new.token, new.link)


async def opened(base_url: str, w: World) -> Client:
    """A customer's client whose link was opened (holds the session cookie)."""
    client = customer_client(base_url)
    r = await client.get(f"/quicklinks/o/{w.token}")
    assert r.status_code == 303 and r.headers["location"] == "/quicklinks/shop/", r.text[:300]
    assert "fc_ql" in client.cookies
    return client


def csrf(client: Client) -> dict[str, str]:
    return {"_csrf_token": client.cookies.get("fc_csrf", "")}


async def add(client: Client, product_id: int, quantity: int = 1, **extra: str) -> httpx.Response:
    if "fc_csrf" not in client.cookies:
        await client.get("/quicklinks/shop/")
    return await client.post("/quicklinks/shop/cart", data={"product_id": str(product_id), "quantity": str(quantity),
                                                             **extra})


async def version(client: Client) -> str:
    page = (await client.get("/quicklinks/shop/checkout")).text
    found = re.search(r'name="cart_version" value="(\d+)"', page)
    assert found, page[:2000]
    return found.group(1)


async def checkout(client: Client, cart_version: str, **extra: str) -> httpx.Response:
    return await client.post("/quicklinks/shop/checkout", data={
        "cart_version": cart_version, "delivery_method": "pickup", "address": "", "comment": "Call first", **extra})


async def orders_of(w: World) -> list[dict[str, Any]]:
    return await Order.scoped(w.dealer.id).select().where(Order.customer_id == w.customer["id"])


async def test_a_customer_orders_at_the_personal_price_and_the_order_lands_in_orders(make_dealer, forecourt_server):
    w = await world(make_dealer, discount="10")
    client = await opened(forecourt_server, w)
    page = await client.get("/quicklinks/shop/")
    assert page.status_code == 200 and "Product 0" in page.text and "Jana" in page.text
    # 1000 - 10 % = 900; 250.50 - 10 % = 225.45
    assert 'data-price="900.00"' in page.text and 'data-price="225.45"' in page.text
    assert (await add(client, w.products[0]["id"], 2)).status_code == 303
    assert (await add(client, w.products[1]["id"], 1)).status_code == 303
    cart = (await client.get("/quicklinks/shop/cart")).text
    assert 'data-total="2025.45"' in cart, cart
    r = await checkout(client, await version(client), price="1", unit_price="0.01",
                       **{"lines-0-unit_price": "0.01"})
    assert r.status_code == 303, r.text[:3000]
    number = int(r.headers["location"].rsplit("/", 1)[1])
    confirmation = await client.get(r.headers["location"])
    assert confirmation.status_code == 200 and f"{number}" in confirmation.text
    [order] = await orders_of(w)
    assert (order["number"], order["status"], order["source"]) == (number, "new", "quicklink")
    assert Decimal(order["total"]) == Decimal("2025.45") and order["note"] == "Call first"
    assert order["manager_id"] == w.dealer.users["manager"].id
    lines = await OrderLine.scoped(w.dealer.id).select().where(OrderLine.order_id == order["id"])
    assert sorted(Decimal(x["unit_price"]) for x in lines) == [Decimal("250.50"), Decimal("1000.00")]
    assert not await CartItem.scoped(w.dealer.id).select().where(CartItem.link_id == w.link["id"])
    kinds = sorted(u["kind"] for u in await Use.scoped(w.dealer.id).select().where(Use.link_id == w.link["id"]))
    assert kinds == ["cart", "cart", "open", "order"]
    assert str(number) in (await client.get("/quicklinks/shop/orders")).text
    await client.aclose()
