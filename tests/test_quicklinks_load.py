"""Quick links under load, bounded and on 127.0.0.0/8 only, on both engines.

* 50 customers, each from a loopback address of their own, each
  double-submitting their checkout at the same moment as all the others:
  exactly 50 orders, one per customer, numbered 1..50 without gaps or
  repeats, each answer pointing at its customer's order; stock unchanged
  (a new order reserves nothing).
* 1,000 random tokens from ten addresses: every answer a 404 or a 429 (the
  per-address limit), never a shop.
"""

from __future__ import annotations

import asyncio
import secrets
from decimal import Decimal

from plugins.customers import services as customers
from plugins.orders import services as catalogue
from plugins.orders.tables import Order, OrderLine, Stock
from plugins.quicklinks import links
from plugins.quicklinks.shop.opening import OPENS_PER_MINUTE
from plugins.quicklinks.tables import Checkout
from tests.test_quicklinks_shop import World, add, checkout, customer_client, opened, version, world

CUSTOMERS = 50
TOKENS = 1000
ADDRESSES = 10


async def test_fifty_customers_double_submitting_make_exactly_fifty_orders(make_dealer, forecourt_server):
    first = await world(make_dealer, prices=("1200",))
    product = first.products[0]
    warehouse = await catalogue.create_warehouse(first.ctx, {"name": "Main", "address": ""})
    await catalogue.receive(first.ctx, product["id"], warehouse.id, 10)
    worlds = [first]
    for i in range(CUSTOMERS - 1):
        made = await customers.create(first.ctx, {"name": f"Customer {i}", "phone": f"+420 601 234 {i:03d}",
                                                  "source": "other", "discount_pct": "10"})
        new = await links.make(first.ctx, made.id)
        worlds.append(World(first.dealer, first.ctx, await customers.get(first.dealer.id, made.id), first.products,
                            new.token, new.link))
    stock_before = await Stock.scoped(first.dealer.id).select(Stock.on_hand, Stock.reserved)
    clients = [await opened(forecourt_server, w) for w in worlds]
    for i, client in enumerate(clients):
        assert (await add(client, product["id"], 1 + i % 3)).status_code == 303
    versions = [await version(client) for client in clients]
    answers = await asyncio.gather(*[checkout(client, v) for client, v in zip(clients, versions, strict=True)
                                     for _ in range(2)])
    assert {r.status_code for r in answers} == {303}, sorted({r.status_code for r in answers})
    for i in range(CUSTOMERS):  # both submits of one customer were answered with the same order
        assert answers[2 * i].headers["location"] == answers[2 * i + 1].headers["location"]
    orders = await Order.scoped(first.dealer.id).select()
    assert len(orders) == CUSTOMERS
    assert sorted(o["number"] for o in orders) == list(range(1, CUSTOMERS + 1))
    assert sorted(o["customer_id"] for o in orders) == sorted(w.customer["id"] for w in worlds)
    by_customer = {o["customer_id"]: o for o in orders}
    for i, w in enumerate(worlds):
        order = by_customer[w.customer["id"]]
        assert answers[2 * i].headers["location"] == f"/quicklinks/shop/orders/{order['number']}"
        quantity = 1 + i % 3
        assert Decimal(order["total"]) == Decimal(1080) * quantity  # 1200 - 10 %
    assert len(await OrderLine.scoped(first.dealer.id).select()) == CUSTOMERS
    assert len(await Checkout.scoped(first.dealer.id).select()) == CUSTOMERS
    assert await Stock.scoped(first.dealer.id).select(Stock.on_hand, Stock.reserved) == stock_before
    for client in clients:
        await client.aclose()


async def test_a_thousand_random_tokens_open_nothing_and_are_throttled(forecourt_server):
    clients = [customer_client(forecourt_server) for _ in range(ADDRESSES)]
    gate = asyncio.Semaphore(16)

    async def guess(i: int) -> int:
        async with gate:
            r = await clients[i % ADDRESSES].get(f"/quicklinks/o/{secrets.token_urlsafe(32)}")
            return r.status_code

    codes = await asyncio.gather(*[guess(i) for i in range(TOKENS)])
    assert set(codes) <= {404, 429}
    allowed = ADDRESSES * OPENS_PER_MINUTE  # each address's first 30 are looked up (404), the rest throttled
    assert codes.count(404) == allowed and codes.count(429) == TOKENS - allowed
    assert all("fc_ql" not in c.cookies for c in clients)
    for client in clients:
        await client.aclose()
