"""A lead's way in a real browser: public pre-order at dealer A, contact (its comment corrected later) at A,
contract and transfer at B."""

import re

from conftest import ARTIFACTS
from playwright.async_api import Browser, Page, expect
from test_browser import log_in


async def test_pre_order_contact_contract_and_transfer(browser: Browser, page: Page, make_dealer,
                                                       forecourt_server):
    a = await make_dealer(modules=["leads"], roles=("manager",))
    b = await make_dealer(modules=["leads"], roles=("manager",))

    # the customer, without an account, pre-orders at dealer A
    customer = await (await browser.new_context(base_url=forecourt_server, locale="en-GB")).new_page()
    await customer.goto("/leads/pre-order")
    await customer.get_by_label("Dealer", exact=True).select_option(label=f"Testville — {a.name}")
    await customer.get_by_label("Version").select_option("1.6 PureTech 180 EAT8")
    # htmx swaps in the version's own trims (no groups by version): a trim chosen before that swap is lost
    await expect(customer.locator("#p-trim optgroup")).to_have_count(0)
    await customer.get_by_label("Trim and price").select_option("GT")
    await customer.get_by_label("Surname").fill("Petrova")
    await customer.get_by_label("First name").fill("Anna")
    await customer.get_by_label("Mobile phone").fill("+7 903 111-22-33")
    await customer.get_by_label("The dealer may contact me about this pre-order.").check()
    await customer.get_by_role("button", name="Send the pre-order").click()
    await expect(customer.get_by_role("heading", name="Thank you, Anna!")).to_be_visible()
    await customer.context.close()

    # dealer A: the new, unassigned lead; the contact succeeds
    manager_a = a.users["manager"]
    await log_in(page, manager_a.login, manager_a.password)
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Leads").click()
    row = page.locator("tr", has_text="Petrova Anna")
    await expect(row).to_contain_text("New")
    await expect(row).to_contain_text("—")  # nobody assigned yet
    await row.get_by_role("link", name="Petrova Anna").click()
    workflow = page.locator(".workflow")
    await expect(workflow.locator('[data-transition="contract_signed"]')).to_have_count(0)  # not before contact
    await workflow.locator("summary", has_text="Contact succeeded").click()
    contact = workflow.locator('details[data-transition="contact_ok"]')
    await contact.get_by_label("Comment").fill("Comes on Saturday")
    await contact.get_by_role("button", name="Contact succeeded").click()
    await expect(workflow.locator("[data-state]")).to_have_text("Awaiting visit")
    await expect(page.locator(".contacted-at")).not_to_have_text(re.compile("—|waiting"))
    # the comment given with the contact is corrected later; its first version stays visible
    entry = page.locator(".timeline-entry", has_text="Contact succeeded")
    await entry.locator("summary", has_text="Edit").click()
    await entry.get_by_role("textbox").fill("Comes on Sunday at ten")
    await entry.get_by_role("button", name="Save").click()
    entry = page.locator(".timeline-entry", has_text="Contact succeeded")
    await expect(entry).to_contain_text("Comes on Sunday at ten")
    await entry.locator("summary", has_text="Earlier versions").click()
    await expect(entry.locator("s")).to_have_text("Comes on Saturday")
    await page.get_by_role("button", name="Log out").click()

    # dealer B: the customer walks in; B finds the lead, records the contract and takes it over
    manager_b = b.users["manager"]
    await log_in(page, manager_b.login, manager_b.password)
    await page.goto("/leads/")
    await page.get_by_role("link", name="Find at any dealer").click()
    await page.get_by_label("Surname").fill("PETROVA")
    await page.get_by_label("First name").fill("anna")
    await page.get_by_label("Mobile number or its last digits").fill("2233")
    await page.get_by_role("button", name="Search").click()
    found = page.locator("tr[data-found]")
    await expect(found).to_have_count(1)
    await expect(found).to_contain_text(a.name)
    await expect(found).to_contain_text("Awaiting visit")
    await expect(found.get_by_role("button", name="Transfer to us")).to_have_count(0)  # not before the contract
    await found.get_by_role("button", name="Contract signed with us").click()
    await expect(page.get_by_text("Contract recorded.")).to_be_visible()
    await expect(found).to_contain_text("Contract signed")
    await found.get_by_role("button", name="Transfer to us").click()
    await expect(page.get_by_text("The lead is now yours.")).to_be_visible()
    await expect(page.get_by_role("heading", name="Petrova Anna")).to_be_visible()
    await expect(page.locator(".timeline")).to_contain_text(re.compile("Transferred from"))
    await page.screenshot(path=str(ARTIFACTS / "lead-transferred.png"), full_page=True)
