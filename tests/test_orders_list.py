"""The orders list over real HTTP, on both engines: search, filters, keyset pages, export, blacklist,
the customer card's Orders panel and held records, and the orders figures for reports.

Orders are inserted through the table (the order form is another part's): with the search keys the
write path stores (:func:`plugins.orders.search.orders.keys`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

from core.tables import Dealer
from forecourt import Period, compute_metrics, system_context
from plugins.orders.search.orders import keys
from plugins.orders.tables import Inquiry, Order, Payment

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


async def add_order(dealer_id: int, number: int, *, language: str = "cs", **values: Any) -> int:
    """An order as the sales services write it: the contact's search keys with it."""
    row = {"status": "new", "source": "form", "contact_name": "", "contact_phone": "", "contact_email": "",
           "waybill": "", "currency": "CZK", "total": Decimal("1000"), "created_at": NOW - dt.timedelta(hours=number),
           **values}
    row["updated_at"] = row["created_at"]
    order = await Order.scoped(dealer_id).insert(number=number, **row, **keys(row, language))
    return order.id


def shown(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-order="(\d+)"', html)]


async def listed(client, **params: Any) -> list[int]:
    r = await client.get("/orders/", params=params)
    assert r.status_code == 200, r.text[:500]
    return shown(r.text)


async def test_search_by_number_waybill_name_phone_and_email_any_format(make_dealer, client_as):
    dealer, other = await make_dealer(modules=["orders"]), await make_dealer(modules=["orders"])
    manager = await client_as(dealer, "manager")
    jan = await add_order(dealer.id, 12, contact_name="Jan Dvořák", contact_phone="+420 601 234 567",
                          contact_email="Jan.Dvorak@Example.com", waybill="RR 123456789 CZ")
    ivan = await add_order(dealer.id, 1234, contact_name="Иван Смирнов", contact_phone="+7 916 123-45-67",
                           contact_email="ivan@example.ru", waybill="5550001")
    eva = await add_order(dealer.id, 3, contact_name="Eva Müller", contact_phone="777 888 999",
                          contact_email="eva@mueller.de")
    # another dealer's twins never show
    await add_order(other.id, 12, contact_name="Jan Dvořák", contact_phone="+420 601 234 567",
                    contact_email="jan.dvorak@example.com", waybill="RR 123456789 CZ")
    await add_order(other.id, 1234, contact_name="Иван Смирнов", contact_phone="+7 916 123-45-67")

    assert await listed(manager) == [eva, jan, ivan]  # newest first
    assert await listed(manager, q="#12") == [jan]
    assert await listed(manager, q="12") == [jan]
    assert await listed(manager, q="#1234") == [ivan]
    assert await listed(manager, q="rr123456") == [jan]  # waybill, case and spaces folded
    assert await listed(manager, q="RR 123456789 CZ") == [jan]
    assert await listed(manager, q="5550001") == [ivan]
    assert await listed(manager, q="601234567") == [jan]  # the phone in another format
    assert await listed(manager, q="+420601234567") == [jan]
    assert await listed(manager, q="234 567") == [jan, ivan]  # both end so
    assert await listed(manager, q="89161234567") == [ivan]  # the Russian way of writing +7 916…
    assert await listed(manager, q="(916) 123-45-67") == [ivan]
    assert await listed(manager, q="DVORAK") == [jan]  # surname first, diacritics and case folded
    assert await listed(manager, q="jan dvo") == [jan]
    assert await listed(manager, q="смирнов") == [ivan]
    assert await listed(manager, q="MÜLLER") == [eva]
    assert await listed(manager, q="JAN.DVORAK@EXAMPLE") == [jan]  # e-mail, case folded
    assert await listed(manager, q="eva@mueller.de") == [eva]
    assert await listed(manager, q="nobody") == []
    assert await listed(manager, q="#999") == []


async def test_filters_delivery_statuses_manager_and_dates(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    manager = await client_as(dealer, "manager")
    mine = dealer.users["manager"].id
    boss = dealer.users["dealer_admin"].id
    day = dt.timedelta(days=1)
    a = await add_order(dealer.id, 1, status="new", delivery_method="pickup", manager_id=mine,
                        created_at=NOW - 10 * day)
    b = await add_order(dealer.id, 2, status="confirmed", delivery_method="courier", manager_id=boss,
                        created_at=NOW - 5 * day)
    c = await add_order(dealer.id, 3, status="delivered", delivery_method="courier", created_at=NOW - 2 * day)
    d = await add_order(dealer.id, 4, status="lost", delivery_method="transport", manager_id=mine, created_at=NOW)
    assert await listed(manager) == [d, c, b, a]
    assert await listed(manager, delivery="courier") == [c, b]
    assert await listed(manager, status=["confirmed", "delivered"]) == [c, b]
    assert await listed(manager, status="lost") == [d]
    assert await listed(manager, manager=str(mine)) == [d, a]
    assert await listed(manager, manager="none") == [c]
    assert await listed(manager, created_from=(NOW - 5 * day).date().isoformat(),
                        created_to=(NOW - 2 * day).date().isoformat()) == [c, b]
    assert await listed(manager, created_to=(NOW - 10 * day).date().isoformat()) == [a]
    assert await listed(manager, sort="old") == [a, b, c, d]
    assert await listed(manager, delivery="courier", status="delivered", q="#3") == [c]
    numbers = {a: "1", b: "2", c: "3", d: "4"}
    for params in ({"delivery": "courier"}, {"status": ["confirmed", "lost"]}, {"manager": str(mine)},
                   {"manager": "none"}, {"created_from": (NOW - 5 * day).date().isoformat()}, {"sort": "old"}):
        export = csv_rows((await manager.get("/orders/export.csv", params=params)).text)
        assert [row[0] for row in export[1:]] == [numbers[i] for i in await listed(manager, **params)], params
    # what cannot be read filters nothing, and is never an error
    assert await listed(manager, manager="x", created_from="yesterday", status="nope", delivery="rocket",
                        after="garbage|x", sort="sideways") == [d, c, b, a]


async def test_date_range_is_the_dealers_calendar_day(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    await Dealer.update({Dealer.timezone: "Asia/Shanghai"}).where(Dealer.id == dealer.id)
    manager = await client_as(dealer, "manager")
    # 20 Nov 17:00 UTC is already 21 Nov in Shanghai (UTC+8)
    late = await add_order(dealer.id, 1, created_at=dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.UTC))
    early = await add_order(dealer.id, 2, created_at=dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC))
    assert await listed(manager, created_from="2026-11-21", created_to="2026-11-21") == [late]
    assert await listed(manager, created_from="2026-11-20", created_to="2026-11-20") == [early]


async def test_keyset_pages_give_every_order_once(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    manager = await client_as(dealer, "manager")
    same_moment = NOW - dt.timedelta(days=1)
    ids = set()
    for n in range(1, 131):  # ties on created_at: the id decides
        ids.add(await add_order(dealer.id, n, contact_name="Petr Novák",
                                created_at=same_moment if n % 3 == 0 else NOW - dt.timedelta(minutes=n)))
    for params in ({}, {"q": "novák"}, {"sort": "old"}):
        seen: list[int] = []
        url = "/orders/"
        r = await manager.get(url, params=params)
        while True:
            assert r.status_code == 200
            page_ids = shown(r.text)
            assert len(page_ids) <= 50
            seen += page_ids
            found = re.search(r'href="([^"]+)" rel="next"', r.text)
            if not found:
                break
            r = await manager.get(found.group(1).replace("&amp;", "&"))
        assert len(seen) == len(ids) and set(seen) == ids, params


async def test_htmx_swaps_only_the_list(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    manager = await client_as(dealer, "manager")
    order = await add_order(dealer.id, 7, contact_name="Jana Nová")
    r = await manager.get("/orders/", params={"q": "jana"}, headers={"hx-request": "true"})
    assert r.status_code == 200 and "<html" not in r.text and 'id="orders"' in r.text
    assert shown(r.text) == [order]
    full = await manager.get("/orders/", params={"q": "jana"})
    assert "<html" in full.text and 'name="q"' in full.text and 'value="jana"' in full.text


async def test_status_badges_totals_and_permissions(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    manager = await client_as(dealer, "manager")
    await add_order(dealer.id, 1, status="lost", total=Decimal("1049900"), currency="CZK")
    await add_order(dealer.id, 2, status="confirmed", total=Decimal("250.50"), currency="EUR")
    text = (await manager.get("/orders/")).text
    assert 'badge badge-red">Lost' in text and 'badge badge-green">Confirmed' in text
    assert "1,049,900" in text and "250.50" in text
    storekeeper = await client_as(dealer, "storekeeper")
    assert (await storekeeper.get("/orders/")).status_code == 403
    assert (await storekeeper.get("/orders/export.csv")).status_code == 403


def csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


async def test_export_has_the_lists_filters_and_the_readers_language(make_dealer, client_as):
    dealer, other = await make_dealer(modules=["orders"]), await make_dealer(modules=["orders"])
    manager = await client_as(dealer, "manager")
    for n in range(1, 8):
        await add_order(dealer.id, n, status="confirmed" if n % 2 else "new", delivery_method="courier",
                        contact_name="Karel Veselý", contact_phone="=HYPERLINK(1)" if n == 1 else "")
    await add_order(other.id, 1, status="confirmed", contact_name="Karel Veselý 1")
    r = await manager.get("/orders/export.csv", params={"status": "confirmed", "q": "vesel"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = csv_rows(r.text)
    assert rows[0][:3] == ["Number", "Created", "Status"]
    assert [row[0] for row in rows[1:]] == ["1", "3", "5", "7"]  # the list's order: newest first
    listed_numbers = re.findall(r'>#(\d+)</a>', (await manager.get("/orders/", params={
        "status": "confirmed", "q": "vesel"})).text)
    assert listed_numbers == [row[0] for row in rows[1:]]
    assert all(row[2] == "Confirmed" for row in rows[1:])
    assert rows[1][4] == "'=HYPERLINK(1)"  # a formula is never run by a spreadsheet
    await manager.post("/lang", data={"lang": "ru", "next": "/orders/"})
    ru = csv_rows((await manager.get("/orders/export.csv", params={"status": "confirmed"})).text)
    assert ru[0][0] == "Номер" and ru[1][2] == "Подтверждён"


async def test_blacklisted_customers_orders_are_highlighted(make_dealer, client_as):

    dealer = await make_dealer(modules=["orders", "customers"])
    manager = await client_as(dealer, "manager")
    r = await manager.post("/customers/", data={"name": "Bad Payer", "phone": "+420 601 111 222", "source": "walk_in"})
    bad = int(r.headers["location"].rsplit("/", 1)[1])
    r = await manager.post("/customers/", data={"name": "Good Payer", "phone": "+420 601 333 444",
                                                "source": "walk_in"})
    good = int(r.headers["location"].rsplit("/", 1)[1])
    assert (await manager.post(f"/customers/{bad}/blacklist", data={"blacklisted": "1", "reason": "Unpaid"})
            ).status_code == 303
    flagged = await add_order(dealer.id, 1, customer_id=bad, contact_name="Bad Payer")
    fine = await add_order(dealer.id, 2, customer_id=good, contact_name="Good Payer")
    plain = await add_order(dealer.id, 3, contact_name="Walk-in")
    text = (await manager.get("/orders/")).text
    assert f'data-order="{flagged}" class="is-blacklisted"' in text
    assert f'data-order="{fine}">' in text and f'data-order="{plain}">' in text
    assert 'title="Unpaid">Blacklisted' in text
    export = csv_rows((await manager.get("/orders/export.csv")).text)
    assert {row[0]: row[-1] for row in export[1:]} == {"1": "yes", "2": "", "3": ""}
    # the order card warns too
    assert "This customer is on the blacklist." in (await manager.get(f"/orders/{flagged}")).text
    for other in (fine, plain):
        assert "This customer is on the blacklist." not in (await manager.get(f"/orders/{other}")).text
    # without the customers module nothing is marked, and the list still works
    admin = await client_as(dealer, "dealer_admin")
    await admin.post(f"/admin/dealers/{dealer.id}/modules/customers/disable")
    text = (await manager.get("/orders/")).text
    assert "is-blacklisted" not in text and shown(text) == [flagged, fine, plain]
    assert "This customer is on the blacklist." not in (await manager.get(f"/orders/{flagged}")).text


async def test_hook_customers_blacklist_answers_for_the_dealers_own_customers_only(make_dealer, client_as):
    from forecourt import call_hook

    dealer, other = await make_dealer(modules=["customers"]), await make_dealer(modules=["customers"])
    ids = {}
    for d in (dealer, other):
        manager = await client_as(d, "manager")
        r = await manager.post("/customers/", data={"name": "Bad Payer", "phone": "+420 601 111 222",
                                                    "source": "walk_in"})
        ids[d.id] = int(r.headers["location"].rsplit("/", 1)[1])
        await manager.post(f"/customers/{ids[d.id]}/blacklist", data={"blacklisted": "1", "reason": f"R{d.id}"})
    ctx = system_context(dealer.id, frozenset(dealer.modules))
    found = await call_hook("customers_blacklist", ctx=ctx, customer_ids=[ids[dealer.id], ids[other.id], 0, -5])
    assert found == {ids[dealer.id]: f"R{dealer.id}"}
    assert await call_hook("customers_blacklist", ctx=ctx, customer_ids=[]) == {}
    off = system_context(dealer.id, frozenset({"orders"}))
    assert await call_hook("customers_blacklist", ctx=off, customer_ids=[ids[dealer.id]]) is None


async def test_customer_card_shows_their_orders_and_held_records_count_them(make_dealer, client_as):
    dealer, other = await make_dealer(modules=["orders", "customers"]), await make_dealer(modules=["orders",
                                                                                                   "customers"])
    manager = await client_as(dealer, "manager")
    r = await manager.post("/customers/", data={"name": "Jan Novák", "phone": "+420 601 234 567",
                                                "source": "walk_in"})
    customer = int(r.headers["location"].rsplit("/", 1)[1])
    first = await add_order(dealer.id, 41, customer_id=customer, status="delivered", total=Decimal("5000"))
    second = await add_order(dealer.id, 42, customer_id=customer, status="new", total=Decimal("700"))
    await add_order(dealer.id, 43, contact_name="Someone else")
    await add_order(other.id, 44, customer_id=customer)  # another dealer's row with the same id: never shown
    card = (await manager.get(f"/customers/{customer}")).text
    assert 'data-plugin="orders"' in card
    panel = card.split('data-plugin="orders"', 1)[1]
    assert shown(panel)[:2] == [first, second] and "#43" not in panel and "#44" not in panel
    assert 'badge badge-red">Delivered' in panel and "#41" in panel
    assert await listed(manager, customer=str(customer)) == [first, second]
    admin = await client_as(dealer, "dealer_admin")
    delete_page = (await admin.get(f"/customers/{customer}/delete")).text
    assert "Orders</a>: 2" in delete_page
    r = await admin.post(f"/customers/{customer}/delete", data={"confirm": "1"})
    assert r.status_code == 303  # kept records never block a delete: the orders stay, unlinked
    rows = await Order.scoped(dealer.id).select(Order.id, Order.customer_id).where(Order.id.is_in([first, second]))
    assert {row["id"]: row["customer_id"] for row in rows} == {first: None, second: None}
    assert await Order.scoped(other.id).count() == 1


async def test_orders_figures_for_reports(make_dealer):
    dealer = await make_dealer(modules=["orders"])
    mine, boss = dealer.users["manager"].id, dealer.users["dealer_admin"].id
    inside = NOW - dt.timedelta(days=3)
    before = NOW - dt.timedelta(days=40)
    o1 = await add_order(dealer.id, 1, status="delivered", manager_id=mine, total=Decimal("1000.50"),
                         created_at=inside)
    await add_order(dealer.id, 2, status="confirmed", manager_id=boss, total=Decimal("3000"), source="inquiry",
                    created_at=inside)
    await add_order(dealer.id, 3, status="refused_phone", manager_id=mine, total=Decimal("9999"), created_at=inside)
    await add_order(dealer.id, 4, status="new", total=Decimal("500"), source="quicklink", created_at=inside)
    await add_order(dealer.id, 5, status="delivered", manager_id=mine, total=Decimal("7777"), created_at=before)
    for amount, status, paid in ((Decimal("600"), "received", inside), (Decimal("400.50"), "received", inside),
                                 (Decimal("50"), "received", before), (Decimal("80"), "hold", None),
                                 (Decimal("25"), "refunded", inside)):  # came in, went back later: came in
        await Payment.scoped(dealer.id).insert(order_id=o1, amount=amount, status=status, paid_at=paid,
                                               created_at=inside)
    for n, (status, manager) in enumerate((("order_created", mine), ("new", mine), ("prank", None),
                                           ("order_created", boss)), start=1):
        await Inquiry.scoped(dealer.id).insert(number=n, status=status, manager_id=manager, created_at=inside,
                                               updated_at=inside)
    await Inquiry.scoped(dealer.id).insert(number=9, status="order_created", created_at=before, updated_at=before)
    ctx = system_context(dealer.id, frozenset(dealer.modules))
    period = Period(NOW - dt.timedelta(days=7), NOW + dt.timedelta(days=1))
    figures = {f.metric.key: f.value for f in await compute_metrics(ctx, period) if f.plugin == "orders"}
    assert all(value is not None for value in figures.values()), [k for k, v in figures.items() if v is None]
    assert figures["orders.placed"].total == 4
    assert dict(figures["orders.placed"].by_user) == {mine: 2, boss: 1, None: 1}
    assert figures["orders.revenue"].total == 4500.5  # the refused order is no sale
    assert dict(figures["orders.revenue"].by_user) == {mine: 1000.5, boss: 3000.0, None: 500.0}
    assert figures["orders.average"].total == 1500.17
    assert figures["orders.status.delivered"].total == 1 and figures["orders.status.lost"].total == 0
    assert figures["orders.revenue.status.refused_phone"].total == 9999.0
    assert figures["orders.source.inquiry"].total == 1 and figures["orders.source.form"].total == 2
    assert figures["orders.revenue.source.form"].total == 1000.5
    assert figures["orders.revenue.source.quicklink"].total == 500.0
    assert figures["orders.payments_received"].total == 1025.5
    assert dict(figures["orders.payments_received"].by_user) == {mine: 1025.5}
    assert figures["orders.inquiries"].total == 4
    assert figures["orders.inquiries_ordered"].total == 2
    assert figures["orders.inquiries.status.prank"].total == 1
    assert figures["orders.inquiry_conversion"].total == 50.0
    assert dict(figures["orders.inquiry_conversion"].by_user) == {mine: 50.0, boss: 100.0, None: 0.0}
    labels = {f.metric.key: str(f.metric.label) for f in await compute_metrics(ctx, period, keys=[
        "orders.status.delivered", "orders.source.quicklink"])}
    assert labels == {"orders.status.delivered": "Orders: Delivered",
                      "orders.source.quicklink": "Orders from: Quick link"}


async def test_a_broad_search_term_pages_along_the_date_index(make_dealer, forecourt_registry, monkeypatch):
    from plugins.orders.listing import orders as listing

    dealer, other = await make_dealer(modules=["orders"]), await make_dealer(modules=["orders"])
    ids = {await add_order(dealer.id, n, contact_name="Petr Novák", status="new" if n % 2 else "confirmed")
           for n in range(1, 24)}
    await add_order(other.id, 1, contact_name="Petr Novák")
    for narrow in (5, 1000):  # more hits than NARROW: the ordered query; fewer: the term's indexes
        monkeypatch.setattr(listing, "NARROW", narrow)
        seen, after = [], ""
        while True:
            rows, after = await listing.search(dealer.id, listing.Filters(q="novák"), after=after, limit=4)
            seen += [row["id"] for row in rows]
            if not after:
                break
        assert len(seen) == len(ids) and set(seen) == ids
        rows, _ = await listing.search(dealer.id, listing.Filters(q="novák", statuses=("confirmed",)), limit=50)
        assert len(rows) == 11 and all(row["status"] == "confirmed" for row in rows)
