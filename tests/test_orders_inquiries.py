"""Inquiries and calls over real HTTP, on both engines: the telephony webhook and its keys, repeat callers,
inquiries by hand, the list, the card, and merging a duplicate (nothing lost, also under concurrent merges)."""

from __future__ import annotations

import asyncio
import itertools
import json
import re

import httpx
import pytest

from core.tables import ApiKey, Comment, Dealer, History
from core.tenancy import Scoped
from forecourt import check_api_key, now
from plugins.orders.tables import Call, Inquiry, Order

PROBLEM = "application/problem+json"
_addresses = itertools.count(10)


@pytest.fixture
async def pbx(forecourt_server):
    """The telephony's client, from a loopback address of its own (its own rate-limit buckets)."""
    transport = httpx.AsyncHTTPTransport(local_address=f"127.0.2.{next(_addresses)}")
    async with httpx.AsyncClient(base_url=forecourt_server, timeout=30, transport=transport) as client:
        yield client


async def russian(make_dealer, modules=("orders", "customers")):
    """A dealer in Russia: numbers typed without +7 ("89161234567") are read as Russian."""
    dealer = await make_dealer(modules=list(modules))
    await Dealer.update({Dealer.language: "ru"}).where(Dealer.id == dealer.id)
    return dealer


async def make_key(admin, name="Office PBX") -> str:
    r = await admin.post("/orders/telephony/keys", data={"name": name})
    assert r.status_code == 303 and r.headers["location"] == "/orders/telephony", r.text[:300]
    page = await admin.get("/orders/telephony")
    return re.search(r'<code id="new-key">([^<]+)</code>', page.text).group(1)


def call(caller="+7 916 123-45-67", **more):
    return {"caller": caller, "time": "2026-12-02T09:15:00+03:00", "line": "Sales 1", **more}


async def test_a_call_makes_an_inquiry_and_a_repeat_caller_is_recognised_in_any_formatting(
        make_dealer, client_as, pbx):
    dealer = await russian(make_dealer)
    admin = await client_as(dealer, "dealer_admin")
    manager = await client_as(dealer, "manager")
    r = await manager.post("/customers/", data={"name": "Ivan Petrov", "phone": "+7 916 123 45 67",
                                                "source": "phone"})
    assert r.status_code in (302, 303), r.text[:500]
    order = await Order.scoped(dealer.id).insert(number=7, phone_rev="76543216197", contact_name="Ivan Petrov",
                                                 created_at=now(), updated_at=now())
    key = await make_key(admin)
    assert key.startswith("fct_")
    stored = await Scoped(ApiKey, dealer.id).select().first()
    assert stored["purpose"] == "orders.telephony" and key not in json.dumps(stored, default=str)
    auth = {"authorization": f"Bearer {key}"}

    r = await pbx.post("/orders/api/calls", json=call(call_id="pbx-1"), headers=auth)
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["inquiry"]["created"] and not first["repeat_caller"] and first["inquiry"]["number"] == 1
    assert first["customer"]["name"] == "Ivan Petrov"  # linked through the customers plugin
    inquiry_id = first["inquiry"]["id"]
    row = await Inquiry.scoped(dealer.id).get(inquiry_id)
    assert row.status == "new" and row.source == "call" and row.phone_rev == "76543216197" and row.customer_id

    again = await pbx.post("/orders/api/calls", json=call(call_id="pbx-1"), headers=auth)  # the PBX retries
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["call"] == first["call"] and await Call.scoped(dealer.id).count() == 1

    r = await pbx.post("/orders/api/calls", json=call("89161234567", call_id="pbx-2", line="Sales 2"),
                       headers={"x-api-key": key})
    assert r.status_code == 201, r.text
    assert r.json()["repeat_caller"] is True and r.json()["inquiry"]["id"] == inquiry_id
    assert await Inquiry.scoped(dealer.id).count() == 1 and await Call.scoped(dealer.id).count() == 2

    card = await manager.get(f"/orders/inquiries/{inquiry_id}")
    assert card.status_code == 200
    assert card.text.count("data-call=") == 2 and "Ivan Petrov" in card.text
    assert f'href="/orders/{order.id}"' in card.text and "Order #7" in card.text  # the earlier order, by phone
    assert f'/orders/new?inquiry={inquiry_id}' in card.text  # "Create order"
    assert "Another call from" in card.text  # the repeat call in the timeline
    stored = await Scoped(ApiKey, dealer.id).select().first()
    assert stored["last_used_at"] is not None

    # another dealer's PBX with the same caller makes its own inquiry, number 1 of its own
    other = await russian(make_dealer)
    other_key = await make_key(await client_as(other, "dealer_admin"))
    r = await pbx.post("/orders/api/calls", json=call(), headers={"authorization": f"Bearer {other_key}"})
    assert r.status_code == 201 and r.json()["inquiry"]["created"] and r.json()["customer"] is None
    assert r.json()["inquiry"]["number"] == 1
    assert (await manager.get(f"/orders/inquiries/{r.json()['inquiry']['id']}")).status_code == 404


