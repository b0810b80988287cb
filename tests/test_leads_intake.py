"""Leads from other systems: per-sender keys, the JSON intake API, its answers, limits and schema.

ADF/XML documents are in test_leads_intake_adf.py, schemathesis in
test_leads_intake_schema.py. Every test runs on SQLite and on PostgreSQL.
"""

import asyncio
import itertools
import json
import re

import httpx
import pytest

from core.tables import ApiKey, Dealer, History
from core.tenancy import Scoped
from plugins.leads.tables import IntakeLead, Lead

PROBLEM = "application/problem+json"


async def make_key(admin, name="Portal", per_minute=None) -> str:
    """A key made on the settings page the way an administrator does it: the POST redirects, the page shows it."""
    form = {"name": name, **({"per_minute": str(per_minute)} if per_minute else {})}
    r = await admin.post("/leads/settings/keys", data=form)
    assert r.status_code == 303 and r.headers["location"] == "/leads/settings", r.text[:300]
    page = await admin.get("/leads/settings")
    return re.search(r'<code class="new-key" id="new-key">([^<]+)</code>', page.text).group(1)


def from_address(server: str, address: str) -> httpx.AsyncClient:
    """A client whose requests come from another loopback address (its own rate-limit buckets)."""
    return httpx.AsyncClient(base_url=server, timeout=30, transport=httpx.AsyncHTTPTransport(local_address=address))


_addresses = itertools.count(100)


@pytest.fixture
async def portal(forecourt_server):
    """A sender's client from a loopback address of its own: other tests' wrong keys never limit it."""
    async with from_address(forecourt_server, f"127.0.1.{next(_addresses)}") as client:
        yield client


LEAD = {"surname": "Král", "first_name": "Jiří", "phone": "+420 603 555 444", "model": "Peugeot 208",
        "external_id": "AS-1"}


async def test_a_portal_sends_json_leads_with_its_own_revocable_key(make_dealer, client_as, portal):
    anon = portal
    dealer = await make_dealer(modules=["leads"])
    admin = await client_as(dealer, "dealer_admin")
    key = await make_key(admin, "AutoScout24")
    stored = await Scoped(ApiKey, dealer.id).select().first()
    assert key.startswith("fcl_") and key not in str(stored) and stored["prefix"] == key[:10]  # only a hash kept
    page = await admin.get("/leads/settings")
    assert key not in page.text and "new-key" not in page.text  # shown once: a reload shows it no more
    assert await Scoped(ApiKey, dealer.id).count() == 1  # and made no second key
    auth = {"authorization": f"Bearer {key}"}
    r = await anon.post("/leads/api/intake", json=LEAD, headers=auth)
    assert r.status_code == 201 and r.json()["created"] is True, r.text
    lead_id = r.json()["id"]
    assert r.headers["location"] == f"/leads/{lead_id}"
    row = await Lead.scoped(dealer.id).get(lead_id)
    assert row.status == "new" and row.source == "import" and row.assignee_id is None and row.surname == "Král"
    again = await anon.post("/leads/api/intake", json=LEAD, headers=auth)  # the portal retries
    assert again.status_code == 200 and again.json() == {"status": 200, "id": lead_id, "created": False,
                                                          "updated": [], "notes": []}
    assert await Lead.scoped(dealer.id).count() == 1
    history = await History.select(History.summary).where(
        (History.dealer_id == dealer.id) & (History.entity_id == lead_id) & (History.entity == "leads.lead"))
    assert any("AutoScout24" in h["summary"] for h in history)

    r = await anon.post("/leads/api/intake", json={"first_name": "X", "phone": "12"}, headers=auth)
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    errors = r.json()["errors"]
    assert errors["surname"] == "Enter the customer's surname." and "phone" in errors and "model" in errors
    r = await anon.post("/leads/api/intake", content=b"[1, 2", headers={**auth, "content-type": "application/json"})
    assert r.status_code == 400 and r.json()["line"] == 1 and r.json()["column"] == 6
    for bad in ({}, {"authorization": "Bearer fcl_nope"}, {"x-api-key": key[:-2]}):
        r = await anon.post("/leads/api/intake", json=LEAD, headers=bad)
        assert r.status_code == 401 and "intake key" in r.json()["title"] and r.headers["content-type"] == PROBLEM
    assert (await anon.post("/leads/api/intake", json={**LEAD, "external_id": "AS-2"},
                            headers={"x-api-key": key})).status_code == 201  # the other header works too

    stored = await Scoped(ApiKey, dealer.id).select().first()
    assert stored["last_used_at"] is not None
    await anon.post("/leads/api/intake", json={"model": "only"}, headers=auth)  # refused, but the key was used
    later = await Scoped(ApiKey, dealer.id).select().first()
    assert later["last_used_at"] > stored["last_used_at"]
    assert (await admin.post(f"/leads/settings/keys/{stored['id']}/revoke")).status_code == 303
    r = await anon.post("/leads/api/intake", json={**LEAD, "external_id": "AS-3"}, headers=auth)
    assert r.status_code == 401 and await Lead.scoped(dealer.id).count() == 2
    manager = await client_as(dealer, "manager")
    assert (await manager.post("/leads/settings/keys", data={"name": "mine"})).status_code == 403


