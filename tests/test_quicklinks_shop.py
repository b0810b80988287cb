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


def plain(response: httpx.Response) -> str:
    """A page without its per-client CSRF token: what two answers are compared on."""
    return re.sub(r'"x-csrftoken": "[^"]*"', "", response.text)


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


async def test_prices_convert_with_the_dealers_rate_and_a_product_without_one_keeps_its_currency(
        make_dealer, forecourt_server):
    # the dealer's currency is EUR; the customer pays in CNY; 1 EUR = 7.8123 CNY
    w = await world(make_dealer, currency="CNY", language="zh", discount="5", prices=("100.10", "20"),
                    rates={("EUR", "CNY"): "7.8123"})
    rub = await catalogue.create_product(w.ctx, {"kind": "part", "sku": "RUB-1", "name": "Rouble part",
                                                 "base_price": "500", "currency": "RUB", "unit": "pcs", "active": "1"})
    client = await opened(forecourt_server, w)
    page = (await client.get("/quicklinks/shop/")).text
    assert '<html lang="zh">' in page
    # 100.10 x 7.8123 = 782.01 (to the cent), -5 % = 742.91; 20 x 7.8123 = 156.25, -5 % = 148.44
    assert 'data-price="742.91" data-currency="CNY"' in page and 'data-price="148.44" data-currency="CNY"' in page
    assert 'data-price="475.00" data-currency="RUB"' in page  # no RUB -> CNY rate: its own currency, marked
    await add(client, w.products[0]["id"], 3)
    await add(client, rub.id, 1)
    v = await version(client)
    refused = await checkout(client, v)
    assert refused.status_code == 422 and "RUB" in refused.text
    assert not await orders_of(w) and not await Checkout.scoped(w.dealer.id).select()
    assert len(await CartItem.scoped(w.dealer.id).select().where(CartItem.link_id == w.link["id"])) == 2
    r = await client.post(f"/quicklinks/shop/cart/{rub.id}", data={"quantity": "0"})
    assert r.status_code == 303
    r = await checkout(client, await version(client))
    assert r.status_code == 303, r.text[:2000]
    [order] = await orders_of(w)
    assert order["currency"] == "CNY" and Decimal(order["total"]) == Decimal("2228.73")  # 3 x 782.01 = 2346.03 -5 %
    [line] = await OrderLine.scoped(w.dealer.id).select().where(OrderLine.order_id == order["id"])
    assert Decimal(line["unit_price"]) == Decimal("782.01") and Decimal(line["discount_pct"]) == Decimal(5)
    confirmation = (await client.get(r.headers["location"])).text
    assert 'data-total="2228.73" data-currency="CNY"' in confirmation
    await client.aclose()


async def test_the_orders_card_list_and_form_show_the_orders_own_currency(make_dealer, forecourt_server, client_as):
    w = await world(make_dealer, currency="CNY", prices=("10",), rates={("EUR", "CNY"): "8"})
    client = await opened(forecourt_server, w)
    await add(client, w.products[0]["id"], 1)
    assert (await checkout(client, await version(client))).status_code == 303
    [order] = await orders_of(w)
    manager = await client_as(w.dealer, "manager")
    from forecourt import fmt_money

    shown = fmt_money(Decimal("72"), "CNY")  # 80 - 10 %
    for url in (f"/orders/{order['id']}", "/orders/", f"/orders/{order['id']}/edit"):
        page = await manager.get(url)
        assert page.status_code == 200 and shown in page.text, url
    await client.aclose()