async def test_calls_at_the_same_moment_from_one_number_make_one_inquiry(make_dealer, client_as, pbx):
    dealer = await russian(make_dealer, modules=("orders",))
    key = await make_key(await client_as(dealer, "dealer_admin"))
    auth = {"authorization": f"Bearer {key}"}
    answers = await asyncio.gather(*(pbx.post("/orders/api/calls", json=call(
        ("+7 916 123-45-67", "89161234567", "8 (916) 123 45 67")[i % 3], call_id=f"c-{i}"), headers=auth)
        for i in range(8)))
    assert all(r.status_code == 201 for r in answers), [r.text for r in answers]
    assert len({r.json()["inquiry"]["id"] for r in answers}) == 1
    assert sum(r.json()["inquiry"]["created"] for r in answers) == 1
    assert await Inquiry.scoped(dealer.id).count() == 1 and await Call.scoped(dealer.id).count() == 8
    retries = await asyncio.gather(*(pbx.post("/orders/api/calls", json=call(call_id="c-retry"), headers=auth)
                                     for _ in range(6)))  # the PBX sends one call six times at once
    assert sorted(r.status_code for r in retries) == [200] * 5 + [201]
    assert len({r.json()["call"] for r in retries}) == 1 and await Call.scoped(dealer.id).count() == 9


async def test_a_closed_inquiry_is_not_reopened_by_a_new_call(make_dealer, client_as, pbx):
    dealer = await russian(make_dealer, modules=("orders",))
    key = await make_key(await client_as(dealer, "dealer_admin"))
    auth = {"authorization": f"Bearer {key}"}
    first = (await pbx.post("/orders/api/calls", json=call(), headers=auth)).json()["inquiry"]["id"]
    manager = await client_as(dealer, "manager")
    r = await manager.post(f"/workflow/orders.inquiry/{first}/not_target", data={"_state": "new"})
    assert r.status_code == 303, r.text[:500]
    r = await pbx.post("/orders/api/calls", json=call("8 (916) 123-45-67"), headers=auth)
    assert r.status_code == 201 and r.json()["inquiry"]["created"] and r.json()["inquiry"]["id"] != first
    card = await manager.get(f"/orders/inquiries/{r.json()['inquiry']['id']}")
    assert f'href="/orders/inquiries/{first}"' in card.text  # the earlier inquiry shows at once