async def test_the_key_page_has_a_copy_button_and_refuses_a_nameless_key(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    admin = await client_as(dealer, "dealer_admin")
    await make_key(admin, "Web")
    r = await admin.post("/leads/settings/keys", data={"name": "Portal"}, follow_redirects=True)
    assert 'class="btn btn-small copy-key"' in r.text and "navigator.clipboard.writeText" in r.text
    for form, field in (({"name": " "}, "Say who will send leads"), ({"name": "x" * 101}, "at most 100 characters"),
                        ({"name": "a\x00b"}, "control characters"), ({"name": "P", "per_minute": "0"}, "from 1 to")):
        r = await admin.post("/leads/settings/keys", data=form)
        assert r.status_code == 422 and field in r.text, form
    assert await Scoped(ApiKey, dealer.id).count() == 2


async def test_the_key_is_checked_before_the_body_and_no_body_gives_a_5xx(make_dealer, client_as, portal):
    anon = portal
    dealer = await make_dealer(modules=["leads"])
    auth = {"authorization": f"Bearer {await make_key(await client_as(dealer, 'dealer_admin'))}"}
    xml = {"content-type": "application/xml"}
    bodies = [(f'<?xml version="1.0" encoding="{enc}"?><adf/>'.encode(), "adf") for enc in
              ("x-klingon", "rot13", "hex", "base64", "undefined")] + [
        (b"[" * 100_000 + b"]" * 100_000, ""),
        (b"<adf><prospect><customer><comments>" + b"<b>" * 60_000 + b"</b>" * 60_000
         + b"</comments></customer></prospect></adf>", "adf")]
    for body, endpoint in bodies:
        path = "/leads/api/intake" + ("/adf" if endpoint else "")
        headers = xml if endpoint else {"content-type": "application/json"}
        r = await anon.post(path, content=body, headers=headers)
        assert r.status_code == 401, (body[:60], r.text)  # nothing was parsed without a key
        r = await anon.post(path, content=body, headers={**headers, **auth})
        assert r.status_code == 400 and r.headers["content-type"] == PROBLEM, (body[:60], r.text)
    r = await anon.post("/leads/api/intake", content=b'{"surname": "x"}',
                        headers={"content-type": "application/json; charset=undefined", **auth})
    assert r.status_code == 400 and r.headers["content-type"] == PROBLEM
    r = await anon.post("/leads/api/intake/adf", content=b"<adf>" + b" " * 600_000 + b"</adf>", headers={**xml, **auth})
    assert r.status_code == 413 and r.headers["content-type"] == PROBLEM
    assert r.json()["type"] == "/leads/api/problems/too-large"
    kind = await anon.get(r.json()["type"])
    assert kind.status_code == 200 and kind.json()["status"] == 413 and "512 KiB" in kind.json()["description"]


async def test_answers_under_api_are_problem_details_in_the_dealers_language(make_dealer, client_as, anon):
    dealer = await make_dealer(modules=["leads"])
    await Dealer.update({Dealer.language: "cs"}).where(Dealer.id == dealer.id)
    auth = {"authorization": f"Bearer {await make_key(await client_as(dealer, 'dealer_admin'))}"}
    r = await anon.post("/leads/api/intake", json={"first_name": "X", "model": "208", "email": "x@example.com"},
                        headers=auth)
    assert r.status_code == 422 and r.headers["content-language"] == "cs"
    assert r.json()["errors"]["surname"] == "Zadejte příjmení zákazníka." and r.json()["title"] != "Some of the data"
    r = await anon.post("/leads/api/intake", json={"model": "208"}, headers={**auth, "accept-language": "en"})
    assert r.json()["errors"]["surname"] == "Enter the customer's surname."  # the reader may ask for another
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        r = await anon.request(method, "/leads/api/intake/adf")
        assert r.status_code == 405 and r.headers["allow"] == "POST" and r.headers["content-type"] == PROBLEM
    r = await anon.post("/leads/api/nothing-here", json={})
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
    r = await anon.post("/leads/api/intake", content=b"\x89PNG", headers={**auth, "content-type": "image/png"})
    assert r.status_code == 415 and "image/png" in r.json()["detail"]
    r = await anon.post("/leads/api/intake/adf", content=b"<adf>\n<prospect>", headers={
        **auth, "content-type": "application/xml"})
    assert r.status_code == 400 and (r.json()["line"], r.json()["column"]) == (2, 11), r.json()
    assert "charset=utf-8; charset" not in r.headers["content-type"]


async def test_limits_per_client_address_and_per_key_with_retry_after(make_dealer, client_as, forecourt_server):
    dealer = await make_dealer(modules=["leads"])
    admin = await client_as(dealer, "dealer_admin")
    key = await make_key(admin, "Slow portal", per_minute=3)
    async with from_address(forecourt_server, "127.0.0.23") as guesser:
        answers = await asyncio.gather(*[guesser.post("/leads/api/intake", json=LEAD, headers={
            "authorization": f"Bearer fcl_guess{i}"}) for i in range(30)])
        statuses = sorted(r.status_code for r in answers)
        assert statuses.count(401) == 10 and statuses.count(429) == 20, statuses
        limited = next(r for r in answers if r.status_code == 429)
        assert 1 <= int(limited.headers["retry-after"]) <= 60 and limited.headers["content-type"] == PROBLEM
        # the limit is the address's: a live key from it still gets through
        r = await guesser.post("/leads/api/intake", json=LEAD, headers={"authorization": f"Bearer {key}"})
        assert r.status_code == 201
    async with from_address(forecourt_server, "127.0.0.24") as portal:
        auth = {"authorization": f"Bearer {key}"}
        answers = [await portal.post("/leads/api/intake", json=LEAD, headers=auth) for _ in range(3)]
        assert [r.status_code for r in answers] == [200, 200, 429] and "retry-after" in answers[-1].headers


async def test_ten_parallel_posts_of_one_document_make_one_lead(make_dealer, client_as, anon):
    dealer = await make_dealer(modules=["leads"])
    auth = {"authorization": f"Bearer {await make_key(await client_as(dealer, 'dealer_admin'), per_minute=100)}"}
    answers = await asyncio.gather(*[anon.post("/leads/api/intake", json={**LEAD, "external_id": "PAR-1"},
                                               headers=auth) for _ in range(10)])
    assert sorted(r.status_code for r in answers) == [200] * 9 + [201], [r.text for r in answers]
    assert len({r.json()["id"] for r in answers}) == 1
    assert await Lead.scoped(dealer.id).count() == 1 and await IntakeLead.scoped(dealer.id).count() == 1


async def test_a_reference_is_never_matched_across_senders(make_dealer, client_as, anon):
    dealer = await make_dealer(modules=["leads"])
    admin = await client_as(dealer, "dealer_admin")
    first, second = await make_key(admin, "Portal A"), await make_key(admin, "Portal B")
    a = await anon.post("/leads/api/intake", json={**LEAD, "external_id": "ABC-123"},
                        headers={"authorization": f"Bearer {first}"})
    b = await anon.post("/leads/api/intake", json={**LEAD, "surname": "Nový", "external_id": "ABC-123"},
                        headers={"authorization": f"Bearer {second}"})
    assert (a.status_code, b.status_code) == (201, 201) and a.json()["id"] != b.json()["id"]
    assert {r["surname"] for r in await Lead.scoped(dealer.id).select(Lead.surname)} == {"Král", "Nový"}


async def test_a_resend_updates_contacts_and_comments_and_the_history_says_so(make_dealer, client_as, anon):
    dealer = await make_dealer(modules=["leads"])
    admin = await client_as(dealer, "dealer_admin")
    auth = {"authorization": f"Bearer {await make_key(admin, 'Portal')}"}
    made = (await anon.post("/leads/api/intake", json={**LEAD, "external_id": "R-1", "note": "First"},
                            headers=auth)).json()
    r = await anon.post("/leads/api/intake", json={**LEAD, "external_id": "R-1", "phone": "+420 777 888 999",
                                                   "email": "jiri@example.com", "note": "Call after 5",
                                                   "surname": "Changed", "model": "Other"}, headers=auth)
    assert r.status_code == 200 and r.json()["id"] == made["id"], r.text
    assert r.json()["updated"] == ["email", "phone", "note"]
    row = await Lead.scoped(dealer.id).get(made["id"])
    assert (row.phone, row.email, row.note, row.surname, row.model) == (
        "+420 777 888 999", "jiri@example.com", "Call after 5", "Král", "Peugeot 208")
    card = await admin.get(f"/leads/{made['id']}")
    assert "Updated by a resend from “Portal”" in card.text and "Call after 5" in card.text
    r = await anon.post("/leads/api/intake", json={**LEAD, "external_id": "R-1", "phone": "",
                                                   "email": "jiri@example.com"}, headers=auth)
    assert r.json()["updated"] == [] and (await Lead.scoped(dealer.id).get(made["id"])).phone == "+420 777 888 999"


async def test_hostile_values_are_refused_or_left_out_never_a_5xx(make_dealer, client_as, anon):
    dealer = await make_dealer(modules=["leads"])
    auth = {"authorization": f"Bearer {await make_key(await client_as(dealer, 'dealer_admin'), per_minute=100)}"}
    for n, price in enumerate(["NaN", "sNaN", "Infinity", "-Infinity", "99999999999", 1e20, "1e20", "-5", "abc"]):
        r = await anon.post("/leads/api/intake", json={**LEAD, "external_id": f"P-{n}", "price": price}, headers=auth)
        assert r.status_code == 201 and "could not be read" in r.json()["notes"][0], (price, r.text)
        assert (await Lead.scoped(dealer.id).get(r.json()["id"])).price is None
    r = await anon.post("/leads/api/intake", content=b'{"surname": "A", "model": "B", "phone": "+420 603 555 444", '
                        b'"price": NaN}', headers={**auth, "content-type": "application/json"})
    assert r.status_code == 400  # NaN is no JSON
    refused = {"surname": ("a\u0000b", "control characters"), "note": ("x" * 4001, "note: at most 4000 characters"),
               "first_name": ("\ud800", "control characters"), "city": (["a", "b"], "send text, not a list"),
               "model": ({"a": 1}, "send text"), "trim": (5, "send text"), "surname ": ("x" * 101, "")}
    for field, (value, message) in refused.items():
        name = field.strip()
        body = {**LEAD, "external_id": f"H-{name}", name: value}
        if field == "surname ":
            message = "surname: at most 100 characters"
        r = await anon.post("/leads/api/intake", content=json.dumps(body).encode(),
                            headers={**auth, "content-type": "application/json"})
        assert r.status_code == 422 and message in r.json()["errors"][name], (field, r.text)
    assert await Lead.scoped(dealer.id).count() == 9


async def test_the_openapi_schema_is_public_and_only_the_intake(anon):
    r = await anon.get("/leads/api/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    assert schema["openapi"].startswith("3.1") and set(schema["paths"]) == {"/leads/api/intake",
                                                                             "/leads/api/intake/adf"}
    assert schema["components"]["securitySchemes"]["bearerKey"] == {
        "type": "http", "scheme": "bearer", "description": schema["components"]["securitySchemes"]["bearerKey"][
            "description"]}
    post = schema["paths"]["/leads/api/intake"]["post"]
    assert {"200", "201", "400", "401", "403", "413", "415", "422", "429", "500"} <= set(post["responses"])
    assert set(post["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1:]) == {"Lead"}
    assert schema["components"]["schemas"]["Lead"]["properties"]["surname"]["maxLength"] == 100
    adf = schema["paths"]["/leads/api/intake/adf"]["post"]["requestBody"]["content"]["application/xml"]
    assert "<adf>" in adf["examples"]["full"]["value"]
