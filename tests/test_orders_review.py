"""Review of issue 11's orders plugin: inputs that gave a 5xx, over real HTTP, on both engines."""

from __future__ import annotations

import itertools
import re

import httpx
import pytest

MODULES = ["orders", "customers"]
_addresses = itertools.count(60)


@pytest.fixture
async def pbx(forecourt_server):
    """The telephony's client, from a loopback address of its own (its own rate-limit buckets)."""
    transport = httpx.AsyncHTTPTransport(local_address=f"127.0.3.{next(_addresses)}")
    async with httpx.AsyncClient(base_url=forecourt_server, timeout=30, transport=transport) as client:
        yield client


async def _key(admin) -> str:
    r = await admin.post("/orders/telephony/keys", data={"name": "PBX"})
    assert r.status_code == 303, r.text[:300]
    return re.search(r'<code id="new-key">([^<]+)</code>', (await admin.get("/orders/telephony")).text).group(1)


def _id(response) -> int:
    assert response.status_code == 303, response.text[:500]
    return int(response.headers["location"].rstrip("/").rsplit("/", 1)[1])


async def _shop(dealer, client_as, price: str) -> dict:
    keeper = await client_as(dealer, "storekeeper")
    product = _id(await keeper.post("/orders/catalogue/", data={
        "kind": "part", "sku": "BIG-1", "name": "Costly thing", "base_price": price, "unit": "pcs", "active": "1"}))
    return {"product": product}


def _order(product: int, quantity: str, **more: str) -> dict:
    return {"action": "save", "contact_name": "Jan Novák", "contact_phone": "+420 601 234 567",
            "lines-0-product_id": str(product), "lines-0-quantity": quantity, "lines-0-discount_pct": "0",
            "lines-0-bonus": "0", **more}


async def test_call_times_at_the_calendar_edge_are_a_422(make_dealer, client_as, pbx):
    dealer = await make_dealer(modules=MODULES)
    key = await _key(await client_as(dealer, "dealer_admin"))
    for moment in ("9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+05:00"):
        r = await pbx.post("/orders/api/calls", json={"caller": "+420 601 234 567", "time": moment},
                           headers={"authorization": f"Bearer {key}"})
        assert r.status_code == 422, (moment, r.status_code, r.text[:300])
        assert "time" in r.json()["errors"]


async def test_date_filters_at_the_calendar_edge_are_ignored_not_a_5xx(make_dealer, client_as):
    dealer = await make_dealer(modules=MODULES)
    manager = await client_as(dealer, "manager")
    for path in ("/orders/?created_to=9999-12-31", "/orders/?created_from=0001-01-01",
                 "/orders/export.csv?created_to=9999-12-31", "/orders/inquiries/?until=9999-12-31",
                 "/orders/inquiries/?since=0001-01-01"):
        r = await manager.get(path)
        assert r.status_code == 200, (path, r.status_code)


async def test_an_order_whose_total_the_columns_cannot_hold_is_a_422(make_dealer, client_as):
    dealer = await make_dealer(modules=MODULES)
    s = await _shop(dealer, client_as, "9999999999")
    manager = await client_as(dealer, "manager")
    r = await manager.post("/orders/", data=_order(s["product"], "100000"))
    assert r.status_code == 422, r.status_code
    many = {k: v for i in range(150) for k, v in {
        f"lines-{i}-product_id": str(s["product"]), f"lines-{i}-quantity": "1000",
        f"lines-{i}-discount_pct": "0", f"lines-{i}-bonus": "0"}.items()}
    r = await manager.post("/orders/", data={**_order(s["product"], "1"), **many})
    assert r.status_code == 422, r.status_code