async def test_the_webhook_answers_every_bad_request_with_a_4xx_problem(make_dealer, client_as, pbx, forecourt_server):
    dealer = await russian(make_dealer, modules=("orders", "leads"))
    admin = await client_as(dealer, "dealer_admin")
    key = await make_key(admin)
    auth = {"authorization": f"Bearer {key}"}
    r = await admin.post("/leads/settings/keys", data={"name": "Portal"})
    leads_key = re.search(r'<code class="new-key" id="new-key">([^<]+)</code>',
                          (await admin.get("/leads/settings")).text).group(1)
    for bad in ({}, {"authorization": "Bearer fct_nope"}, {"authorization": f"Bearer {leads_key}"},
                {"x-api-key": key[:-2]}, {"authorization": "Bearer " + "x" * 5000}):
        r = await pbx.post("/orders/api/calls", json=call(), headers=bad)
        assert r.status_code == 401 and r.headers["content-type"] == PROBLEM, (bad, r.text)
        assert r.json()["type"] == "/orders/api/problems/unauthorized"
    bodies = [
        (b"not json", "application/json", 400), (b"[1, 2", "application/json", 400),
        (b"[1, 2]", "application/json", 400), (b'"text"', "application/json", 400),
        (b'{"caller": NaN}', "application/json", 400), (b"\xff\xfe", "application/json", 400),
        (b"[" * 100000, "application/json", 413), (b"x" * 20000, "application/json", 413),
        (b'{"caller": "+79161234567"}', "text/plain", 415), (b'{"caller": "+79161234567"}', "application/xml", 415),
    ]
    for content, kind, status in bodies:
        r = await pbx.post("/orders/api/calls", content=content, headers={**auth, "content-type": kind})
        assert r.status_code == status and r.headers["content-type"] == PROBLEM, (content[:40], r.status_code, r.text)
    invalid = [({}, "caller"), ({"caller": ""}, "caller"), ({"caller": 79161234567}, "caller"),
               ({"caller": ["+79161234567"]}, "caller"), ({"caller": "12"}, "caller"),
               ({"caller": "not a phone"}, "caller"), ({"caller": "+7916\x001234567"}, "caller"),
               (call(time="yesterday"), "time"), (call(time=12345), "time"),
               (call(time="1970-01-01T00:00:00Z"), "time"), (call(time="2999-01-01T00:00:00Z"), "time"),
               (call(line="x" * 61), "line"), (call(line={"a": 1}), "line"),
               (call(call_id="y" * 101), "call_id"), (call(call_id=5), "call_id")]
    for body, field in invalid:
        r = await pbx.post("/orders/api/calls", json=body, headers=auth)
        assert r.status_code == 422 and r.headers["content-type"] == PROBLEM, (body, r.text)
        assert field in r.json()["errors"], (body, r.json())
    assert await Inquiry.scoped(dealer.id).count() == 0 and await Call.scoped(dealer.id).count() == 0
    for method in ("get", "put", "delete"):
        r = await pbx.request(method, "/orders/api/calls", headers=auth)
        assert r.status_code == 405 and r.headers["content-type"] == PROBLEM
    r = await pbx.post("/orders/api/nowhere", json={}, headers=auth)
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
    assert (await pbx.get("/orders/api/problems/invalid")).json()["status"] == 422
    schema = (await pbx.get("/orders/api/openapi.json")).json()
    assert schema["paths"]["/orders/api/calls"]["post"]["operationId"] == "reportCall"
    assert {"401", "403", "413", "415", "422", "429"} <= set(schema["paths"]["/orders/api/calls"]["post"]["responses"])

    # the dealer switches Orders off: its key is refused with a 403 problem, nothing is stored
    modules = ",".join(m for m in dealer.modules if m != "orders")
    await Dealer.update({Dealer.modules: modules}).where(Dealer.id == dealer.id)
    r = await pbx.post("/orders/api/calls", json=call(), headers=auth)
    assert r.status_code == 403 and r.json()["type"] == "/orders/api/problems/orders-off"
    await Dealer.update({Dealer.active: False}).where(Dealer.id == dealer.id)
    assert (await pbx.post("/orders/api/calls", json=call(), headers=auth)).status_code == 403
    assert await Call.scoped(dealer.id).count() == 0


async def test_telephony_keys_are_for_dealer_admins_shown_once_and_revocable(make_dealer, client_as, pbx):
    dealer = await russian(make_dealer, modules=("orders",))
    admin = await client_as(dealer, "dealer_admin")
    manager = await client_as(dealer, "manager")
    assert (await manager.get("/orders/telephony")).status_code == 403
    assert (await manager.post("/orders/telephony/keys", data={"name": "mine"})).status_code == 403
    key = await make_key(admin)
    assert key not in (await admin.get("/orders/telephony")).text  # shown once
    for form, text in (({"name": " "}, "Say which telephony"), ({"name": "x" * 101}, "at most 100 characters"),
                       ({"name": "P", "per_minute": "0"}, "from 1 to")):
        r = await admin.post("/orders/telephony/keys", data=form)
        assert r.status_code == 422 and text in r.text, form
    auth = {"authorization": f"Bearer {key}"}
    assert (await pbx.post("/orders/api/calls", json=call(), headers=auth)).status_code == 201
    stored = await Scoped(ApiKey, dealer.id).select().where(ApiKey.purpose == "orders.telephony").first()
    other = await make_dealer(modules=["orders"])
    other_admin = await client_as(other, "dealer_admin")
    assert (await other_admin.post(f"/orders/telephony/keys/{stored['id']}/revoke")).status_code == 404
    assert (await admin.post(f"/orders/telephony/keys/{stored['id']}/revoke")).status_code == 303
    r = await pbx.post("/orders/api/calls", json=call("+7 925 555 12 12"), headers=auth)
    assert r.status_code == 401 and await Call.scoped(dealer.id).count() == 1


