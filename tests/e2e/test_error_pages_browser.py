"""Error and conflict pages in a real browser: they are pages like any other, and nothing typed is lost."""

import re

from playwright.async_api import Browser, Page, expect
from test_browser import log_in

from core.tables import User


async def test_a_czech_managers_404_has_his_menu_language_and_a_working_switch(page: Page, make_dealer):
    dealer = await make_dealer(modules=["leads", "customers"], roles=("manager",))
    manager = dealer.users["manager"]
    await User.update({User.language: "cs"}).where(User.id == manager.id)
    await log_in(page, manager.login, manager.password)
    nav = page.get_by_role("navigation", name="Hlavní navigace")
    await expect(nav.get_by_role("link", name="Leady")).to_be_visible()  # his menu on a normal page
    menu = await nav.get_by_role("link").all_inner_texts()
    await nav.get_by_role("link", name="Leady").click()

    for path in ("/leads/99999", "/no/such/page"):  # a lead that does not exist, an address nobody knows
        response = await page.goto(path)
        assert response is not None and response.status == 404, path
        await expect(page.get_by_role("heading", name="Stránka nenalezena")).to_be_visible()
        assert await page.locator("html").get_attribute("lang") == "cs"
        assert await nav.get_by_role("link").all_inner_texts() == menu, path  # the whole menu, not only "Úvod"
        switch = page.get_by_label("Jazyk")
        assert await switch.locator("option").all_inner_texts() == ["English", "Русский", "Čeština", "中文"]
        await expect(switch).to_have_value("cs")

    # the way back, and the switch works from the error page
    await page.goto("/leads/")
    await page.evaluate("location.href = '/leads/99999'")  # as a mistyped link would: the referrer is the list
    await expect(page.get_by_role("heading", name="Stránka nenalezena")).to_be_visible()
    await expect(page.get_by_role("link", name="Zpět, odkud jste přišli")).to_have_attribute("href", "/leads/")
    await page.get_by_label("Jazyk").select_option("en")
    await page.get_by_role("button", name="Změnit").click()  # the switch changes only with its button
    await expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    await expect(page).to_have_url(re.compile(r"/leads/99999$"))
    await expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Leads")).to_be_visible()
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    await expect(page.get_by_role("heading", name="Customers", exact=True)).to_be_visible()


async def test_a_transition_someone_overtook_keeps_the_comment_and_can_be_sent_again(
        browser: Browser, page: Page, make_dealer, client_as, forecourt_server):
    dealer = await make_dealer(modules=["leads"], roles=("manager", "dealer_admin"))
    colleague = await client_as(dealer, "dealer_admin")
    r = await colleague.post("/leads/", data={
        "source": "phone", "request_type": "new_car", "surname": "Dvořák", "first_name": "Petr",
        "phone": "+420 602 111 222", "model": "Peugeot 308", "confirm_duplicate": "1"})
    assert r.status_code == 303, r.text[:500]
    lead_id = int(r.headers["location"].rsplit("/", 1)[1])

    manager = dealer.users["manager"]
    await log_in(page, manager.login, manager.password)
    await page.goto(f"/leads/{lead_id}")
    workflow = page.locator(".workflow")
    await workflow.locator("summary", has_text="Postpone").click()
    postpone = workflow.locator('details[data-transition="postpone"]')
    await postpone.get_by_label("Back on", exact=True).fill("2030-03-01")
    await postpone.get_by_label("Comment", exact=True).fill("On holiday until March, call him then")
    # meanwhile the colleague reaches the customer
    r = await colleague.post(f"/workflow/leads.lead/{lead_id}/contact_ok", data={"_state": "new"})
    assert r.status_code == 303
    await postpone.get_by_role("button", name="Postpone").click()

    await expect(page.get_by_role("alert")).to_contain_text("Someone else changed this meanwhile")
    await expect(page.locator("[data-state]")).to_have_text("Awaiting visit")  # the status as it is now
    await expect(page.get_by_label("Comment", exact=True)).to_have_value("On holiday until March, call him then")
    await expect(page.get_by_label("Back on", exact=True)).to_have_value("2030-03-01")
    await expect(page.get_by_role("link", name="Open the card to see what changed")).to_have_attribute(
        "href", f"/leads/{lead_id}")
    await page.get_by_role("button", name="Postpone").click()  # postponing still makes sense: sent again
    await expect(page.get_by_text("Done: Postpone → Postponed")).to_be_visible()
    await expect(page.locator(".workflow [data-state]")).to_have_text("Postponed")
    await expect(page.locator(".timeline")).to_contain_text("On holiday until March, call him then")

    # the same on a second page still showing "Postponed": its reason and text come back on the status now
    other = await (await browser.new_context(base_url=forecourt_server, locale="en-GB")).new_page()
    await log_in(other, manager.login, manager.password)
    await page.goto(f"/leads/{lead_id}")
    await other.goto(f"/leads/{lead_id}")
    await other.locator(".workflow summary", has_text="Discard").click()
    discard = other.locator('.workflow details[data-transition="discard"]')
    await discard.get_by_label("Details", exact=True).fill("Wrote twice, see the other lead")
    await discard.get_by_label("Reason", exact=True).select_option("Duplicate")
    await page.locator(".workflow").get_by_role("button", name="Back to new").click()
    await expect(page.locator(".workflow [data-state]")).to_have_text("New")
    await discard.get_by_role("button", name="Discard").click()
    await expect(other.get_by_role("alert")).to_contain_text("Someone else changed this meanwhile")
    await expect(other.get_by_label("Details", exact=True)).to_have_value("Wrote twice, see the other lead")
    await expect(other.get_by_label("Reason", exact=True)).to_have_value("Duplicate")
    await expect(other.locator("[data-state]")).to_have_text("New")
    await expect(other.get_by_role("button", name="Discard")).to_be_visible()  # from New it is possible too
    await other.context.close()
