"""The customers module in a real browser: create, note, follow-up, reminder on home, filters."""

import re

from conftest import ARTIFACTS
from playwright.async_api import Page, expect
from test_browser import log_in


async def test_customer_from_creation_to_reminder_and_filters(page: Page, make_dealer):
    dealer = await make_dealer(modules=["customers"], roles=("manager",))
    manager = dealer.users["manager"]
    await log_in(page, manager.login, manager.password)
    nav = page.get_by_role("navigation", name="Main")
    await nav.get_by_role("link", name="Customers").click()
    await page.get_by_role("link", name="+ New customer").click()

    # a mistake first: the form says what is wrong and keeps the input
    await page.get_by_label("Name (person or company)").fill("Petra Svobodová")
    await page.get_by_label("Phone").fill("12")
    await page.get_by_label("Source").select_option(label="Website")
    await page.get_by_label("Temperature").select_option(label="Hot")
    await page.get_by_role("button", name="Save").click()
    await expect(page.locator("#e-phone")).to_contain_text("This is not a valid phone number")
    await expect(page.get_by_label("Name (person or company)")).to_have_value("Petra Svobodová")
    await page.get_by_label("Phone").fill("+420 603 555 010")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("heading", name=re.compile("Petra Svobodová"))).to_be_visible()

    # a high-priority note
    await page.get_by_label("New note").fill("Wants a test drive of the Enyaq on Saturday")
    await page.get_by_label("Priority", exact=True).select_option(label="High")
    await page.get_by_role("button", name="Add note").click()
    note = page.locator('li.note[data-priority="2"]')
    await expect(note).to_contain_text("Wants a test drive of the Enyaq on Saturday")
    await expect(note.locator(".badge-red")).to_have_text("High")

    # a follow-up with a next time in the past: an overdue reminder on the home page
    await page.get_by_label("How").select_option(label="Phone")
    await page.get_by_label("What was said or done").fill("Called, she wants an offer")
    await page.get_by_label("Next follow-up").fill("2026-01-05T10:00")
    await page.get_by_label("Plan for it").fill("send the Enyaq offer")
    await page.get_by_role("button", name="Record follow-up").click()
    await expect(page.get_by_text("Follow-up recorded.")).to_be_visible()
    await expect(page.locator(".timeline")).to_contain_text("Called, she wants an offer")
    await page.screenshot(path=str(ARTIFACTS / "customer-card.png"), full_page=True)

    await nav.get_by_role("link", name="Home").click()
    reminder = page.locator("li", has_text="Follow up with Petra Svobodová: send the Enyaq offer")
    await expect(reminder).to_be_visible()
    await expect(reminder.get_by_text("overdue")).to_be_visible()
    await page.screenshot(path=str(ARTIFACTS / "home-reminders.png"), full_page=True)
    await reminder.get_by_role("button", name="Done").click()
    await expect(reminder).to_have_count(0)  # htmx swapped it out

    # filters: potential + hot finds her, potential + cold does not
    await nav.get_by_role("link", name="Customers").click()
    await page.get_by_label("Status").select_option(label="Potential")
    await page.get_by_label("Temperature").select_option(label="Hot")
    await page.get_by_role("button", name="Search").click()
    await expect(page.locator("article.customer-card")).to_have_count(1)
    await expect(page.locator("article.customer-card")).to_contain_text("Petra Svobodová")
    await page.screenshot(path=str(ARTIFACTS / "customers-filtered.png"), full_page=True)
    await page.get_by_label("Temperature").select_option(label="Cold")
    await page.get_by_role("button", name="Search").click()
    await expect(page.locator("article.customer-card")).to_have_count(0)