async def test_intake_keys_made_before_the_core_kept_them_still_work(make_dealer, forecourt_registry):
    """The leads migration copies leads_intake_key rows with their ids into core_api_key (and again does nothing)."""
    import importlib
    import secrets

    from plugins.leads.tables import IntakeKey

    migration = importlib.import_module("plugins.leads.piccolo_migrations.leads_2026_12_02t03_10_00_000000")
    dealer = await make_dealer(modules=["leads"])
    token = "fcl_" + secrets.token_urlsafe(32)
    import hashlib

    # an id no key of the core's table has (there the copy runs right after the table was made, empty)
    legacy = await IntakeKey.scoped(dealer.id).insert(id=10_000_000 + secrets.randbelow(10_000_000), name="Old portal",
                                                      token_hash=hashlib.sha256(
        token.encode()).hexdigest(), prefix=token[:10], created_at=now(), per_minute=30)
    await migration.copy_keys()
    await migration.copy_keys()  # idempotent
    copied = await Scoped(ApiKey, dealer.id).select().where(ApiKey.token_hash == legacy.token_hash)
    assert len(copied) == 1
    assert copied[0]["purpose"] == "leads.intake" and copied[0]["name"] == "Old portal"
    assert copied[0]["per_minute"] == 30
    found = await check_api_key("leads.intake", token, "127.0.9.1", "fcl_")
    assert found.key is not None and found.key["dealer_id"] == dealer.id
    assert (await check_api_key("orders.telephony", token, "127.0.9.1")).key is None  # another purpose


