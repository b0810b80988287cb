"""Tenant isolation over everything installed (forecourt.isolation), on both engines.

Dealer B gets rows in every dealer-scoped table, its texts carrying a marker
no other row can contain; every role of dealer A then requests every route
with B's ids. Nothing of B may show, change, or make the server fail. The
matrix (routes x requests) goes to the CI log. The second test proves the
check can fail: fc_extra's deliberately leaky routes must be flagged.
"""

from __future__ import annotations

import random
import re
import string
import time

import pytest

from core.tables import Dealer, User
from forecourt.isolation import app_routes, changes, check_isolation, fill_empty, installed, snapshot

ROLES = ("manager", "storekeeper", "dealer_admin")


def marker() -> str:
    """Letters no seeded or demo text contains by chance (and that no form refuses in a name)."""
    return "Qzx" + "".join(random.choices(string.ascii_lowercase, k=9))


def _id(response) -> int:
    assert response.status_code == 303, response.text[:500]
    return int(response.headers["location"].rstrip("/").rsplit("/", 1)[1])


async def seed(dealer, client_as, anon, mark: str) -> None:
    """Rows of ``dealer`` in the tables of every installed plugin, made through the app, texts carrying ``mark``.

    What no request of a test can make (a job's slot, a plugin's log) ``fill_empty`` adds afterwards.
    """
    manager = await client_as(dealer, "manager")
    admin = await client_as(dealer, "dealer_admin")
    phone = "+420 601 " + "".join(random.choices(string.digits, k=6))
    email = f"{mark.lower()}@example.test"
    customer = _id(await manager.post("/customers/", data={
        "name": f"{mark} Novák", "phone": phone, "email": email, "source": "walk_in", "confirm_duplicate": "1"}))
    assert (await manager.post(f"/customers/{customer}/notes", data={"text": f"note {mark}"})).status_code == 303
    assert (await manager.post(f"/customers/{customer}/followups", data={
        "method": "phone", "content": f"called {mark}", "next_at": "2020-01-01T09:00",
        "plan": f"plan {mark}"})).status_code == 303
    lead = _id(await manager.post("/leads/", data={
        "surname": mark, "first_name": "Jan", "phone": phone, "email": email, "model": "Peugeot 408",
        "source": "phone", "request_type": "pre_order", "confirm_duplicate": "1", "note": f"lead {mark}"}))
    for entity, entity_id in (("leads.lead", lead), ("customers.customer", customer)):
        r = await manager.post(f"/timeline/{entity}/{entity_id}/comments", data={"text": f"comment {mark}"})
        assert r.status_code in (200, 303), r.text[:300]
    deal = _id(await manager.post("/deals/", data={"title": f"deal {mark}", "customer_id": str(customer)}))
    assert (await manager.get(f"/deals/{deal}")).status_code == 200
    assert (await manager.post("/notes/", data={"title": f"note {mark}"})).status_code in (200, 302, 303)
    assert (await admin.post("/leads/settings", data={"round_robin": "1"})).status_code == 303
    r = await admin.post("/leads/settings/keys", data={"name": f"key {mark}"})
    assert r.status_code == 303, r.text[:300]
    key = re.search(r'id="new-key">([^<]+)</code>', (await admin.get("/leads/settings")).text).group(1)
    r = await anon.post("/leads/api/intake", headers={"authorization": f"Bearer {key}"}, json={
        "surname": mark, "first_name": "Eva", "phone": phone, "model": "Peugeot 208", "external_id": mark})
    assert r.status_code in (200, 201), r.text[:300]
    keeper = await client_as(dealer, "storekeeper")
    assert (await keeper.post("/orders/catalogue/warehouses", data={"name": f"store {mark}"})).status_code == 303
    warehouse = (await keeper.get("/orders/catalogue/warehouses")).text.split('data-warehouse="')[1].split('"')[0]
    product = _id(await keeper.post("/orders/catalogue/", data={
        "kind": "vehicle", "sku": f"SKU-{mark}", "name": f"car {mark}", "model": f"model {mark}", "active": "1"}))
    r = await keeper.post(f"/orders/catalogue/{product}/stock", data={"warehouse_id": warehouse, "quantity": "2"})
    assert r.status_code == 303, r.text[:300]
    order = _id(await manager.post("/orders/", data={
        "action": "save", "contact_name": f"buyer {mark}", "contact_email": email, "customer_id": str(customer),
        "manager_id": str(dealer.users["manager"].id), "warehouse_id": warehouse, "waybill": f"WB-{mark}",
        "payment_method": "bank_transfer", "legal_name": f"legal {mark}", "note": f"order {mark}",
        "lines-0-product_id": str(product), "lines-0-quantity": "1"}))
    assert (await manager.post(f"/workflow/orders.order/{order}/confirm", data={"_state": "new"})).status_code == 303
    assert (await admin.post("/orders/settings", data={"approval_amount": "1000000"})).status_code == 303
    r = await keeper.post("/orders/catalogue/import", files={"file": (f"{mark}.csv", (
        f"sku,name,kind,warehouse,quantity\nIMP-{mark},imported {mark},part,store {mark},1\n").encode())})
    assert r.status_code == 303, r.text[:300]  # an upload waiting for its confirmation (orders_import)
    from fc_extra.tables import Mark

    await Mark.scoped(dealer.id).insert(label=f"mark {mark}")
    await User.update({User.full_name: f"{mark} Person"}).where(User.dealer_id == dealer.id)