async def test_a_dead_link_or_session_gets_the_same_404_and_loses_its_cookie(make_dealer, forecourt_server,
                                                                            forecourt_registry):
    unknown = customer_client(forecourt_server)
    baseline = await unknown.get("/quicklinks/o/" + "x" * 43)
    assert baseline.status_code == 404
    assert (await unknown.get("/quicklinks/shop/")).status_code == 404  # no cookie at all
    await unknown.aclose()

    async def killed(how: str) -> None:
        w = await world(make_dealer)
        client = await opened(forecourt_server, w)
        assert (await client.get("/quicklinks/shop/")).status_code == 200
        if how == "revoked":
            await links.revoke(w.ctx, w.customer["id"])
        elif how == "regenerated":
            await links.make(w.ctx, w.customer["id"])
        elif how == "expired":
            await Link.scoped(w.dealer.id).update({Link.expires_at: now()}).where(Link.id == w.link["id"])
        elif how == "blacklisted":
            await customers.set_blacklisted(w.ctx, w.customer["id"], True, "unpaid")
        elif how == "invalid":
            await customers.set_invalid(w.ctx, w.customer["id"], True)
        elif how == "deleted":
            await customers.delete(w.ctx, w.customer["id"], cascade=True)
        elif how == "module_off":
            from core import modules

            await modules.disable(forecourt_registry, w.ctx, w.dealer.id, "quicklinks")
        for url in ("/quicklinks/shop/", "/quicklinks/shop/cart", "/quicklinks/shop/checkout",
                    "/quicklinks/shop/orders", f"/quicklinks/shop/p/{w.products[0]['id']}"):
            r = await client.get(url)
            assert r.status_code == 404, (how, url)
            assert plain(r) == plain(baseline), (how, url)
        r = await client.get("/quicklinks/shop/")
        assert 'fc_ql=""' in r.headers.get("set-cookie", "") or "Max-Age=0" in r.headers.get("set-cookie", ""), how
        again = customer_client(forecourt_server)
        r = await again.get(f"/quicklinks/o/{w.token}")  # the token itself is dead too
        assert r.status_code == 404 and plain(r) == plain(baseline) and "fc_ql" not in again.cookies, how
        await again.aclose()
        await client.aclose()

    for how in ("revoked", "regenerated", "expired", "blacklisted", "invalid", "deleted", "module_off"):
        await killed(how)



SHOP_GETS = ("/quicklinks/shop/", "/quicklinks/shop/?q=prod&kind=part", "/quicklinks/shop/cart",
             "/quicklinks/shop/checkout", "/quicklinks/shop/orders")


async def snapshot(w: World) -> tuple[Any, ...]:
    """Everything a shop request could change."""
    d = w.dealer.id
    link = await Link.scoped(d).select(Link.cart_version, Link.revoked_at).where(Link.id == w.link["id"]).first()
    cart = sorted((r["product_id"], r["quantity"]) for r in await CartItem.scoped(d).select())
    return (link, cart, len(await Use.scoped(d).select()), len(await Checkout.scoped(d).select()),
            len(await Order.scoped(d).select()), len(await OrderLine.scoped(d).select()))


async def test_get_requests_never_change_anything(make_dealer, forecourt_server):
    w = await world(make_dealer)
    client = await opened(forecourt_server, w)
    await add(client, w.products[0]["id"], 2)
    assert (await checkout(client, await version(client))).status_code == 303
    await add(client, w.products[1]["id"], 1)
    before = await snapshot(w)
    number = (await orders_of(w))[0]["number"]
    for url in (*SHOP_GETS, f"/quicklinks/shop/p/{w.products[0]['id']}", f"/quicklinks/shop/orders/{number}",
                "/quicklinks/shop/?after=garbage", "/quicklinks/shop/?after=%00%ff&q=%27%22%3C&kind=bogus",
                "/quicklinks/shop/?q=" + "x" * 5000):
        r = await client.get(url)
        assert r.status_code == 200, url
    for url in ("/quicklinks/shop/p/0", f"/quicklinks/shop/p/{2**31}", "/quicklinks/shop/orders/999",
                f"/quicklinks/shop/orders/{2**40}", "/quicklinks/shop/p/abc"):
        r = await client.get(url)
        assert r.status_code == 404, url
    assert await snapshot(w) == before