async def test_inquiries_by_hand_the_list_and_its_filters(make_dealer, client_as):
    from plugins.orders.listing import inquiries as listing

    dealer = await make_dealer(modules=["orders"])
    manager = await client_as(dealer, "manager")
    storekeeper = await client_as(dealer, "storekeeper")
    assert (await storekeeper.get("/orders/inquiries/")).status_code == 403
    page = await manager.get("/orders/inquiries/new")
    assert page.status_code == 200 and 'name="phone"' in page.text
    r = await manager.post("/orders/inquiries/", data={"phone": "12", "name": "Anna", "note": "Wants a 408"})
    assert r.status_code == 422 and "valid phone number" in r.text and "Wants a 408" in r.text  # input kept
    r = await manager.post("/orders/inquiries/", data={"phone": "", "name": ""})
    assert r.status_code == 422 and "phone or name" in r.text
    r = await manager.post("/orders/inquiries/", data={"name": "Anna", "manager_id": "999999"})
    assert r.status_code == 422 and "managers" in r.text
    ids = []
    for i in range(3):
        r = await manager.post("/orders/inquiries/", data={"phone": f"+420 601 555 1{i:02d}", "name": f"Caller {i}",
                                                           "manager_id": str(dealer.users["manager"].id)})
        assert r.status_code == 303, r.text[:500]
        ids.append(int(r.headers["location"].rsplit("/", 1)[1]))
    r = await manager.post("/orders/inquiries/", data={"name": "Walk-in", "note": "line\nbreaks kept"})
    ids.append(int(r.headers["location"].rsplit("/", 1)[1]))
    rows = await Inquiry.scoped(dealer.id).select().order_by(Inquiry.number)
    assert [r["number"] for r in rows] == [1, 2, 3, 4] and rows[0]["source"] == "manual"
    await manager.post(f"/workflow/orders.inquiry/{ids[0]}/prank", data={"_state": "new"})

    listed = await manager.get("/orders/inquiries/")
    assert listed.status_code == 200 and all(f'data-inquiry="{i}"' in listed.text for i in ids)
    listed = await manager.get("/orders/inquiries/?status=prank")
    assert f'data-inquiry="{ids[0]}"' in listed.text and f'data-inquiry="{ids[1]}"' not in listed.text
    listed = await manager.get("/orders/inquiries/?manager=none")
    assert f'data-inquiry="{ids[3]}"' in listed.text and f'data-inquiry="{ids[1]}"' not in listed.text
    listed = await manager.get(f"/orders/inquiries/?manager={dealer.users['manager'].id}")
    assert f'data-inquiry="{ids[1]}"' in listed.text and f'data-inquiry="{ids[3]}"' not in listed.text
    assert 'data-inquiry=' not in (await manager.get("/orders/inquiries/?since=2099-01-01")).text
    assert 'data-inquiry=' not in (await manager.get("/orders/inquiries/?until=2000-01-01")).text
    for junk in ("?status=<b>", "?manager=x&since=2026-13-45&after=zz|zz", "?after=%00"):
        assert (await manager.get("/orders/inquiries/" + junk)).status_code == 200

    first, token = await listing.search(dealer.id, limit=3)
    assert len(first) == 3 and token
    rest, end = await listing.search(dealer.id, limit=3, after=token)
    assert len(rest) == 1 and end == ""
    assert {r["id"] for r in first + rest} == set(ids)
    assert "Inquiries" in (await manager.get("/")).text  # the menu item

    found = await manager.get("/orders/inquiries/?q=555 101")  # the end of a phone, any formatting
    assert f'data-inquiry="{ids[1]}"' in found.text and f'data-inquiry="{ids[0]}"' not in found.text
    found = await manager.get("/orders/inquiries/?q=%2B420601555102")
    assert f'data-inquiry="{ids[2]}"' in found.text and found.text.count("data-inquiry=") == 1
    found = await manager.get("/orders/inquiries/?q=%234")
    assert f'data-inquiry="{ids[3]}"' in found.text and found.text.count("data-inquiry=") == 1
    assert "data-inquiry=" not in (await manager.get("/orders/inquiries/?q=Caller")).text

    # editing: the manager and the phone change, the history says so; a refused edit keeps the input
    edit = await manager.get(f"/orders/inquiries/{ids[3]}/edit")
    assert edit.status_code == 200 and "Walk-in" in edit.text
    r = await manager.post(f"/orders/inquiries/{ids[3]}/edit", data={"name": "Walk-in", "phone": "x1"})
    assert r.status_code == 422 and "valid phone number" in r.text and 'value="x1"' in r.text
    r = await manager.post(f"/orders/inquiries/{ids[3]}/edit", data={
        "name": "Walk-in Novák", "phone": "+420 607 555 777", "manager_id": str(dealer.users["manager"].id)})
    assert r.status_code == 303
    row = await Inquiry.scoped(dealer.id).get(ids[3])
    assert row.contact_name == "Walk-in Novák" and row.phone_rev == "777555706024" and row.manager_id
    assert "Walk-in → Walk-in Novák" in (await manager.get(f"/orders/inquiries/{ids[3]}")).text
    other = await make_dealer(modules=["orders"])
    stranger = await client_as(other, "manager")
    assert (await stranger.get(f"/orders/inquiries/{ids[3]}/edit")).status_code == 404
    assert (await stranger.post(f"/orders/inquiries/{ids[3]}/edit", data={"name": "x"})).status_code == 404


async def _inquiry_with_history(manager, dealer, phone: str, calls: int = 2) -> int:
    r = await manager.post("/orders/inquiries/", data={"phone": phone, "name": f"Caller {phone[-3:]}"})
    assert r.status_code == 303, r.text[:500]
    inquiry_id = int(r.headers["location"].rsplit("/", 1)[1])
    for i in range(calls):
        await Call.scoped(dealer.id).insert(inquiry_id=inquiry_id, phone=phone, phone_rev="", line=f"L{i}",
                                            called_at=now(), created_at=now())
    r = await manager.post(f"/timeline/orders.inquiry/{inquiry_id}/comments", data={"text": f"About {phone}"})
    assert r.status_code in (200, 303), r.text[:300]
    await manager.post(f"/workflow/orders.inquiry/{inquiry_id}/could_not_reach", data={"_state": "new"})
    return inquiry_id


async def _rows(dealer_id: int, inquiry_id: int) -> dict[str, set[int]]:
    history = await History.select(History.id).where((History.dealer_id == dealer_id)
                                                     & (History.entity == "orders.inquiry")
                                                     & (History.entity_id == inquiry_id))
    comments = await Comment.select(Comment.id).where((Comment.dealer_id == dealer_id)
                                                      & (Comment.entity == "orders.inquiry")
                                                      & (Comment.entity_id == inquiry_id))
    calls = await Call.scoped(dealer_id).select(Call.id).where(Call.inquiry_id == inquiry_id)
    return {"history": {r["id"] for r in history}, "comments": {r["id"] for r in comments},
            "calls": {r["id"] for r in calls}}