@pytest.fixture
async def all_modules_dealer(make_dealer, forecourt_registry):
    async def make():
        return await make_dealer(modules=list(forecourt_registry.names))

    return make


async def test_no_dealer_reaches_another_dealers_rows(forecourt_registry, all_modules_dealer, client_as, anon,
                                                        capsys):
    app, tables = installed(forecourt_registry)
    a, b = await all_modules_dealer(), await all_modules_dealer()
    await seed(a, client_as, anon, marker())
    b_mark = marker()
    await seed(b, client_as, anon, b_mark)
    unfilled = await fill_empty(tables, b.id, f"{b_mark} filled")
    rows = await snapshot(tables, b.id)
    empty = sorted(t for t, r in rows.items() if not r)
    assert not unfilled and not empty, (unfilled, empty)  # every table of B is in the matrix
    clients = {role: await client_as(a, role) for role in ROLES}
    started = time.monotonic()
    report = await check_isolation(app, clients, victim=b.id, tables=tables, markers=[b_mark])
    with capsys.disabled():
        print(f"\n\nTenant isolation matrix ({', '.join(ROLES)} of dealer {a.id} against dealer {b.id}, "
              f"{sum(map(len, rows.values()))} rows of B in {len(rows) - len(empty)} tables; "
              f"without rows: {', '.join(empty) or 'none'}; {time.monotonic() - started:.1f} s):")
        print(report.matrix())
    assert report.ok, report.text()
    assert set(report.tried) == {f"{r.method:<6} {r.path}" for r in app_routes(app)}  # every route was asked


class ForgedCsrf:
    """A logged-in client whose writes carry a CSRF token the app refuses."""

    def __init__(self, client) -> None:
        self.client = client

    async def get(self, url: str, **kwargs):
        return await self.client.get(url, **kwargs)

    async def request(self, method: str, url: str, **kwargs):
        kwargs["headers"] = {**(kwargs.get("headers") or {}), "x-csrftoken": "forged"}
        return await self.client.request(method, url, **kwargs)


@pytest.mark.allow_server_errors
async def test_the_check_flags_a_route_that_trusts_the_id(forecourt_registry, make_dealer, client_as):
    """fc_extra's leaky routes (marked exempt, so the matrix above skips them) are what it must catch.

    A read and a write that trust the id in the path, a write that trusts the id in its form's
    field (the form is on A's page, the check puts B's id in it), and a route that fails.
    """
    from fc_extra.tables import Mark

    app, tables = installed(forecourt_registry)
    routes = [r for r in app_routes(app, exempt=True) if r.path.startswith("/extra/")]
    assert {(r.method, r.path) for r in routes} >= {
        ("GET", "/extra/marks/{mark_id:int}"), ("POST", "/extra/marks/{mark_id:int}"), ("POST", "/extra/relabel")}
    a, b = await make_dealer(modules=["extra"]), await make_dealer(modules=["extra"])
    await Mark.scoped(a.id).insert(label="A's own")
    mark = marker()
    await Mark.scoped(b.id).insert(label=mark)
    client = await client_as(a, "manager")
    in_path, in_form = ([r for r in routes if ("relabel" in r.path) == form] for form in (False, True))
    report = await check_isolation(app, {"manager": client}, victim=b.id, routes=in_path, tables=tables,
                                   markers=[mark])
    text = report.text()
    assert f"GET /extra/marks/{(await Mark.scoped(b.id).select().first())['id']} as manager: the answer shows " \
           f"dealer {b.id}'s {mark.lower()!r}" in text, text
    assert f"POST /extra/marks/{{mark_id:int}} as manager changed dealer {b.id}'s data: extra_mark row" in text, text
    assert "GET /extra/boom as manager: answered 500" in text, text
    # a route the path check passes (no id in its path): B's id goes into the form A's page has for it
    await Mark.update({Mark.label: mark}).where(Mark.dealer_id == b.id)  # as before the first run
    report = await check_isolation(app, {"manager": client}, victim=b.id, routes=in_form + [
        r for r in routes if r.path == "/extra/marks"], tables=tables, markers=[mark])
    assert report.tried["POST   /extra/relabel"] >= 1
    text = report.text()
    assert f"POST /extra/relabel as manager changed dealer {b.id}'s data: extra_mark row" in text, text
    # a client whose CSRF token the app refuses makes every write a 403: the check must not pass for that
    report = await check_isolation(app, {"manager": ForgedCsrf(client)}, victim=b.id, routes=in_form, tables=tables,
                                   markers=[mark])
    assert "no unsafe request was accepted" in report.text(), report.text()
    # B's own row (modules, time zone, currency) is in the snapshot too
    before = await snapshot(tables, b.id)
    await Dealer.update({Dealer.city: "Elsewhere"}).where(Dealer.id == b.id)
    assert changes(before, await snapshot(tables, b.id)) == [
        f"core_dealer row {b.id} changed: city 'Testville' -> 'Elsewhere'"]
