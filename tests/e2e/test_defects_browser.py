"""Defects from the user trial (issue 9, item 4) as a person sees them, in a real browser."""

import datetime as dt
import re

from playwright.async_api import Browser, Page, expect
from test_browser import log_in

LEAD = {"surname": "Novák", "first_name": "Jan", "phone": "+420 601 234 567", "model": "Peugeot 408",
        "source": "phone", "request_type": "pre_order", "confirm_duplicate": "1"}


async def new_lead(client, **values) -> int:
    """A lead saved through the "+ New" form over HTTP (the browser then opens its card)."""
    r = await client.post("/leads/", data={**LEAD, **values})
    assert r.status_code == 303, r.text[:800]
    return int(r.headers["location"].rsplit("/", 1)[1])


async def test_discard_says_the_model_is_required_for_bought_another_car(page: Page, make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"], roles=("manager",))
    lead_id = await new_lead(await client_as(dealer, "manager"))
    manager = dealer.users["manager"]
    await log_in(page, manager.login, manager.password)
    await page.goto(f"/leads/{lead_id}")
    workflow = page.locator(".workflow")
    await workflow.locator("summary", has_text="Discard").click()
    discard = workflow.locator('details[data-transition="discard"]')
    label = discard.locator('label[for="a-discard-model"]')
    await expect(label).to_have_text(re.compile(r"Which model\s+\(required for “Bought another car”\)"))
    reason = discard.locator("#a-discard-reason")
    await reason.select_option("Bought another car")
    await expect(label).to_have_text(re.compile(r"Which model\s+\(required\)$"))
    await expect(discard.locator("#a-discard-model")).to_have_attribute("required", "")
    await reason.select_option("Duplicate")
    await expect(label).to_have_text(re.compile(r"Which model\s+\(optional\)$"))
    await expect(discard.locator("#a-discard-model")).not_to_have_attribute("required", "")
    await reason.select_option("Bought another car")
    await discard.get_by_label("Details").fill("Bought at the competitor")
    await discard.get_by_role("button", name="Discard").click()
    # the browser does not send the form without the model
    await expect(page.locator(".workflow [data-state]")).to_have_text("New")
    await discard.locator("#a-discard-model").fill("Škoda Octavia")
    await discard.get_by_role("button", name="Discard").click()
    await expect(page.locator(".workflow [data-state]")).to_have_text("Discarded")


async def test_customer_delete_states_one_rule_and_shows_a_refusal(page: Page, make_dealer, client_as):
    dealer = await make_dealer(modules=["leads", "customers", "deals"], roles=("manager", "dealer_admin"))
    manager = await client_as(dealer, "manager")
    r = await manager.post("/customers/", data={"name": "Jan Novák", "phone": "+420 601 234 567",
                                                "source": "walk_in"})
    customer_id = int(r.headers["location"].rsplit("/", 1)[1])
    lead_id = await new_lead(manager, customer_id=str(customer_id))
    await manager.post("/deals/", data={"title": "Octavia", "customer_id": str(customer_id)})
    admin = dealer.users["dealer_admin"]
    await log_in(page, admin.login, admin.password)
    await page.goto(f"/customers/{customer_id}")
    await page.get_by_role("link", name="Delete…").click()
    await expect(page.locator('[data-held="kept"]')).to_have_text("Leads: 1")
    await expect(page.locator('[data-held="deleted"]')).to_have_text("Deals: 1")
    await expect(page.get_by_text("Kept, only unlinked from the customer:")).to_be_visible()
    # confirmed, but the deal's removal not ticked: refused, with the reason on the page
    await page.get_by_label("Yes, delete Jan Novák for good").check()
    await page.get_by_role("button", name="Delete for good").click()
    await expect(page.get_by_role("alert")).to_contain_text(
        "These records would be deleted with the customer: Deals (1)")
    await expect(page.get_by_label("Yes, delete Jan Novák for good")).to_be_checked()
    await page.get_by_label("Also delete these records").check()
    await page.get_by_role("button", name="Delete for good").click()
    await expect(page.get_by_text("Customer Jan Novák deleted.")).to_be_visible()
    # the lead is still there, no longer linked to anyone
    await page.goto(f"/leads/{lead_id}")
    await expect(page.get_by_role("heading", name="Novák Jan")).to_be_visible()
    await expect(page.locator(".customer-link")).to_have_count(0)


async def test_postpone_refuses_a_past_date_and_the_date_leaves_the_card_when_back(page: Page, make_dealer,
                                                                                  client_as):
    dealer = await make_dealer(modules=["leads"], roles=("manager",))
    lead_id = await new_lead(await client_as(dealer, "manager"))
    manager = dealer.users["manager"]
    await log_in(page, manager.login, manager.password)
    await page.goto(f"/leads/{lead_id}")
    workflow = page.locator(".workflow")
    await workflow.locator("summary", has_text="Postpone").click()
    postpone = workflow.locator('details[data-transition="postpone"]')
    past = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    # the picker's own check would stop a past day; a typed-in one must be refused by the server too
    await postpone.locator("#a-postpone-until").evaluate(
        "(el, day) => { el.removeAttribute('min'); el.value = day; }", past)
    await postpone.get_by_label("Comment").fill("Customer on holiday")
    await postpone.get_by_role("button", name="Postpone").click()
    await expect(page.locator(".field-error", has_text="Choose today or a later date.")).to_be_visible()
    await expect(page.get_by_label("Back on")).to_have_value(past)
    await expect(page.get_by_label("Comment")).to_have_value("Customer on holiday")
    later = dt.date.today() + dt.timedelta(days=10)
    await page.get_by_label("Back on").fill(later.isoformat())
    await page.get_by_role("button", name="Postpone").click()
    await expect(page.locator(".workflow [data-state]")).to_have_text("Postponed")
    await expect(page.get_by_text("Postponed until")).to_be_visible()
    await page.locator(".workflow").get_by_role("button", name="Back to new").click()
    await expect(page.locator(".workflow [data-state]")).to_have_text("New")
    await expect(page.get_by_text("Postponed until")).to_have_count(0)


async def pre_order_trims(page: Page) -> list[str]:
    return [t for t in await page.locator("#p-trim option").evaluate_all("els => els.map(e => e.value)") if t]


async def test_pre_order_trims_follow_the_version(browser: Browser, make_dealer, forecourt_server):
    dealer = await make_dealer(modules=["leads"], roles=("manager",))
    for scripts in (True, False):
        context = await browser.new_context(base_url=forecourt_server, locale="en-GB", java_script_enabled=scripts)
        page = await context.new_page()
        await page.goto("/leads/pre-order")
        await page.get_by_label("Dealer", exact=True).select_option(label=f"Testville — {dealer.name}")
        await page.get_by_label("Surname").fill("Petrova" if scripts else "Ivanova")
        await page.get_by_label("Mobile phone").fill("+7 903 111-22-33" if scripts else "+7 903 111-22-44")
        await page.get_by_label("Version").select_option("1.2 PureTech 130 EAT8")
        if scripts:  # htmx swaps the trim list in
            await expect(page.locator("#p-trim option[value='GT']")).to_have_count(0)
        else:  # the form comes back with the version's trims and what was typed
            await page.get_by_role("button", name="Show trims").click()
            await expect(page.get_by_label("Surname")).to_have_value("Ivanova")
            await expect(page.get_by_label("Version")).to_have_value("1.2 PureTech 130 EAT8")
        assert await pre_order_trims(page) == ["Allure", "Allure Pack"]
        await page.get_by_label("Version").select_option("Hybrid 225 e-EAT8")
        if scripts:
            await expect(page.locator("#p-trim option[value='GT First Edition']")).to_have_count(1)
            assert await pre_order_trims(page) == ["GT", "GT First Edition"]
            await page.get_by_label("Trim and price").select_option("GT First Edition")
        else:  # a trim of the version shown before: the form says so, accurately
            await page.get_by_label("Trim and price").select_option("Allure")
            await page.get_by_label("The dealer may contact me about this pre-order.").check()
            await page.get_by_role("button", name="Send the pre-order").click()
            await expect(page.locator("#e-trim")).to_have_text("This trim is not available for the chosen version.")
            assert await pre_order_trims(page) == ["GT", "GT First Edition"]
            await page.get_by_label("Trim and price").select_option("GT First Edition")
        await page.get_by_label("The dealer may contact me about this pre-order.").check()
        await page.get_by_role("button", name="Send the pre-order").click()
        await expect(page.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()
        await context.close()


async def test_a_new_note_has_no_priority_unless_chosen(page: Page, make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"], roles=("manager",))
    r = await (await client_as(dealer, "manager")).post("/customers/", data={
        "name": "Petra Svobodová", "phone": "+420 603 555 010", "source": "walk_in"})
    customer_id = int(r.headers["location"].rsplit("/", 1)[1])
    manager = dealer.users["manager"]
    await log_in(page, manager.login, manager.password)
    await page.goto(f"/customers/{customer_id}")
    await expect(page.get_by_label("Priority", exact=True)).to_have_value("0")
    await page.get_by_label("New note").fill("Prefers e-mail over calls")
    await page.get_by_role("button", name="Add note").click()
    note = page.locator("li.note", has_text="Prefers e-mail over calls")
    await expect(note).to_have_attribute("data-priority", "0")
    await expect(note.locator(".badge")).to_have_count(0)


async def test_a_user_added_by_a_czech_dealers_admin_gets_czech_pages(page: Page, make_dealer):
    from core.tables import Dealer

    dealer = await make_dealer(modules=[], roles=("dealer_admin",))
    await Dealer.update({Dealer.language: "cs"}).where(Dealer.id == dealer.id)
    admin = dealer.users["dealer_admin"]
    await log_in(page, admin.login, admin.password)
    await page.goto(f"/admin/dealers/{dealer.id}/users")
    form = page.locator("form", has=page.get_by_role("button", name="Add user"))
    await expect(form.get_by_label("Language")).to_have_value("cs")  # the dealer's language, preselected
    await form.get_by_label("Login", exact=True).fill(f"pavel-{dealer.id}")
    await form.get_by_label("Role").select_option(label="Sales manager")
    await form.get_by_role("button", name="Add user").click()
    password = await page.locator(".temp-password").inner_text()
    await page.get_by_role("button", name="Log out").click()
    await log_in(page, f"pavel-{dealer.id}", password)
    await expect(page.get_by_role("heading", name="Změna hesla")).to_be_visible()
    await expect(page.locator("html")).to_have_attribute("lang", "cs")


async def test_customers_view_switch_acts_at_once_keeping_the_search(page: Page, make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"], roles=("manager",))
    client = await client_as(dealer, "manager")
    for name, phone in (("Jana Dvořáková", "+420 601 000 111"), ("Petr Malý", "+420 601 000 222")):
        await client.post("/customers/", data={"name": name, "phone": phone, "source": "walk_in"})
    manager = dealer.users["manager"]
    await log_in(page, manager.login, manager.password)
    await page.goto("/customers/")
    await page.get_by_role("searchbox").fill("dvořák")
    await page.get_by_role("button", name="Search").click()
    await page.get_by_role("navigation", name="View").get_by_role("link", name="List").click()
    await expect(page.locator('table[data-view="list"]')).to_be_visible()  # at once, no "Search" needed
    await expect(page.locator("tbody tr")).to_have_count(1)
    await expect(page.locator("tbody tr")).to_contain_text("Jana Dvořáková")
    await expect(page.get_by_role("searchbox")).to_have_value("dvořák")
    # a new search stays in the list view
    await page.get_by_role("searchbox").fill("malý")
    await page.get_by_role("button", name="Search").click()
    await expect(page.locator("tbody tr")).to_contain_text("Petr Malý")
    await page.get_by_role("navigation", name="View").get_by_role("link", name="Cards").click()
    await expect(page.locator('table[data-view="list"]')).to_have_count(0)
    await expect(page.get_by_text("Petr Malý")).to_be_visible()


async def test_a_czech_dealer_picks_its_time_zone_by_city(page: Page, make_dealer):
    from core.tables import Dealer

    dealer = await make_dealer(modules=[], roles=("dealer_admin",))
    await Dealer.update({Dealer.language: "cs", Dealer.timezone: "Europe/Prague"}).where(Dealer.id == dealer.id)
    admin = dealer.users["dealer_admin"]
    await log_in(page, admin.login, admin.password)
    await page.goto(f"/admin/dealers/{dealer.id}/modules")
    select = page.locator("#f-timezone")
    first = select.locator("optgroup").first
    await expect(first).to_have_attribute("label", "Czechia")
    await expect(select.locator("option:checked")).to_have_text(re.compile(r"^Prague \(UTC\+[12]\)$"))
    vladivostok = select.locator("option", has_text="Vladivostok")
    assert await vladivostok.get_attribute("value") == "Asia/Vladivostok"  # the IANA name is what is sent
    await select.select_option("Asia/Vladivostok")
    await page.locator("form", has=select).get_by_role("button", name="Save").click()
    await expect(page.get_by_text(re.compile(r"Times are now shown and entered in Vladivostok \(UTC\+1\d\)"))
                 ).to_be_visible()
    await expect(page.locator("#f-timezone option:checked")).to_have_text(re.compile(r"^Vladivostok"))