async def test_merging_a_duplicate_moves_every_call_history_row_and_comment(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    manager = await client_as(dealer, "manager")
    main = await _inquiry_with_history(manager, dealer, "+420 601 555 111")
    dup = await _inquiry_with_history(manager, dealer, "+420 602 555 222", calls=3)
    main_number = (await Inquiry.scoped(dealer.id).get(main)).number
    dup_number = (await Inquiry.scoped(dealer.id).get(dup)).number
    before_main, before_dup = await _rows(dealer.id, main), await _rows(dealer.id, dup)
    assert len(before_dup["calls"]) == 3 and before_dup["comments"] and len(before_dup["history"]) >= 2

    card = await manager.get(f"/orders/inquiries/{dup}")
    assert f"/workflow/orders.inquiry/{dup}/merge" not in card.text  # never a bare button: only after the preview
    r = await manager.post(f"/workflow/orders.inquiry/{dup}/merge", data={"_state": "could_not_reach",
                                                                          "main": str(main_number)})
    assert r.status_code == 422 and (await Inquiry.scoped(dealer.id).get(dup)).status == "could_not_reach"

    preview = await manager.get(f"/orders/inquiries/{dup}/merge?main={main_number}")
    assert preview.status_code == 200
    assert "3 calls move" in preview.text and f"{len(before_dup['history'])} history rows" in preview.text
    assert "1 comment moves" in preview.text and "Duplicate" in preview.text
    for number, text in ((dup_number, "into itself"), (999, "no inquiry #999"), ("abc", "Enter the number")):
        r = await manager.get(f"/orders/inquiries/{dup}/merge?main={number}")
        assert r.status_code == 422 and text in r.text, number
        r = await manager.post(f"/orders/inquiries/{dup}/merge", data={"main": str(number),
                                                                        "_state": "could_not_reach"})
        assert r.status_code == 422 and text in r.text, number
    assert await _rows(dealer.id, dup) == before_dup  # refused: nothing moved

    r = await manager.post(f"/orders/inquiries/{dup}/merge", data={"main": f"#{main_number}",
                                                                    "_state": "could_not_reach"})
    assert r.status_code == 303 and r.headers["location"] == f"/orders/inquiries/{main}", r.text[:500]
    after_main, after_dup = await _rows(dealer.id, main), await _rows(dealer.id, dup)
    for kind in ("history", "comments", "calls"):  # nothing lost: every row of both is on the main one
        assert before_main[kind] | before_dup[kind] <= after_main[kind], kind
    assert not after_dup["calls"] and not after_dup["comments"]
    assert len(after_dup["history"]) == 1  # only its "Duplicate" transition stays with it
    row = await Inquiry.scoped(dealer.id).get(dup)
    assert row.status == "duplicate" and row.merged_into_id == main
    card = await manager.get(f"/orders/inquiries/{dup}")
    assert card.status_code == 200 and "merged into" in card.text and f'href="/orders/inquiries/{main}"' in card.text
    main_card = await manager.get(f"/orders/inquiries/{main}")
    assert main_card.text.count("data-call=") == 5 and "About +420 602 555 222" in main_card.text
    assert f"Inquiry #{dup_number} merged into this one" in main_card.text

    # the duplicate cannot be merged again, and nothing can be merged into it
    third = await _inquiry_with_history(manager, dealer, "+420 603 555 333", calls=1)
    r = await manager.post(f"/orders/inquiries/{third}/merge", data={"main": str(dup_number),
                                                                      "_state": "could_not_reach"})
    assert r.status_code == 422 and "itself merged" in r.text
    r = await manager.post(f"/orders/inquiries/{dup}/merge", data={"main": str(main_number), "_state": "duplicate"})
    assert r.status_code in (409, 422) and (await Inquiry.scoped(dealer.id).get(dup)).merged_into_id == main


async def test_a_merge_picks_the_main_inquiry_by_number_within_the_dealer(make_dealer, client_as):
    a, b = await make_dealer(modules=["orders"]), await make_dealer(modules=["orders"])
    manager_a, manager_b = await client_as(a, "manager"), await client_as(b, "manager")
    dup = await _inquiry_with_history(manager_a, a, "+420 601 555 111")
    for _ in range(3):
        await _inquiry_with_history(manager_b, b, "+420 602 555 222", calls=0)  # b has #1..#3, a only #1
    before_b = {r["id"]: r for r in await History.select().where(History.dealer_id == b.id)}
    r = await manager_a.post(f"/orders/inquiries/{dup}/merge", data={"main": "3", "_state": "could_not_reach"})
    assert r.status_code == 422 and "no inquiry #3" in r.text
    b_inquiry = (await Inquiry.scoped(b.id).select().first())["id"]
    assert (await manager_a.get(f"/orders/inquiries/{b_inquiry}/merge?main=1")).status_code == 404
    r = await manager_a.post(f"/orders/inquiries/{b_inquiry}/merge", data={"main": "1", "_state": "could_not_reach"})
    assert r.status_code == 404
    assert {r["id"]: r for r in await History.select().where(History.dealer_id == b.id)} == before_b
    assert not await Inquiry.scoped(b.id).select().where(Inquiry.status == "duplicate")


async def test_concurrent_merges_lose_no_row(make_dealer, client_as):
    """A into B while B goes into C, and two inquiries into each other: every call and history row survives."""
    dealer = await make_dealer(modules=["orders"])
    manager = await client_as(dealer, "manager")
    other = await client_as(dealer, "dealer_admin")
    ids = [await _inquiry_with_history(manager, dealer, f"+420 60{i} 555 1{i}{i}", calls=2) for i in range(1, 6)]
    numbers = [(await Inquiry.scoped(dealer.id).get(i)).number for i in ids]
    history_before = {r["id"] for r in await History.select(History.id).where(History.dealer_id == dealer.id)}
    calls_before = {r["id"] for r in await Call.scoped(dealer.id).select(Call.id)}

    def merge(client, inquiry_id, number):
        return client.post(f"/orders/inquiries/{inquiry_id}/merge", data={"main": str(number),
                                                                           "_state": "could_not_reach"})

    answers = await asyncio.gather(merge(manager, ids[0], numbers[1]), merge(other, ids[1], numbers[2]),
                                   merge(manager, ids[3], numbers[4]), merge(other, ids[4], numbers[3]))
    assert all(r.status_code in (303, 409, 422) for r in answers), [r.status_code for r in answers]
    assert [r.status_code for r in answers[2:]].count(303) == 1  # into each other: exactly one wins
    rows = {r["id"]: r for r in await Inquiry.scoped(dealer.id).select()}
    calls_after = await Call.scoped(dealer.id).select(Call.id, Call.inquiry_id)
    assert {c["id"] for c in calls_after} == calls_before
    assert all(rows[c["inquiry_id"]]["status"] != "duplicate" for c in calls_after)  # none left on a duplicate
    history_after = {r["id"] for r in await History.select(History.id).where(History.dealer_id == dealer.id)}
    assert history_before <= history_after
    comments = await Comment.select(Comment.entity_id).where((Comment.dealer_id == dealer.id)
                                                             & (Comment.entity == "orders.inquiry"))
    assert len(comments) == 5 and all(rows[c["entity_id"]]["status"] != "duplicate" for c in comments)
    assert all(rows[r["merged_into_id"]]["id"] != r["id"] for r in rows.values() if r["status"] == "duplicate")


async def test_demo_inquiries(make_dealer, forecourt_registry):
    from forecourt import system_context
    from plugins.orders.inquiries import demo

    made = await make_dealer(modules=["orders"])
    dealer = await Dealer.objects().get(Dealer.id == made.id)
    ctx = system_context(dealer.id, frozenset({"orders"}), dealer.name, dealer.language)
    await demo.seed(dealer, {"manager": made.users["manager"].id}, ctx)
    await demo.seed(dealer, {}, ctx)  # idempotent
    rows = await Inquiry.scoped(dealer.id).select()
    statuses = {r["status"] for r in rows}
    assert {"new", "not_ready", "service_request", "duplicate"} <= statuses and len(rows) == 7
    repeat = [r for r in rows if r["phone"] == "+420 601 234 567"]
    assert len(repeat) == 1
    assert await Call.scoped(dealer.id).count().where(Call.inquiry_id == repeat[0]["id"]) == 3  # 2 + the merged one
    assert {r["source"] for r in rows} == {"call", "manual"}
