"""The main flow of the core in a real browser: first login, home, module switch."""

import re

from conftest import ARTIFACTS
from playwright.async_api import Page, expect


async def log_in(page: Page, login: str, password: str) -> None:
    await page.goto("/login")
    await page.get_by_label("Login or e-mail").fill(login)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("button", name="Log in").click()


async def test_first_login_then_switch_a_module_off_and_on(page: Page, make_dealer, anon):
    dealer = await make_dealer(modules=["notes"], roles=("dealer_admin",), must_change_password=True)
    other = await make_dealer(modules=["notes"], roles=("manager",))
    admin = dealer.users["dealer_admin"]

    # First login: the temporary password must be replaced before anything else.
    await log_in(page, admin.login, admin.password)
    await expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    await page.goto("/")  # any other page sends the user back to the form
    await expect(page).to_have_url(re.compile(r"/account/password"))
    await page.get_by_label("Current password").fill(admin.password)
    await page.get_by_label("New password", exact=True).fill("showroom-2027")
    await page.get_by_label("New password again").fill("showroom-2027")
    await page.get_by_role("button", name="Change password").click()

    # Home: the dealer's name, the notes module in the navigation and its widget.
    await expect(page.get_by_text("Your password has been changed.")).to_be_visible()
    await expect(page.locator("header")).to_contain_text(dealer.name)
    nav = page.get_by_role("navigation", name="Main")
    await expect(nav.get_by_role("link", name="Notes")).to_be_visible()
    await page.goto("/notes/")
    await expect(page.get_by_role("heading", name="Notes")).to_be_visible()

    # Switch notes off: its menu entry goes, its pages answer 404 for this dealer only.
    await nav.get_by_role("link", name="Modules").click()
    row = page.locator('li[data-plugin="notes"]')
    await row.get_by_role("button", name="Switch off").click()
    await expect(page.get_by_text("Switched off: Notes. Its data is kept.")).to_be_visible()
    await expect(nav.get_by_role("link", name="Notes")).to_have_count(0)
    response = await page.goto("/notes/")
    assert response is not None and response.status == 404
    await expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    other_manager = await anon.post("/login", data={"identifier": other.users["manager"].login,
                                                    "password": other.users["manager"].password})
    assert other_manager.status_code == 302
    assert (await anon.get("/notes/")).status_code == 200  # the other dealer still has it

    # Switch it on again: everything is back.
    await page.goto("/")
    await nav.get_by_role("link", name="Modules").click()
    await page.locator('li[data-plugin="notes"]').get_by_role("button", name="Switch on").click()
    await expect(page.get_by_text(re.compile(r"Switched on: .*Notes"))).to_be_visible()
    await expect(nav.get_by_role("link", name="Notes")).to_be_visible()
    response = await page.goto("/notes/")
    assert response is not None and response.status == 200


async def test_new_password_is_required_and_wrong_login_is_refused(page: Page, make_dealer):
    dealer = await make_dealer(modules=[], roles=("manager",))
    manager = dealer.users["manager"]
    await log_in(page, manager.login, "not-the-password")
    await expect(page.get_by_text("The login or password is not correct.")).to_be_visible()
    await expect(page.get_by_label("Login or e-mail")).to_have_value(manager.login)  # input kept
    await log_in(page, manager.login, manager.password)
    await expect(page.get_by_role("heading", name=re.compile("Good to see you"))).to_be_visible()
    await page.get_by_role("button", name="Log out").click()
    await expect(page).to_have_url(re.compile(r"/login"))


async def test_deal_moves_through_its_workflow_and_the_diagram_shows_it(page: Page, make_dealer):
    dealer = await make_dealer(modules=["deals"], roles=("manager",))
    manager = dealer.users["manager"]
    await log_in(page, manager.login, manager.password)
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Deals").click()
    await page.get_by_label("Title").fill("Octavia Combi for Dvořák")
    await page.get_by_role("button", name="Add deal").click()
    await expect(page.get_by_role("heading", name="Octavia Combi for Dvořák")).to_be_visible()
    workflow = page.locator(".workflow")
    await expect(workflow.locator("[data-state]")).to_have_text("New")

    # a one-click transition
    await workflow.get_by_role("button", name="Contact succeeded").click()
    await expect(page.get_by_text("Done: Contact succeeded → Contacted")).to_be_visible()
    await expect(workflow.locator("[data-state]")).to_have_text("Contacted")
    await expect(page.locator(".contacted-at")).not_to_be_empty()

    # a transition with inputs: a missing reason is explained and the note is kept
    await workflow.locator("summary", has_text="Refuse").click()
    refuse = workflow.locator('details[data-transition="refuse"]')
    await refuse.get_by_label("Note").fill("Wants to wait for the facelift")
    await refuse.get_by_label("Reason", exact=True).evaluate("el => el.removeAttribute('required')")
    await refuse.get_by_role("button", name="Refuse").click()
    await expect(page.locator(".field-error", has_text="Fill in “Reason”.")).to_be_visible()
    await expect(page.get_by_label("Note")).to_have_value("Wants to wait for the facelift")
    await page.get_by_label("Reason", exact=True).select_option("Bought elsewhere")
    await page.get_by_role("button", name="Refuse").click()
    await expect(workflow.locator("[data-state]")).to_have_text("Refused")
    await expect(page.get_by_text("This is a final status.")).to_be_visible()
    await expect(page.locator(".timeline")).to_contain_text("Bought elsewhere")

    # the diagram of the machine
    await workflow.get_by_role("link", name="How this works").click()
    await expect(page.get_by_role("heading", name="Deal workflow")).to_be_visible()
    diagram = page.locator("svg.machine-diagram")
    await expect(diagram).to_be_visible()
    await expect(diagram.locator("g.state")).to_have_count(6)
    await expect(diagram.locator('g.state[data-terminal="true"]')).to_have_count(2)
    box = await diagram.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 100
    await page.screenshot(path=str(ARTIFACTS / "workflow-diagram.png"), full_page=True)
