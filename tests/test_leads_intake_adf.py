"""ADF/XML leads: the specification's own examples, a portal's full document, several prospects, encodings.

The documents are files under tests/adf/ (spec_minimal.xml and
spec_complete.xml are the ADF 1.0 specification's examples and element
reference; the others are what portals send). Every test runs on SQLite and
on PostgreSQL.
"""

import asyncio
from pathlib import Path

from plugins.leads.tables import IntakeLead, Lead
from tests.test_leads_intake import PROBLEM, make_key

ADF = Path(__file__).parent / "adf"
XML = {"content-type": "application/xml"}


async def _auth(make_dealer, client_as, language="en", per_minute=200):
    dealer = await make_dealer(modules=["leads"])
    if language != "en":
        from core.tables import Dealer

        await Dealer.update({Dealer.language: language, Dealer.currency: "CZK"}).where(Dealer.id == dealer.id)
    admin = await client_as(dealer, "dealer_admin")
    return dealer, admin, {"authorization": f"Bearer {await make_key(admin, per_minute=per_minute)}", **XML}


async def test_the_specifications_examples_are_taken(make_dealer, client_as, anon):
    dealer, admin, auth = await _auth(make_dealer, client_as, "cs")
    r = await anon.post("/leads/api/intake/adf", content=(ADF / "spec_minimal.xml").read_bytes(), headers=auth)
    assert r.status_code == 201, r.text  # a US number a Czech dealer cannot read: kept as sent, flagged
    assert "393-999-3922" in r.json()["notes"][0]
    row = await Lead.scoped(dealer.id).get(r.json()["id"])
    assert (row.surname, row.first_name, row.phone, row.model) == ("Doe", "John", "393-999-3922", "Chevrolet Blazer")
    card = await admin.get(f"/leads/{row.id}")
    assert "393-999-3922" in card.text and "Acura of Bellevue" in card.text and "1999" in card.text

    r = await anon.post("/leads/api/intake/adf", content=(ADF / "spec_complete.xml").read_bytes(), headers=auth)
    assert r.status_code == 201, r.text
    row = await Lead.scoped(dealer.id).get(r.json()["id"])
    assert (row.surname, row.first_name, row.email, row.model, row.trim, row.city, row.request_type) == (
        "Doe", "John Q", "jdoe@example.com", "Acura Integra", "GS-R", "Bellevue", "used_car")
    assert row.price is None  # quoted in USD, the dealer counts in CZK: kept with the details
    assert "Please contact me by e-mail." in row.note and row.external_ref == "24020"
    card = (await admin.get(f"/leads/{row.id}")).text
    for shown in ("JH4DC4360SS001610", "100 Main Street, Suite 2, 98004 Bellevue, WA, US", "Within 30 days",
                  "AcuraZone, Online price quotes", "18995 USD", "34000 mi", "Sunroof", "Must have sunroof"):
        assert shown in card, shown
    assert "&lt;optionname&gt;Sunroof" in card  # the document itself is kept with the lead


async def test_a_portals_document_is_mapped_field_by_field(make_dealer, client_as, anon):
    dealer, admin, auth = await _auth(make_dealer, client_as, "cs")
    r = await anon.post("/leads/api/intake/adf", content=(ADF / "portal_trade_in_first.xml").read_bytes(),
                        headers=auth)
    assert r.status_code == 201, r.text
    row = await Lead.scoped(dealer.id).get(r.json()["id"])
    assert (row.surname, row.first_name) == ("Nováková", "Eva")  # "Nováková, Eva": surname first
    assert (row.model, row.trim, row.request_type) == ("Peugeot 2008", "GT", "test_drive")  # not the trade-in
    assert row.phone == "+420 602 111 222"  # the empty fax and the fax number passed over
    assert row.note == "Hello bold world" and row.city == "Praha" and float(row.price) == 1049900
    record = await IntakeLead.scoped(dealer.id).select().where(IntakeLead.lead_id == row.id).first()
    assert (record["key_id"] > 0, record["id_source"], record["external_id"], record["format"]) == (
        True, "AutoPortal", "AP-77", "adf")
    card = (await admin.get(f"/leads/{row.id}")).text
    for shown in ("2016 Škoda Fabia; VIN TMBEG45J0G3012345; 98000 km", "Within two weeks", "AutoPortal, Test drives",
                  "Vinohradská 12, 120 00 Praha", "+420 222 333 444 (fax)"):
        assert shown in card, shown


async def test_every_prospect_of_a_document_is_taken_and_answered(make_dealer, client_as, anon):
    dealer, _admin, auth = await _auth(make_dealer, client_as)
    r = await anon.post("/leads/api/intake/adf", content=(ADF / "several_prospects.xml").read_bytes(), headers=auth)
    assert r.status_code == 207, r.text
    results = r.json()["results"]
    assert [(x["prospect"], x["status"], x["created"]) for x in results] == [(1, 201, True), (2, 201, True),
                                                                           (3, 422, False)]
    assert "phone" in results[2]["errors"]
    assert {row["model"] for row in await Lead.scoped(dealer.id).select(Lead.model)} == {"Peugeot 208", "Peugeot 408"}
    again = await anon.post("/leads/api/intake/adf", content=(ADF / "several_prospects.xml").read_bytes(),
                            headers=auth)
    assert again.status_code == 207 and [x["status"] for x in again.json()["results"]] == [200, 200, 422]
    assert await Lead.scoped(dealer.id).count() == 2