async def test_a_double_submitted_checkout_is_one_order_and_both_answers_show_it(make_dealer, forecourt_server):
    w = await world(make_dealer)
    client = await opened(forecourt_server, w)
    await add(client, w.products[0]["id"], 1)
    v = await version(client)
    first, second = await checkout(client, v), await checkout(client, v)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert len(await orders_of(w)) == 1
    # the cart changed in another tab after the form was shown: 409 with the cart as it is now, nothing written
    await add(client, w.products[1]["id"], 1)
    stale = await version(client)
    other_tab = customer_client(forecourt_server, cookies=dict(client.cookies))
    await add(other_tab, w.products[0]["id"], 4)
    r = await checkout(client, stale)
    assert r.status_code == 409 and 'name="cart_version"' in r.text and "Product 0" in r.text
    assert len(await orders_of(w)) == 1
    assert (await checkout(client, await version(client))).status_code == 303
    assert len(await orders_of(w)) == 2
    for bad in ("", "-1", "abc", "99999999999", str(2**31)):
        assert (await checkout(client, bad)).status_code == 409, bad
    await other_tab.aclose()
    await client.aclose()


async def test_twenty_concurrent_identical_checkouts_make_one_order(make_dealer, forecourt_server):
    w = await world(make_dealer)
    client = await opened(forecourt_server, w)
    await add(client, w.products[0]["id"], 3)
    v = await version(client)
    answers = await asyncio.gather(*[checkout(client, v) for _ in range(20)])
    assert {r.status_code for r in answers} == {303}, [r.status_code for r in answers]
    assert len({r.headers["location"] for r in answers}) == 1
    [order] = await orders_of(w)
    assert len(await OrderLine.scoped(w.dealer.id).select().where(OrderLine.order_id == order["id"])) == 1
    assert len(await Checkout.scoped(w.dealer.id).select()) == 1
    await client.aclose()


async def test_the_manager_is_reminded_in_their_language(make_dealer, forecourt_server, client_as):
    from core.tables import Reminder

    w = await world(make_dealer)
    client = await opened(forecourt_server, w)
    await add(client, w.products[0]["id"], 1)
    await checkout(client, await version(client))
    [order] = await orders_of(w)
    [reminder] = await Reminder.select().where(Reminder.dealer_id == w.dealer.id)
    assert reminder["user_id"] == w.dealer.users["manager"].id and reminder["url"] == f"/orders/{order['id']}"
    manager = await client_as(w.dealer, "manager")
    assert f"New order {order['number']} from a quick link" in (await manager.get("/")).text
    # and the customer's timeline shows the order, where it came from and where it stands
    timeline = (await manager.get(f"/timeline/customers.customer/{w.customer['id']}")).text
    assert f"Order {order['number']}" in timeline and "Quick link" in timeline and "New" in timeline
    await client.aclose()


async def test_an_owner_who_left_leaves_the_order_unassigned_and_the_reminder_in_the_queue(make_dealer,
                                                                                           forecourt_server):
    from core.tables import Reminder, User

    w = await world(make_dealer)
    assert w.customer["owner_id"] == w.dealer.users["manager"].id
    await User.update({User.active: False}).where(User.id == w.dealer.users["manager"].id)
    client = await opened(forecourt_server, w)
    await add(client, w.products[0]["id"], 2)
    r = await checkout(client, await version(client))
    assert r.status_code == 303, r.text[:500]
    [order] = await orders_of(w)
    assert order["manager_id"] is None and order["contact_name"] == "Jana Zákaznice" and order["source"] == "quicklink"
    [reminder] = await Reminder.select().where(Reminder.dealer_id == w.dealer.id)
    assert reminder["user_id"] is None and reminder["url"] == f"/orders/{order['id']}"
    await client.aclose()


async def test_the_menu_counts_the_cart_on_every_page(make_dealer, forecourt_server):
    w = await world(make_dealer)
    client = await opened(forecourt_server, w)
    await add(client, w.products[0]["id"], 2)
    await add(client, w.products[1]["id"], 1)
    for url in ("/quicklinks/shop/", f"/quicklinks/shop/p/{w.products[1]['id']}", "/quicklinks/shop/cart",
                "/quicklinks/shop/checkout"):
        r = await client.get(url)
        assert r.status_code == 200 and '<span id="cart-count">(3)</span>' in r.text, url
    r = await checkout(client, await version(client))
    page = await client.get(r.headers["location"])
    assert page.status_code == 200 and '<span id="cart-count"></span>' in page.text  # the cart is empty now
    await client.aclose()


