"""Leads from other systems: per-source keys, the JSON intake API and ADF/XML."""

import re

from core.tables import History
from plugins.leads.tables import IntakeKey, Lead

ADF = """<?xml version="1.0"?>
<?adf version="1.0"?>
<adf><prospect>
  <id sequence="1" source="portal">P-778</id>
  <requestdate>2026-11-30T10:00:00+01:00</requestdate>
  <vehicle interest="buy" status="used"><year>2023</year><make>Peugeot</make><model>3008</model>
    <trim>Allure</trim><price type="asking">24500</price></vehicle>
  <customer><contact><name part="first">Tereza</name><name part="last">Malá</name>
    <email>tereza@example.com</email><phone type="voice">+420 602 111 222</phone></contact>
    <comments>Trade-in possible</comments></customer>
  <vendor><vendorname>Autosalon</vendorname></vendor>
</prospect></adf>"""


async def make_key(admin, name="Portal") -> str:
    r = await admin.post("/leads/settings/keys", data={"name": name})
    assert r.status_code == 201
    return re.search(r'<code class="new-key">([^<]+)</code>', r.text).group(1)


async def test_a_portal_sends_json_leads_with_its_own_revocable_key(make_dealer, client_as, anon):
    dealer = await make_dealer(modules=["leads"])
    admin = await client_as(dealer, "dealer_admin")
    key = await make_key(admin, "AutoScout24")
    stored = await IntakeKey.scoped(dealer.id).select().first()
    assert key.startswith("fcl_") and key not in str(stored) and stored["prefix"] == key[:10]  # only a hash kept
    assert key not in (await admin.get("/leads/settings")).text  # shown once
    auth = {"authorization": f"Bearer {key}"}
    lead = {"surname": "Král", "first_name": "Jiří", "phone": "+420 603 555 444", "model": "Peugeot 208",
            "external_id": "AS-1"}
    r = await anon.post("/leads/api/intake", json=lead, headers=auth)
    assert r.status_code == 201 and r.json()["created"] is True
    lead_id = r.json()["id"]
    row = await Lead.scoped(dealer.id).get(lead_id)
    assert row.status == "new" and row.source == "import" and row.assignee_id is None and row.surname == "Král"
    again = await anon.post("/leads/api/intake", json=lead, headers=auth)  # the portal retries
    assert again.status_code == 200 and again.json() == {"status": 200, "id": lead_id, "created": False}
    assert await Lead.scoped(dealer.id).count() == 1
    history = await History.select(History.summary).where(
        (History.dealer_id == dealer.id) & (History.entity_id == lead_id) & (History.entity == "leads.lead"))
    assert any("AutoScout24" in h["summary"] for h in history)

    r = await anon.post("/leads/api/intake", json={"first_name": "X", "phone": "12"}, headers=auth)
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert errors["surname"] == "Enter the customer's surname." and "phone" in errors and "model" in errors
    assert (await anon.post("/leads/api/intake", content=b"[1, 2", headers=auth)).status_code == 400
    for bad in ({}, {"authorization": "Bearer fcl_nope"}, {"x-api-key": key[:-2]}):
        r = await anon.post("/leads/api/intake", json=lead, headers=bad)
        assert r.status_code == 401 and "intake key" in r.json()["error"]
    assert (await anon.post("/leads/api/intake", json={**lead, "external_id": "AS-2"},
                            headers={"x-api-key": key})).status_code == 201  # the other header works too

    stored = await IntakeKey.scoped(dealer.id).select().first()
    assert (await admin.post(f"/leads/settings/keys/{stored['id']}/revoke")).status_code == 303
    r = await anon.post("/leads/api/intake", json={**lead, "external_id": "AS-3"}, headers=auth)
    assert r.status_code == 401 and await Lead.scoped(dealer.id).count() == 2
    manager = await client_as(dealer, "manager")
    assert (await manager.post("/leads/settings/keys", data={"name": "mine"})).status_code == 403


async def test_adf_xml_leads_and_what_is_refused(make_dealer, client_as, anon):
    dealer = await make_dealer(modules=["leads"])
    admin = await client_as(dealer, "dealer_admin")
    auth = {"authorization": f"Bearer {await make_key(admin)}", "content-type": "application/xml"}
    r = await anon.post("/leads/api/intake/adf", content=ADF.encode(), headers=auth)
    assert r.status_code == 201, r.text
    row = await Lead.scoped(dealer.id).get(r.json()["id"])
    assert (row.surname, row.first_name, row.email, row.model, row.trim) == (
        "Malá", "Tereza", "tereza@example.com", "Peugeot 3008", "Allure")
    assert row.request_type == "used_car" and float(row.price) == 24500 and row.external_ref == "P-778"
    assert "Trade-in possible" in row.note
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><adf>&b;</adf>'
    for body in (b"<adf><prospect>", b"<html></html>", bomb):
        r = await anon.post("/leads/api/intake/adf", content=body, headers=auth)
        assert r.status_code == 400 and "ADF" in r.json()["error"]
    # a dealer that switched leads off accepts nothing, whatever its keys
    await admin.post(f"/admin/dealers/{dealer.id}/modules/leads/disable")
    r = await anon.post("/leads/api/intake/adf", content=ADF.replace("P-778", "P-779").encode(), headers=auth)
    assert r.status_code == 403 and "switched off" in r.json()["error"]
