"""The customers plugin over real HTTP, on both engines."""

import asyncio
import re

from plugins.customers import services
from plugins.customers.tables import Customer

VALID = {"name": "Jan Novák", "phone": "+420 601 234 567", "source": "walk_in"}


async def create(client, **values) -> int:
    r = await client.post("/customers/", data={**VALID, **values})
    assert r.status_code == 303, r.text[:800]
    return int(r.headers["location"].rsplit("/", 1)[1])


async def test_required_fields_and_clear_messages(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"])
    manager = await client_as(dealer, "manager")
    r = await manager.post("/customers/", data={"name": "", "phone": "", "email": "jan@"})
    assert r.status_code == 422
    for message in ("Enter the customer&#39;s name", "Enter a phone number.", "Choose where the customer came from.",
                    "Enter a valid e-mail address."):
        assert message in r.text
    r = await manager.post("/customers/", data={**VALID, "phone": "12", "tax_id": "7707083894",
                                                "discount_pct": "120", "budget_min": "900000",
                                                "budget_max": "500000", "contact_person": "Kept Input"})
    assert r.status_code == 422
    assert "This is not a valid phone number" in r.text and "INN fails its check digits" in r.text
    assert "between 0 and 100" in r.text and "upper end of the budget" in r.text
    assert 'value="Kept Input"' in r.text  # the form keeps what was typed
    assert await Customer.scoped(dealer.id).count() == 0
    customer_id = await create(manager, tax_id="7707083893", discount_pct="7,5", email="Jan@Example.com")
    row = await Customer.scoped(dealer.id).get(customer_id)
    assert row.phone == "+420 601 234 567" and row.email == "jan@example.com" and float(row.discount_pct) == 7.5
    assert row.number == 1 and row.status == "potential"


async def test_numbers_are_unique_under_concurrent_creation(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"])
    clients = [await client_as(dealer, role) for role in ("manager", "dealer_admin")]
    results = await asyncio.gather(*[
        clients[i % 2].post("/customers/", data={**VALID, "name": f"Customer {i}", "phone": f"+420 601 000 {i:03d}"})
        for i in range(24)])
    assert [r.status_code for r in results] == [303] * 24
    numbers = [r["number"] for r in await Customer.scoped(dealer.id).select(Customer.number)]
    assert sorted(numbers) == list(range(1, 25))
    other = await make_dealer(modules=["customers"])
    other_manager = await client_as(other, "manager")
    first = await create(other_manager)
    assert (await Customer.scoped(other.id).get(first)).number == 1  # numbering is per dealer


async def test_duplicates_are_flagged_before_saving(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"])
    manager = await client_as(dealer, "manager")
    first = await create(manager, email="jan@example.com")
    # same phone typed differently
    r = await manager.post("/customers/", data={**VALID, "name": "Someone Else", "phone": "00420601234567"})
    assert r.status_code == 409 and "already exists" in r.text and f'href="/customers/{first}"' in r.text
    r = await manager.post("/customers/duplicates", data={"email": "JAN@example.com"})
    assert f'href="/customers/{first}"' in r.text
    r = await manager.post("/customers/duplicates", data={"name": "jan novák", "exclude": str(first)})
    assert "customers/" not in r.text  # the customer being edited is not its own duplicate
    r = await manager.post("/customers/", data={**VALID, "name": "Jan Novák jr.", "confirm_duplicate": "1"})
    assert r.status_code == 303


async def test_search_by_name_phone_email_and_number_any_case_and_format(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"])
    dealer.language = "ru"
    manager = await client_as(dealer, "manager")
    smirnov = await create(manager, name="Иван Смирнов", phone="+7 (916) 123-45-67", email="ivan@mail.example")
    muller = await create(manager, name="Jürgen Müller", phone="+420 777 888 999")
    await create(manager, name="Petr Dvořák", phone="+420 605 111 222")
    number = (await Customer.scoped(dealer.id).get(muller)).number

    async def found(q) -> set[int]:
        r = await manager.get("/customers/", params={"q": q, "view": "list"})
        return {int(x) for x in re.findall(r'<tr data-customer="(\d+)"', r.text)}

    assert await found("смирнов") == {smirnov}  # surname first word of the other order, lower case
    assert await found("ИВАН") == {smirnov}
    assert await found("MÜLLER") == {muller} and await found("muller") == {muller}
    assert await found("dvorak") == await found("Dvořák")
    assert await found("+7 916 123-45-67") == {smirnov}
    assert await found("1234567") == {smirnov}
    assert await found("ivan@mail") == {smirnov}
    assert await found(f"#{number}") == {muller}
    assert await found("nobody") == set()


async def test_filters_combine_and_sections(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"])
    manager = await client_as(dealer, "manager")
    hot_potential = await create(manager, name="Hot Potential", temperature="hot")
    await create(manager, name="Cold Potential", phone="+420 601 234 568", temperature="cold")
    await create(manager, name="Hot Current", phone="+420 601 234 569", temperature="hot", status="current")
    r = await manager.get("/customers/", params={"status": "potential", "temperature": "hot"})
    assert re.findall(r'data-customer="(\d+)"', r.text) == [str(hot_potential)]
    cards = await manager.get("/customers/")
    current, potential = cards.text.split('data-section="potential"')
    assert "Hot Current" in current and "Hot Potential" in potential and "Cold Potential" in potential


async def test_notes_sorted_by_priority_then_newest_edit_and_delete(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"])
    manager = await client_as(dealer, "manager")
    customer_id = await create(manager)
    for text, priority in (("plain old", 0), ("medium", 1), ("urgent old", 2), ("plain new", 0), ("urgent new", 2)):
        assert (await manager.post(f"/customers/{customer_id}/notes",
                                   data={"text": text, "priority": str(priority)})).status_code == 303
    card = await manager.get(f"/customers/{customer_id}")
    order = re.findall(r'<div class="note-text">([^<]+)</div>', card.text)
    assert order == ["urgent new", "urgent old", "medium", "plain new", "plain old"]
    note_id = int(re.search(r'data-note="(\d+)" data-priority="0"', card.text).group(1))
    r = await manager.post(f"/customers/{customer_id}/notes/{note_id}", data={"text": "now urgent", "priority": "2"})
    assert r.status_code == 303
    r = await manager.post(f"/customers/{customer_id}/notes/{note_id}/delete", data={})
    assert r.status_code == 422  # deleting asks for confirmation
    assert (await manager.post(f"/customers/{customer_id}/notes/{note_id}/delete",
                               data={"confirm": "1"})).status_code == 303
    card = await manager.get(f"/customers/{customer_id}")
    assert "now urgent" not in card.text and len(re.findall(r'class="note-text"', card.text)) == 4


async def test_followup_becomes_a_reminder_on_the_owners_home(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"])
    manager = await client_as(dealer, "manager")
    customer_id = await create(manager, name="Petra Svobodová")
    r = await manager.post(f"/customers/{customer_id}/followups", data={"method": "phone", "content": ""})
    assert r.status_code == 422 and "Describe what was said or done." in r.text
    r = await manager.post(f"/customers/{customer_id}/followups", data={
        "method": "phone", "content": "Interested in the Enyaq", "next_at": "2020-01-01T09:00",
        "plan": "send the offer"})
    assert r.status_code == 303
    home = await manager.get("/")
    assert f'href="/customers/{customer_id}">Follow up with Petra Svobodová: send the offer' in home.text
    card = await manager.get(f"/customers/{customer_id}")
    assert "Follow-up by Phone" in card.text and "Interested in the Enyaq" in card.text  # in the timeline
    overdue = await manager.get("/customers/", params={"followup": "overdue", "view": "list"})
    assert f'data-customer="{customer_id}"' in overdue.text


async def test_blacklist_needs_a_reason_and_shows_everywhere(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"])
    manager = await client_as(dealer, "manager")
    customer_id = await create(manager)
    r = await manager.post(f"/customers/{customer_id}/blacklist", data={"blacklisted": "1", "reason": " "})
    assert r.status_code == 422 and "Say why the customer is blacklisted." in r.text
    assert not await services.is_blacklisted(dealer.id, customer_id)
    r = await manager.post(f"/customers/{customer_id}/blacklist", data={"blacklisted": "1", "reason": "Unpaid invoice"})
    assert r.status_code == 303
    assert await services.is_blacklisted(dealer.id, customer_id)
    card = await manager.get(f"/customers/{customer_id}")
    assert 'data-blacklisted="true"' in card.text and "Unpaid invoice" in card.text
    assert "Put on the blacklist" in card.text  # in the timeline
    listing = await manager.get("/customers/")
    assert 'data-blacklisted="true"' in listing.text
    storekeeper = await client_as(dealer, "storekeeper")
    assert (await storekeeper.post(f"/customers/{customer_id}/blacklist",
                                   data={"blacklisted": "0"})).status_code == 403


async def test_hook_customers_blacklist_changed_reaches_enabled_plugins_only(make_dealer, client_as):
    from fc_deals.tables import Heard

    dealer = await make_dealer(modules=["customers", "deals"])
    without = await make_dealer(modules=["customers"])
    for d in (dealer, without):
        manager = await client_as(d, "manager")
        customer_id = await create(manager)
        assert (await manager.post(f"/customers/{customer_id}/blacklist",
                                   data={"blacklisted": "1", "reason": "Unpaid invoice"})).status_code == 303
        assert (await manager.post(f"/customers/{customer_id}/blacklist", data={"blacklisted": "0"})).status_code == 303
        heard = await Heard.scoped(d.id).select(Heard.detail).where(Heard.hook == "customers_blacklist_changed"
                                                                    ).order_by(Heard.id)
        expected = [f"{customer_id}:True:Unpaid invoice", f"{customer_id}:False:"] if d is dealer else []
        assert [h["detail"] for h in heard] == expected


async def test_invalid_customers_are_hidden_but_an_admin_can_find_them(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"])
    manager = await client_as(dealer, "manager")
    customer_id = await create(manager, name="Duplicate Entry")
    assert (await manager.post(f"/customers/{customer_id}/invalid", data={"invalid": "1"})).status_code == 303
    assert "Duplicate Entry" not in (await manager.get("/customers/")).text
    assert "Duplicate Entry" not in (await manager.get("/customers/", params={"q": "duplicate"})).text
    admin = await client_as(dealer, "dealer_admin")
    r = await admin.get("/customers/", params={"q": "duplicate", "invalid": "1"})
    assert f'data-customer="{customer_id}"' in r.text
    assert (await manager.get(f"/customers/{customer_id}")).status_code == 200  # kept with everything


async def test_hook_customers_held_records_refuse_a_delete_while_another_plugin_holds_records(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers", "deals"])
    manager = await client_as(dealer, "manager")
    admin = await client_as(dealer, "dealer_admin")
    customer_id = await create(manager)
    r = await manager.post("/deals/", data={"title": "Octavia", "customer_id": str(customer_id)})
    assert r.status_code == 303
    assert (await manager.get(f"/customers/{customer_id}/delete")).status_code == 403  # managers do not delete
    page = await admin.get(f"/customers/{customer_id}/delete")
    assert "Deals</a>: 1" in page.text
    r = await admin.post(f"/customers/{customer_id}/delete", data={"confirm": "1"})
    assert r.status_code == 409 and "Deals</a>: 1" in r.text
    assert await Customer.scoped(dealer.id).get(customer_id) is not None
    r = await admin.post(f"/customers/{customer_id}/delete", data={"confirm": "1", "cascade": "1"})
    assert r.status_code == 303
    assert await Customer.scoped(dealer.id).get(customer_id) is None
    deals = await admin.get("/deals/")
    assert "Octavia" not in deals.text
    lonely = await create(manager, phone="+420 601 234 599")
    assert (await admin.post(f"/customers/{lonely}/delete", data={})).status_code == 422  # must confirm
    assert (await admin.post(f"/customers/{lonely}/delete", data={"confirm": "1"})).status_code == 303


async def test_card_shows_panels_of_enabled_plugins_only(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers", "deals"])
    manager = await client_as(dealer, "manager")
    customer_id = await create(manager)
    await manager.post("/deals/", data={"title": "Kodiaq for the family", "customer_id": str(customer_id)})
    card = await manager.get(f"/customers/{customer_id}")
    assert 'data-plugin="deals"' in card.text and "Kodiaq for the family" in card.text
    admin = await client_as(dealer, "dealer_admin")
    await admin.post(f"/admin/dealers/{dealer.id}/modules/deals/disable")
    card = await manager.get(f"/customers/{customer_id}")
    assert card.status_code == 200 and 'data-plugin="deals"' not in card.text


async def test_status_change_is_one_click_and_in_the_history(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"])
    manager = await client_as(dealer, "manager")
    customer_id = await create(manager)
    r = await manager.post(f"/workflow/customers.customer/{customer_id}/convert", data={"_state": "potential"})
    assert r.status_code == 303
    assert (await Customer.scoped(dealer.id).get(customer_id)).status == "current"
    r = await manager.post(f"/customers/{customer_id}/edit", data={**VALID, "status": "potential",
                                                                  "temperature": "cold"})
    assert r.status_code == 303  # the form has no status field: a posted status is not taken
    row = await Customer.scoped(dealer.id).get(customer_id)
    assert row.status == "current" and row.temperature == "cold"
    assert "Became a customer" in (await manager.get(f"/customers/{customer_id}")).text


async def test_other_dealers_and_disabled_module_see_nothing(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"])
    manager = await client_as(dealer, "manager")
    customer_id = await create(manager)
    other = await make_dealer(modules=["customers"])
    stranger = await client_as(other, "manager")
    assert (await stranger.get(f"/customers/{customer_id}")).status_code == 404
    assert (await stranger.post(f"/customers/{customer_id}/notes", data={"text": "x"})).status_code == 404
    without = await make_dealer(modules=[])
    outsider = await client_as(without, "manager")
    assert (await outsider.get("/customers/")).status_code == 404