async def test_the_shop_cookie_is_https_only_when_the_install_says_so(make_dealer, server_with):
    """Behind a TLS proxy the app sees plain http: FORECOURT_SECURE_COOKIES=1 still makes the cookie Secure."""
    w = await world(make_dealer)
    with server_with({"FORECOURT_SECURE_COOKIES": "1"}) as url:
        client = customer_client(url)
        r = await client.get(f"/quicklinks/o/{w.token}")
        [cookie] = [c.lower() for c in r.headers.get_list("set-cookie") if c.startswith("fc_ql=")]
        assert r.status_code == 303 and "secure" in cookie and "httponly" in cookie
        await client.aclose()


async def test_every_answer_carries_the_privacy_headers_and_the_cookie_is_tight(make_dealer, forecourt_server):
    w = await world(make_dealer)
    client = customer_client(forecourt_server)
    r = await client.get(f"/quicklinks/o/{w.token}")
    [cookie] = [c.lower() for c in r.headers.get_list("set-cookie") if c.startswith("fc_ql=")]
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=28800" in cookie
    assert "path=/quicklinks/shop;" in cookie + ";" and "secure" not in cookie  # plain http in tests
    answers = [r, await client.get("/quicklinks/o/nope"), await client.get("/quicklinks/shop/p/999999")]
    answers += [await client.get(url) for url in SHOP_GETS]
    answers.append(await add(client, w.products[0]["id"], 1))
    answers.append(await client.post("/quicklinks/shop/cart", data={"product_id": "x", "quantity": "1"}))
    answers.append(await client.post("/quicklinks/shop/cart", data={"product_id": "1"}, headers={"x-csrftoken": ""}))
    for answer in answers:
        assert answer.headers.get("referrer-policy") == "no-referrer", answer.request.url
        assert answer.headers.get("cache-control") == "no-store", answer.request.url
        assert answer.headers.get("x-robots-tag") == "noindex", answer.request.url
    assert answers[-1].status_code == 403  # CSRF stays on
    await client.aclose()


async def test_opening_links_is_rate_limited_per_address(make_dealer, forecourt_server):
    w = await world(make_dealer)
    client = customer_client(forecourt_server)
    codes = [(await client.get(f"/quicklinks/o/guess{i}")).status_code for i in range(31)]
    assert codes == [404] * 30 + [429]
    r = await client.get(f"/quicklinks/o/{w.token}")  # throttled before the token is looked at
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0 and "fc_ql" not in client.cookies
    other = customer_client(forecourt_server)  # another address is not throttled
    assert (await other.get(f"/quicklinks/o/{w.token}")).status_code == 303
    await client.aclose()
    await other.aclose()


async def test_the_token_never_reaches_the_servers_log(make_dealer, forecourt_server, forecourt_server_log):
    w = await world(make_dealer)
    client = await opened(forecourt_server, w)
    await client.get(f"/quicklinks/o/{w.token}?x=1")
    await asyncio.sleep(0.3)
    log = forecourt_server_log.read_text(errors="replace")
    assert "/quicklinks/o/[token]" in log and w.token not in log
    await client.aclose()