async def test_approve_from_a_card_whose_items_changed_since_is_refused(make_dealer, client_as):
    """The administrator approves what the card showed: items changed meanwhile (still above the limits) are not
    approved unseen — the stale form is a 409 and the order keeps waiting."""
    from test_orders_sales import order_form, place, shop

    from plugins.orders.tables import Order

    dealer = await make_dealer(modules=["orders", "customers", "deals"])
    s = await shop(dealer, client_as, on_hand=20)
    admin, manager = await client_as(dealer, "dealer_admin"), await client_as(dealer, "manager")
    assert (await admin.post("/orders/settings", data={"approval_discount_pct": "10"})).status_code == 303
    o = await place(manager, s, 1, **{"lines-0-discount_pct": "15"})
    card = (await admin.get(f"/orders/{o}")).text
    form = re.search(rf'<form method="post" action="/orders/{o}/approve".*?</form>', card, re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    edit = (await manager.get(f"/orders/{o}/edit")).text
    line_id = re.search(r'name="lines-0-line_id" value="(\d+)"', edit).group(1)
    r = await manager.post(f"/orders/{o}/edit", data={**order_form(s, 1), "lines-0-line_id": line_id,
                                                      "lines-0-discount_pct": "90"})
    assert r.status_code == 303
    assert (await Order.scoped(dealer.id).get(o)).approval == "pending"
    assert (await admin.post(f"/orders/{o}/approve", data=fields)).status_code == 409
    assert (await Order.scoped(dealer.id).get(o)).approval == "pending"
    fresh = (await admin.get(f"/orders/{o}")).text
    form = re.search(rf'<form method="post" action="/orders/{o}/approve".*?</form>', fresh, re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    assert (await admin.post(f"/orders/{o}/approve", data=fields)).status_code == 303
    assert (await Order.scoped(dealer.id).get(o)).approval == "approved"


LONG_EXTENSION = "+420601234567ext12345678901234567890"  #: 36 characters typed, 42 as displayed


async def test_a_phone_whose_display_is_longer_than_its_column_is_refused_not_a_5xx(make_dealer, client_as, pbx):
    dealer = await make_dealer(modules=MODULES)
    key = await _key(await client_as(dealer, "dealer_admin"))
    manager = await client_as(dealer, "manager")
    r = await pbx.post("/orders/api/calls", json={"caller": LONG_EXTENSION}, headers={"authorization": f"Bearer {key}"})
    assert r.status_code == 422 and "caller" in r.json()["errors"], (r.status_code, r.text[:300])
    r = await manager.post("/orders/inquiries/", data={"phone": LONG_EXTENSION})
    assert r.status_code == 422, r.status_code
    s = await _shop(dealer, client_as, "100")
    r = await manager.post("/orders/", data=_order(s["product"], "1", contact_phone=LONG_EXTENSION))
    assert r.status_code == 422, r.status_code
    r = await manager.post("/customers/", data={"name": "Jan Novák", "phone": LONG_EXTENSION, "source": "phone"})
    assert r.status_code == 422, r.status_code


async def test_receiving_beyond_what_the_stock_column_holds_is_a_422(make_dealer, client_as):
    from test_orders_sales import shop

    from plugins.orders.tables import Stock

    dealer = await make_dealer(modules=MODULES)
    s = await shop(dealer, client_as, on_hand=5)
    await Stock.update({Stock.on_hand: 2_147_000_000}).where(
        (Stock.dealer_id == dealer.id) & (Stock.product_id == s["product"]))
    keeper = await client_as(dealer, "storekeeper")
    r = await keeper.post(f"/orders/catalogue/{s['product']}/stock", data={
        "mode": "receive", "warehouse_id": str(s["warehouse"]), "quantity": "1000000"})
    assert r.status_code == 422, r.status_code
    row = await Stock.scoped(dealer.id).select(Stock.on_hand).where(Stock.product_id == s["product"]).first()
    assert row["on_hand"] == 2_147_000_000


async def test_a_recalculation_posting_thousands_of_items_prices_at_most_one_more_than_an_order_holds(
        make_dealer, client_as):
    from plugins.orders.sales.fields import MAX_LINES

    dealer = await make_dealer(modules=MODULES)
    s = await _shop(dealer, client_as, "10")
    manager = await client_as(dealer, "manager")
    lines = {f"lines-{i}-{k}": v for i in range(999) for k, v in (("product_id", str(s["product"])),
                                                                   ("quantity", "1"))}
    r = await manager.post("/orders/", data={"action": "refresh", "contact_name": "Jan", **lines})
    assert r.status_code == 200
    shown = set(re.findall(r'name="lines-(\d+)-quantity"', r.text))
    assert len(shown) == MAX_LINES + 1  # the rest was never read, let alone priced
    r = await manager.post("/orders/", data={"action": "save", "contact_name": "Jan", **lines})
    assert r.status_code == 422 and f"at most {MAX_LINES} items" in r.text
