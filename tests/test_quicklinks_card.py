"""The manager's side of quick links over real HTTP, on both engines: the customer card's panel and its actions
(make, remake, revoke, expiry, why a link is dead, the log of uses), the cleanup when a customer is deleted,
and the demo data. The dealer admin's settings are tests/test_quicklinks_settings.py.

The tokens are checked against the database itself: only their SHA-256 is there, and a token the panel
no longer shows no longer opens (:func:`plugins.quicklinks.links.resolve`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re

from core.tables import Dealer
from forecourt import Context, now, system_context
from plugins.quicklinks import links, uses
from plugins.quicklinks.tables import Brand, CartItem, Link, Rate

TOKEN = re.compile(r"/quicklinks/o/([A-Za-z0-9_-]{43})")
HTMX = {"hx-request": "true"}


async def customer_of(client, name: str = "Jan Novák", phone: str = "+420 601 234 567") -> int:
    r = await client.post("/customers/", data={"name": name, "phone": phone, "source": "walk_in"})
    assert r.status_code in (302, 303), r.text[:500]
    return int(r.headers["location"].rsplit("/", 1)[1])


def panel_of(card: str) -> str:
    """The quick link panel of a customer card (or of an answer that is the panel)."""
    assert 'id="ql-panel"' in card, card[:2000]
    return card.split('id="ql-panel"', 1)[1]


async def make(client, customer: int, **data: str):
    r = await client.post(f"/quicklinks/customers/{customer}/link", data=data)
    assert r.status_code == 200, r.text[:1000]
    tokens = set(TOKEN.findall(r.text))
    assert len(tokens) == 1, tokens
    return r, tokens.pop()


async def setup(make_dealer, client_as):
    dealer = await make_dealer(modules=["quicklinks"])
    manager = await client_as(dealer, "manager")
    return dealer, manager, await customer_of(manager)


async def test_generating_shows_the_address_once_with_a_copy_button_and_a_qr_code(make_dealer, client_as,
                                                                                   forecourt_server):
    dealer, manager, customer = await setup(make_dealer, client_as)
    card = (await manager.get(f"/customers/{customer}")).text
    panel = panel_of(card)
    assert 'data-link="none"' in panel and "Generate quick order link" in panel and not TOKEN.search(card)

    r, token = await make(manager, customer)
    assert r.headers["cache-control"] == "no-store"
    assert f'value="{forecourt_server}/quicklinks/o/{token}"' in r.text  # the whole address, selectable text
    assert 'id="ql-url"' in r.text and "Copy" in r.text and "navigator.clipboard" in r.text
    assert "<svg" in r.text and "ql-qr" in r.text  # the QR code, inline
    assert "it is not shown again" in r.text
    found = await links.resolve(token)
    assert found is not None and found["customer_id"] == customer and found["dealer_id"] == dealer.id
    assert found["created_by"] == dealer.users["manager"].id

    # never again: neither on the card nor on the link page
    for page in (f"/customers/{customer}", f"/quicklinks/customers/{customer}/link"):
        again = await manager.get(page)
        assert again.status_code == 200 and token not in again.text and not TOKEN.search(again.text)
    panel = panel_of((await manager.get(f"/customers/{customer}")).text)
    assert 'data-link="live"' in panel and "Works" in panel and "No expiry" in panel and "Not yet" in panel
    assert "Make a new link" in panel and "Revoke the link" in panel


async def test_the_database_holds_no_clear_token(make_dealer, client_as):
    dealer, manager, customer = await setup(make_dealer, client_as)
    _, first = await make(manager, customer)
    _, second = await make(manager, customer)
    rows = await Link.raw("SELECT * FROM quicklinks_link WHERE dealer_id = {}", dealer.id)
    assert len(rows) == 2
    for row in rows:  # every column, as the database gives it back
        for value in row.values():
            text = value.decode("latin-1") if isinstance(value, (bytes, bytearray, memoryview)) else str(value)
            assert first not in text and second not in text
    assert {row["token_hash"] for row in rows} == {links.digest(first), links.digest(second)}


async def test_htmx_gets_the_panel_alone_and_the_address_in_it(make_dealer, client_as):
    _, manager, customer = await setup(make_dealer, client_as)
    r = await manager.post(f"/quicklinks/customers/{customer}/link", headers=HTMX)
    assert r.status_code == 200 and "<html" not in r.text and r.text.count('id="ql-panel"') == 1
    assert 'hx-swap-oob' in r.text and TOKEN.search(panel_of(r.text))
    # the card's own panel posts by htmx and leads to the link page without JavaScript
    panel = panel_of((await manager.get(f"/customers/{customer}")).text)
    assert f'hx-post="/quicklinks/customers/{customer}/link"' in panel
    assert f'method="get" action="/quicklinks/customers/{customer}/link"' in panel
    plain = (await manager.get(f"/quicklinks/customers/{customer}/link", params={"do": "revoke"})).text
    assert f'method="post" action="/quicklinks/customers/{customer}/revoke"' in plain and "_csrf_token" in plain
    assert "Confirm: press “Revoke the link” below." in plain
    typed = (await manager.get(f"/quicklinks/customers/{customer}/link",
                               params={"do": "make", "expires_on": "2031-05-06"})).text
    assert 'value="2031-05-06"' in typed and "Confirm: press “Make a new link” below." in typed
    junk = await manager.get(f"/quicklinks/customers/{customer}/link", params={"expires_on": "<b>x</b>" * 50})
    assert junk.status_code == 200 and "<b>x</b>" not in junk.text


async def test_regenerating_kills_the_old_link_at_once(make_dealer, client_as):
    dealer, manager, customer = await setup(make_dealer, client_as)
    _, old = await make(manager, customer)
    _, new = await make(manager, customer)
    assert await links.resolve(old) is None
    assert (await links.resolve(new))["customer_id"] == customer
    history = await links.history(dealer.id, customer)
    assert [h["revoked_reason"] for h in history] == ["", "regenerated"]
    assert await Link.scoped(dealer.id).count().where(Link.revoked_at.is_null()) == 1


async def test_revoking_kills_the_link_and_the_card_says_so(make_dealer, client_as):
    dealer, manager, customer = await setup(make_dealer, client_as)
    _, token = await make(manager, customer)
    r = await manager.post(f"/quicklinks/customers/{customer}/revoke")
    assert r.status_code == 303 and r.headers["location"] == f"/customers/{customer}"
    assert await links.resolve(token) is None
    panel = panel_of((await manager.get(f"/customers/{customer}")).text)
    assert 'data-dead="revoked"' in panel and "Revoked by hand" in panel and "Generate quick order link" in panel
    assert "Revoke the link" not in panel
    again = await manager.post(f"/quicklinks/customers/{customer}/revoke", headers=HTMX)
    assert again.status_code == 200 and "The customer has no live link." in again.text
    row = (await links.history(dealer.id, customer))[0]
    assert row["revoked_by"] == dealer.users["manager"].id


async def test_many_clicks_at_once_leave_one_live_link(make_dealer, client_as):
    dealer, manager, customer = await setup(make_dealer, client_as)
    answers = await asyncio.gather(*[manager.post(f"/quicklinks/customers/{customer}/link") for _ in range(8)])
    assert {r.status_code for r in answers} <= {200, 409}, [r.status_code for r in answers]
    made = [TOKEN.search(r.text).group(1) for r in answers if r.status_code == 200]
    assert made
    assert await Link.scoped(dealer.id).count().where(Link.revoked_at.is_null()) == 1
    live = [t for t in made if await links.resolve(t) is not None]
    assert len(live) == 1
    for r in answers:
        if r.status_code == 409:
            assert "at the same moment" in r.text


async def test_an_expiry_date_is_the_last_day_in_the_dealers_zone(make_dealer, client_as):
    dealer, manager, customer = await setup(make_dealer, client_as)
    r = await manager.post(f"/quicklinks/customers/{customer}/link", data={"expires_on": "2020-01-01"})
    assert r.status_code == 422 and "The last day cannot be in the past." in r.text and 'value="2020-01-01"' in r.text
    for bad in ("tomorrow", "2026-13-45", "\x00", "9" * 300):
        r = await manager.post(f"/quicklinks/customers/{customer}/link", data={"expires_on": bad})
        assert r.status_code == 422 and "Enter the last day as a date like 2026-12-31." in r.text, bad
    assert await Link.scoped(dealer.id).count() == 0  # nothing was made

    zone = (await Dealer.select(Dealer.timezone).where(Dealer.id == dealer.id).first())["timezone"]
    from zoneinfo import ZoneInfo

    local = ZoneInfo(zone) if zone else dt.UTC
    day = dt.datetime.now(local).date() + dt.timedelta(days=3)
    _, token = await make(manager, customer, expires_on=day.isoformat())
    link = await links.resolve(token)
    ends = link["expires_at"]
    assert ends == dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=local).astimezone(dt.UTC)
    panel = panel_of((await manager.get(f"/customers/{customer}")).text)
    assert "the end of" in panel and str(day.day) in panel.split("the end of", 1)[1][:40]

    # once the moment has passed the token opens nothing and the card says why
    await Link.scoped(dealer.id).update({Link.expires_at: now() - dt.timedelta(minutes=1)}).where(
        Link.id == link["id"])
    assert await links.resolve(token) is None
    panel = panel_of((await manager.get(f"/customers/{customer}")).text)
    assert 'data-dead="expired"' in panel and "Expired" in panel and "Make a new link" in panel


async def test_blacklisted_and_invalid_customers_links_are_dead_and_the_card_says_why(make_dealer, client_as):
    dealer, manager, customer = await setup(make_dealer, client_as)
    _, token = await make(manager, customer)
    admin = await client_as(dealer, "dealer_admin")
    r = await admin.post(f"/customers/{customer}/blacklist", data={"blacklisted": "1", "reason": "Unpaid invoice"})
    assert r.status_code == 303
    panel = panel_of((await manager.get(f"/customers/{customer}")).text)
    assert 'data-dead="blacklisted"' in panel and "The customer is blacklisted" in panel
    assert "Take them off the blacklist first." in panel and "Generate quick order link" not in panel
    r = await manager.post(f"/quicklinks/customers/{customer}/link")
    assert r.status_code == 409 and "The customer is blacklisted: a link would not open." in r.text
    assert (await links.resolve(token))["id"]  # the row lives on; the customer pages check the customer

    await admin.post(f"/customers/{customer}/blacklist", data={"blacklisted": "0"})
    assert 'data-dead=""' in panel_of((await manager.get(f"/customers/{customer}")).text)
    assert (await manager.post(f"/customers/{customer}/invalid", data={"invalid": "1"})).status_code == 303
    panel = panel_of((await manager.get(f"/customers/{customer}")).text)
    assert 'data-dead="invalid"' in panel and "The customer is marked invalid" in panel
    assert (await manager.post(f"/quicklinks/customers/{customer}/link")).status_code == 409


async def test_deleting_the_customer_kills_the_link_and_empties_its_cart(make_dealer, client_as):
    dealer, manager, customer = await setup(make_dealer, client_as)
    _, token = await make(manager, customer)
    link = await links.resolve(token)
    await CartItem.scoped(dealer.id).insert(link_id=link["id"], product_id=1, quantity=2, added_at=now())
    await uses.record(dealer.id, link["id"], "open", "Mozilla/5.0 (Linux; Android 14) Chrome/130.0")
    other = await customer_of(manager, "Eva Malá", "+420 602 000 111")
    _, kept = await make(manager, other)
    admin = await client_as(dealer, "dealer_admin")
    r = await admin.post(f"/customers/{customer}/delete", data={"confirm": "1"})
    assert r.status_code == 303, r.text[:500]
    assert await links.resolve(token) is None and await links.resolve(kept) is not None
    gone = (await links.history(dealer.id, customer))[0]
    assert gone["revoked_reason"] == "deleted" and gone["revoked_by"] == dealer.users["dealer_admin"].id
    assert await CartItem.scoped(dealer.id).count() == 0
    assert links.REASONS["deleted"] == "The customer was deleted"
    assert links.why_dead(gone, None, frozenset({"quicklinks"})) == "deleted"


async def test_switched_off_no_panel_and_no_routes_and_back_on_the_link_works_again(make_dealer, client_as):
    dealer, manager, customer = await setup(make_dealer, client_as)
    _, token = await make(manager, customer)
    link = await links.resolve(token)
    admin = await client_as(dealer, "dealer_admin")
    assert (await admin.post(f"/admin/dealers/{dealer.id}/modules/quicklinks/disable")).status_code in (302, 303)
    card = (await manager.get(f"/customers/{customer}")).text
    assert 'id="ql-panel"' not in card and 'data-plugin="quicklinks"' not in card
    assert (await manager.get(f"/quicklinks/customers/{customer}/link")).status_code == 404
    assert (await manager.post(f"/quicklinks/customers/{customer}/link")).status_code == 404
    customer_row = {"id": customer, "blacklisted": False, "invalid": False}
    assert links.why_dead(link, customer_row, frozenset({"customers", "orders"})) == "module_off"
    assert links.REASONS["module_off"] == "Quick links are switched off for this dealer"
    assert (await admin.post(f"/admin/dealers/{dealer.id}/modules/quicklinks/enable")).status_code in (302, 303)
    assert 'data-link="live"' in panel_of((await manager.get(f"/customers/{customer}")).text)


async def test_the_log_of_uses_shows_what_when_and_a_coarse_client(make_dealer, client_as):
    dealer, manager, customer = await setup(make_dealer, client_as)
    _, old = await make(manager, customer)
    first = await links.resolve(old)
    await uses.record(dealer.id, first["id"], "open", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1")
    _, token = await make(manager, customer)
    link = await links.resolve(token)
    await uses.record(dealer.id, link["id"], "cart", "Mozilla/5.0 (Windows NT 10.0) Chrome/130.0 Safari/537.36")
    await uses.record(dealer.id, link["id"], "order", "Mozilla/5.0 (Windows NT 10.0) Firefox/133.0", order_id=77)
    panel = panel_of((await manager.get(f"/customers/{customer}")).text)
    log = panel.split('class="table ql-log"', 1)[1]
    assert re.findall(r'data-use="(\w+)"', log) == ["order", "cart", "open"]  # newest first, both links
    assert "Placed an order" in log and 'href="/orders/77"' in log and "Firefox · Windows" in log
    assert "Changed the cart" in log and "Chrome · Windows" in log and "Opened the link" in log
    assert "Safari · iOS" in log
    assert "Not yet" not in panel.split('class="table ql-log"', 1)[0]  # last used is set


async def test_another_dealers_customer_is_a_404_and_nothing_is_written(make_dealer, client_as):
    mine = await make_dealer(modules=["quicklinks"])
    other, other_manager, theirs = await setup(make_dealer, client_as)
    _, token = await make(other_manager, theirs)
    manager = await client_as(mine, "manager")
    for method, path in (("GET", "link"), ("POST", "link"), ("POST", "revoke")):
        r = await manager.request(method, f"/quicklinks/customers/{theirs}/{path}")
        assert r.status_code == 404, (method, path, r.status_code)
    assert (await manager.get("/quicklinks/customers/999999999/link")).status_code == 404
    assert await Link.scoped(mine.id).count() == 0
    assert await links.resolve(token) is not None
    assert await Link.scoped(other.id).count() == 1


async def test_storekeepers_neither_see_the_panel_nor_make_links(make_dealer, client_as):
    dealer, _manager, customer = await setup(make_dealer, client_as)
    keeper = await client_as(dealer, "storekeeper")
    assert (await keeper.post(f"/quicklinks/customers/{customer}/link")).status_code == 403
    card = await keeper.get(f"/customers/{customer}")
    assert card.status_code in (200, 403) and 'id="ql-panel"' not in card.text


async def test_the_card_panel_speaks_the_readers_language(make_dealer, client_as):
    _dealer, manager, customer = await setup(make_dealer, client_as)
    await make(manager, customer)
    await manager.post("/lang", data={"lang": "ru", "next": "/"})
    panel = panel_of((await manager.get(f"/customers/{customer}")).text)
    assert "Отозвать ссылку" in panel


# --- demo data ------------------------------------------------------------------------------------------------


async def test_demo_data_brand_rates_and_one_live_printed_link(make_dealer, client_as):
    from plugins.quicklinks import demo

    dealer, _manager, customer = await setup(make_dealer, client_as)
    row = await Dealer.objects().where(Dealer.id == dealer.id).first()
    users = {role: user.id for role, user in dealer.users.items()}
    printed = []
    for _ in range(2):
        ctx = system_context(dealer.id, frozenset(dealer.modules), row.name, row.language)
        await demo.seed(row, users, ctx)
        (text, what), = ctx.extra["demo_logins"]
        printed.append(text)
        assert "Jan Novák" in what
    assert await Brand.scoped(dealer.id).count() == 1
    assert {(r["source"], r["target"]) for r in await Rate.scoped(dealer.id).select()} == {
        (s, t) for s, t, _ in demo.RATES}
    old, new = (TOKEN.fullmatch(p).group(1) for p in printed)
    assert await links.resolve(old) is None  # the earlier run's link could not be printed again: replaced
    link = await links.resolve(new)
    assert link["customer_id"] == customer and link["created_by"] == dealer.users["manager"].id
    assert await Link.scoped(dealer.id).count().where(Link.revoked_at.is_null()) == 1


def test_the_rates_offer_the_currencies_customers_and_products_can_have():
    from plugins.customers.fields import CURRENCIES as CUSTOMER_CURRENCIES
    from plugins.orders.catalogue.fields import CURRENCIES as PRODUCT_CURRENCIES
    from plugins.quicklinks.rates import CURRENCIES

    assert set(CURRENCIES) == set(CUSTOMER_CURRENCIES) == set(PRODUCT_CURRENCIES)


def test_a_context_without_the_module_says_module_off():
    ctx = Context(dealer_id=1, modules=frozenset({"customers"}))
    link = {"revoked_at": None, "revoked_reason": "", "expires_at": None}
    assert links.why_dead(link, {"blacklisted": False, "invalid": False}, ctx.modules) == "module_off"
    assert links.why_dead(link, {"blacklisted": False, "invalid": False}, frozenset({"quicklinks"})) == ""