async def test_quantities_change_in_place_with_htmx_and_bad_ones_are_refused(make_dealer, forecourt_server):
    w = await world(make_dealer, discount="0")
    client = await opened(forecourt_server, w)
    hx = {"hx-request": "true"}
    await client.get("/quicklinks/shop/")
    r = await client.post("/quicklinks/shop/cart", data={"product_id": str(w.products[0]["id"]), "quantity": "1"},
                          headers=hx)
    assert r.status_code == 200 and 'id="cart-count">(1)' in r.text and "<html" not in r.text
    r = await client.post(f"/quicklinks/shop/cart/{w.products[0]['id']}", data={"quantity": "3"}, headers=hx)
    assert r.status_code == 200 and r.text.lstrip().startswith('<div id="cart"') and 'data-total="3000.00"' in r.text
    odd = ("²", "①", "٣", "1" * 5000)  # digits to str.isdigit() that int() refuses, and a number too long to read
    for bad in ("-1", "1.5", "x", "10001", "", *odd):
        r = await client.post(f"/quicklinks/shop/cart/{w.products[0]['id']}", data={"quantity": bad}, headers=hx)
        assert r.status_code == 422 and 'data-total="3000.00"' in r.text, bad
        assert (await client.post(f"/quicklinks/shop/cart/{w.products[0]['id']}",
                                  data={"quantity": bad})).status_code == 422, bad
    for bad in ("0", "x", str(2**40), "999999", "", *odd):
        assert (await client.post("/quicklinks/shop/cart", data={"product_id": bad})).status_code == 422, bad
        if bad:  # no quantity adds one
            r = await client.post("/quicklinks/shop/cart", data={"product_id": str(w.products[0]["id"]),
                                                                  "quantity": bad})
            assert r.status_code == 422, bad
    # a refused htmx add answers its target (the header's count) and the reason, never a whole cart into the menu
    r = await client.post("/quicklinks/shop/cart", data={"product_id": str(w.products[0]["id"]), "quantity": "20000"},
                          headers=hx)
    assert r.status_code == 422 and r.text.lstrip().startswith('<span id="cart-count">('), r.text[:300]
    assert 'hx-swap-oob="true"' in r.text and '<div id="cart"' not in r.text
    for bad in odd:
        r = await checkout(client, bad)
        assert r.status_code == 409 and not await orders_of(w), bad
    r = await client.post(f"/quicklinks/shop/cart/{w.products[0]['id']}", data={"remove": "1"})
    assert r.status_code == 303 and not await CartItem.scoped(w.dealer.id).select()
    await client.aclose()



async def test_adds_sum_up_at_once_and_a_cart_holds_at_most_a_hundred_products(make_dealer, forecourt_server):
    """Ten adds of one product at once all count (one row, summed in the database); a quantity stops at 10,000;
    the 101st different product is refused while more of one already in the cart is not."""
    from plugins.quicklinks.shop.cart import MAX_ITEMS, MAX_QUANTITY

    w = await world(make_dealer, discount="0", prices=tuple(str(10 + i) for i in range(MAX_ITEMS + 1)))
    client = await opened(forecourt_server, w)
    first, *others = [p["id"] for p in w.products]
    await client.get("/quicklinks/shop/")
    answers = await asyncio.gather(*[add(client, first) for _ in range(10)])
    assert [r.status_code for r in answers] == [303] * 10
    items = await CartItem.scoped(w.dealer.id).select().where(CartItem.link_id == w.link["id"])
    assert [(i["product_id"], i["quantity"]) for i in items] == [(first, 10)]
    assert (await add(client, first, MAX_QUANTITY)).status_code == 303  # capped, not refused, not past the cap
    row = await CartItem.scoped(w.dealer.id).select(CartItem.quantity).where(CartItem.product_id == first).first()
    assert row["quantity"] == MAX_QUANTITY
    for product in others[:MAX_ITEMS - 1]:
        assert (await add(client, product)).status_code == 303
    r = await add(client, others[-1])  # the 101st
    assert r.status_code == 422 and "at most 100" in r.text
    assert (await add(client, others[0])).status_code == 303  # more of one that is in the cart
    assert await CartItem.scoped(w.dealer.id).count().where(CartItem.link_id == w.link["id"]) == MAX_ITEMS
    await client.aclose()