async def test_ten_parallel_posts_of_one_adf_document_make_one_lead(make_dealer, client_as, anon):
    dealer, _admin, auth = await _auth(make_dealer, client_as)
    body = (ADF / "portal_trade_in_first.xml").read_bytes()
    answers = await asyncio.gather(*[anon.post("/leads/api/intake/adf", content=body, headers=auth)
                                     for _ in range(10)])
    assert sorted(r.status_code for r in answers) == [200] * 9 + [201], [r.text[:200] for r in answers]
    assert await Lead.scoped(dealer.id).count() == 1


async def test_a_resend_and_an_id_from_another_source(make_dealer, client_as, anon):
    dealer, admin, auth = await _auth(make_dealer, client_as)
    first = (ADF / "portal_trade_in_first.xml").read_text()
    made = (await anon.post("/leads/api/intake/adf", content=first.encode(), headers=auth)).json()
    resend = first.replace("<prospect>", '<prospect status="resend">').replace(
        "+420 602 111 222", "+420 602 999 888").replace("Hello <b>bold</b> world", "Now after six")
    r = await anon.post("/leads/api/intake/adf", content=resend.encode(), headers=auth)
    assert r.status_code == 200 and r.json()["id"] == made["id"] and r.json()["updated"] == ["phone", "note"]
    row = await Lead.scoped(dealer.id).get(made["id"])
    assert (row.phone, row.note) == ("+420 602 999 888", "Now after six")
    assert "+420 602 999 888" in (await admin.get(f"/leads/{row.id}")).text
    other = first.replace('source="AutoPortal">AP-77', 'source="OtherPortal">AP-77')
    r = await anon.post("/leads/api/intake/adf", content=other.encode(), headers=auth)
    assert r.status_code == 201 and r.json()["id"] != made["id"]  # the same id of another source is a new lead


async def test_unreadable_details_never_drop_a_reachable_lead(make_dealer, client_as, anon):
    _dealer, _admin, auth = await _auth(make_dealer, client_as)

    def doc(n, price="", phones="", email=""):
        return (f'<adf><prospect><id source="T">U-{n}</id><vehicle><make>Peugeot</make><model>308</model>'
                f'<price>{price}</price></vehicle><customer><contact><name part="full">Eva Nová</name>{phones}'
                f'{email}</contact></customer><vendor><vendorname>A</vendorname></vendor></prospect></adf>').encode()

    for n, price in enumerate(("25,000.00", "1 049 900 Kč", "EUR 24.500,50")):
        r = await anon.post("/leads/api/intake/adf", content=doc(n, price, email="<email>e@example.com</email>"),
                            headers=auth)
        assert r.status_code == 201 and r.json()["notes"] == [], (price, r.text)
    r = await anon.post("/leads/api/intake/adf", content=doc(9, "call us", email="<email>e@example.com</email>"),
                        headers=auth)
    assert r.status_code == 201 and "could not be read" in r.json()["notes"][0]
    r = await anon.post("/leads/api/intake/adf", content=doc(10, phones='<phone type="fax"></phone><phone>12</phone>',
                                                             email="<email>not-an-address</email>"), headers=auth)
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM  # nobody to call or write to
    assert len(r.json()["notes"]) == 2


async def test_encodings_the_way_rfc_7303_orders_them(make_dealer, client_as, anon):
    dealer, _admin, auth = await _auth(make_dealer, client_as)
    latin2 = (ADF / "latin2_no_declaration.xml").read_bytes()
    r = await anon.post("/leads/api/intake/adf", content=latin2, headers=auth)
    assert r.status_code == 400 and "utf-8" in r.json()["detail"].lower()  # not UTF-8, and nothing says otherwise
    r = await anon.post("/leads/api/intake/adf", content=latin2, headers={
        **auth, "content-type": "application/xml; charset=ISO-8859-2"})
    assert r.status_code == 201, r.text
    row = await Lead.scoped(dealer.id).get(r.json()["id"])
    assert (row.surname, row.first_name, row.model, row.note) == ("Černý", "Jiří", "Škoda Octavia", "Žluťoučký kůň")
    declared = b'<?xml version="1.0" encoding="ISO-8859-2"?>' + latin2.replace(b"L2-1", b"L2-2")
    assert (await anon.post("/leads/api/intake/adf", content=declared, headers=auth)).status_code == 201
    utf16 = latin2.decode("iso-8859-2").replace("L2-1", "L2-3").encode("utf-16")  # with its byte order mark
    assert (await anon.post("/leads/api/intake/adf", content=utf16, headers=auth)).status_code == 201
    assert (await anon.post("/leads/api/intake/adf", content=latin2, headers={
        **auth, "content-type": "text/xml; charset=x-klingon"})).status_code == 400


async def test_what_is_not_adf_is_refused_with_where_and_why(make_dealer, client_as, anon):
    dealer, admin, auth = await _auth(make_dealer, client_as)
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><adf>&b;</adf>'
    for body, code in ((b"<adf><prospect>", "malformed"), (b"<html></html>", "not-adf"), (bomb, "malformed"),
                       (b"<adf></adf>", "not-adf")):
        r = await anon.post("/leads/api/intake/adf", content=body, headers=auth)
        assert r.status_code == 400 and r.json()["type"] == f"/leads/api/problems/{code}", (body, r.text)
    many = b"<adf>" + b"<prospect/>" * 101 + b"</adf>"
    assert (await anon.post("/leads/api/intake/adf", content=many, headers=auth)).status_code == 413
    # a dealer that switched leads off accepts nothing, whatever its keys
    await admin.post(f"/admin/dealers/{dealer.id}/modules/leads/disable")
    r = await anon.post("/leads/api/intake/adf", content=(ADF / "spec_minimal.xml").read_bytes(), headers=auth)
    assert r.status_code == 403 and "switched off" in r.json()["title"]