async def test_a_links_session_reaches_only_its_own_customer_and_nothing_of_the_staff_ui(
        make_dealer, forecourt_server):
    from core.runtime import current

    a = await world(make_dealer)
    # another customer of the same dealer with a link of their own, who has ordered
    other = await customers.create(a.ctx, {"name": "Petr Jiný", "phone": "+420 602 111 222", "source": "other"})
    b_link = await links.make(a.ctx, other.id)
    b = World(a.dealer, a.ctx, await customers.get(a.dealer.id, other.id), a.products, b_link.token, b_link.link)
    b_client = await opened(forecourt_server, b)
    await add(b_client, a.products[1]["id"], 5)
    assert (await checkout(b_client, await version(b_client))).status_code == 303
    await add(b_client, a.products[0]["id"], 7)  # b's open cart
    b_number = (await orders_of(b))[0]["number"]
    # a third dealer's product
    far = await world(make_dealer)
    client = await opened(forecourt_server, a)
    assert (await client.get(f"/quicklinks/shop/orders/{b_number}")).status_code == 404
    assert f'data-order="{b_number}"' not in (await client.get("/quicklinks/shop/orders")).text
    assert 'data-product="' not in (await client.get("/quicklinks/shop/cart")).text  # b's cart is not a's
    assert (await client.get(f"/quicklinks/shop/p/{far.products[0]['id']}")).status_code == 404
    assert (await add(client, far.products[0]["id"], 1)).status_code == 422
    r = await client.post(f"/quicklinks/shop/cart/{a.products[0]['id']}", data={"quantity": "0"})
    assert r.status_code == 303  # a's own (empty) cart: b's line stays
    assert len(await CartItem.scoped(a.dealer.id).select().where(CartItem.link_id == b.link["id"])) == 1
    # a tampered or another install's cookie is no session
    real = client.cookies["fc_ql"]
    # a changed signature character well inside it (the last one carries bits base64 ignores: 1 in 1024
    # of "…AA" endings decode to the same signature)
    flipped = real[:-6] + ("B" if real[-6] != "B" else "C") + real[-5:]
    for forged in ("x", flipped, "eyJsIjoxLCJkIjoxfQ.aaaa.bbbb"):
        stranger = customer_client(forecourt_server, cookies={"fc_ql": forged})
        assert (await stranger.get("/quicklinks/shop/")).status_code == 404
        await stranger.aclose()
    # every staff route with only the link's cookie (and the CSRF pair for the unsafe ones)
    only_link = customer_client(forecourt_server, cookies={"fc_ql": client.cookies["fc_ql"]})
    await only_link.get("/login")
    reached, checked = [], 0
    for router in current().routers:
        for route in router.routes:
            handlers = getattr(route, "route_handlers", [])
            if any(h.opt.get("public") for h in handlers):
                continue
            url = re.sub(r"\{\w+:int\}", "1", re.sub(r"\{\w+:(str|path)\}", "x", route.path))
            for method in sorted(getattr(route, "methods", set()) - {"HEAD", "OPTIONS"}):
                r = await only_link.request(method, url)
                checked += 1
                if r.status_code < 300 or r.status_code >= 500:
                    reached.append((method, url, r.status_code))
    for url in ("/", "/account/password", "/admin/dealers", "/admin/users"):
        r = await only_link.get(url)
        if r.status_code < 300:
            reached.append(("GET", url, r.status_code))
    assert not reached and checked > 50, (checked, reached)
    for c in (only_link, client, b_client):
        await c.aclose()


def test_every_log_record_has_a_links_token_scrubbed_whatever_its_logger():
    import io
    import logging

    from core.logscrub import install, scrub

    install()
    install()  # twice is once
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        logging.getLogger("uvicorn.access").warning('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET",
                                                    "/quicklinks/o/Tok3n_-x?utm=1", "1.1", 303)
        logging.getLogger("forecourt.web.deep").error("unhandled error on GET /quicklinks/o/S3cret")
        logging.getLogger("x").warning("%(path)s", {"path": "/quicklinks/o/DictTok"})
    finally:
        root.removeHandler(handler)
    text = out.getvalue()
    assert "Tok3n" not in text and "S3cret" not in text and "DictTok" not in text, text
    assert text.count("/quicklinks/o/[token]") == 3 and "?utm=1" in text
    assert scrub("/quicklinks/shop/cart") == "/quicklinks/shop/cart"
