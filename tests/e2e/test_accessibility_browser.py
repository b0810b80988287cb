"""Accessibility in a real browser: keyboard-only forms, focus after errors and htmx swaps, 320 px reflow.

What a screen-reader or keyboard user meets, asserted through the DOM the browser built: where the focus
is, what the live regions say, and that no page scrolls sideways on a 320 px phone (WCAG 2.2 AA 1.4.10,
2.4.3, 3.2.2, 3.3.1, 4.1.3).
"""

import datetime as dt
import re

from conftest import axe_violations
from playwright.async_api import Page, expect
from test_browser import log_in

from core import reminders
from core.auth import sessions
from core.context import Context

CUSTOMER = {"name": "Jana Dvořáková", "phone": "+420 602 111 222", "source": "walk_in", "confirm_duplicate": "1"}
LEAD = {"surname": "Novák", "first_name": "Jan", "phone": "+420 601 234 567", "model": "Peugeot 408",
        "source": "phone", "request_type": "pre_order", "confirm_duplicate": "1"}


async def _focused_id(page: Page) -> str:
    return await page.evaluate("document.activeElement ? document.activeElement.id : ''")


async def _tab_to(page: Page, element_id: str, limit: int = 60) -> None:
    """Press Tab until ``element_id`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if await _focused_id(page) == element_id:
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


async def test_keyboard_only_customer_form_error_focuses_the_summary(page: Page, make_dealer):
    dealer = await make_dealer(modules=["customers"], roles=("manager",))
    await log_in(page, dealer.users["manager"].login, dealer.users["manager"].password)
    await page.goto("/customers/new")
    await _tab_to(page, "f-name")
    await page.keyboard.type("Petra Svobodová")
    await page.keyboard.press("Tab")
    assert await _focused_id(page) == "f-phone"
    await page.keyboard.type("12")
    await _tab_to(page, "f-source")
    await page.keyboard.press("ArrowDown")  # the first source after the blank one
    await _tab_to(page, "f-phone", limit=80)  # wraps round the page back to the phone
    await page.keyboard.press("Enter")  # submits the form
    await page.wait_for_load_state()
    await expect(page.locator("#error-summary")).to_be_focused()
    assert (await page.title()).startswith("Error: ")
    summary = page.locator("#error-summary")
    link = summary.get_by_role("link", name=re.compile("This is not a valid phone number"))
    await expect(link).to_have_attribute("href", "#f-phone")
    phone = page.locator("#f-phone")
    await expect(phone).to_have_attribute("aria-invalid", "true")
    await expect(phone).to_have_attribute("aria-describedby", "e-phone")
    await expect(page.locator("#e-phone")).to_contain_text("This is not a valid phone number")
    await expect(page.locator("#f-name")).to_have_value("Petra Svobodová")  # the input is kept
    await link.press("Enter")
    await expect(phone).to_be_focused()


async def test_failed_login_marks_the_fields_and_focuses_the_message(page: Page, make_dealer):
    dealer = await make_dealer(modules=[], roles=("manager",))
    await log_in(page, dealer.users["manager"].login, "not-the-password")
    await expect(page.locator("#login-error")).to_be_focused()
    assert (await page.title()).startswith("Error: ")
    for field in ("#identifier", "#password"):
        await expect(page.locator(field)).to_have_attribute("aria-invalid", "true")
        await expect(page.locator(field)).to_have_attribute("aria-describedby", "login-error")


async def _two_reminders(dealer) -> None:
    ctx = Context(dealer_id=dealer.id, user_id=dealer.users["manager"].id)
    due = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    await reminders.create(ctx, "Call Jana about the offer", due)
    await reminders.create(ctx, "Send Petr the brochure", due + dt.timedelta(minutes=5))


async def test_reminder_done_is_announced_and_focus_moves_on(page: Page, make_dealer):
    dealer = await make_dealer(modules=[], roles=("manager",))
    await _two_reminders(dealer)
    await log_in(page, dealer.users["manager"].login, dealer.users["manager"].password)
    first = page.get_by_role("button", name="Done: Call Jana about the offer", exact=True)
    second = page.get_by_role("button", name="Done: Send Petr the brochure", exact=True)
    await first.focus()
    await page.keyboard.press("Enter")
    await expect(first).to_have_count(0)
    status = page.locator("#live-status")
    await expect(status).to_have_text("Reminder done.")
    await expect(status).to_have_attribute("role", "status")
    await expect(second).to_be_focused()  # the next reminder, not <body>
    await page.keyboard.press("Enter")
    await expect(second).to_have_count(0)
    await expect(page.get_by_role("heading", name="Reminders")).to_be_focused()  # the list's heading


async def test_expired_session_on_an_htmx_click_offers_to_log_in_again(page: Page, make_dealer):
    dealer = await make_dealer(modules=[], roles=("manager",))
    await _two_reminders(dealer)
    await log_in(page, dealer.users["manager"].login, dealer.users["manager"].password)
    cookies = await page.context.cookies()
    await page.context.clear_cookies()
    await page.context.add_cookies([c for c in cookies if c["name"] != sessions.COOKIE])  # the session ended
    await page.get_by_role("button", name="Done: Call Jana about the offer", exact=True).click()
    status = page.locator("#live-status")
    await expect(status).to_contain_text("Your session has expired.")
    await expect(status.get_by_role("link", name="Log in again")).to_have_attribute("href", "/login?next=%2F")
    await expect(page.get_by_role("button", name="Done: Call Jana about the offer", exact=True)).to_be_visible()


async def test_a_failed_htmx_click_says_so(page: Page, make_dealer, client_as):
    dealer = await make_dealer(modules=[], roles=("manager",))
    await _two_reminders(dealer)
    await log_in(page, dealer.users["manager"].login, dealer.users["manager"].password)
    other_tab = await client_as(dealer, "manager")
    reminder_id = await page.locator("li[data-reminder]").first.get_attribute("data-reminder")
    assert (await other_tab.post(f"/reminders/{reminder_id}/done")).status_code == 303  # done meanwhile
    await page.get_by_role("button", name="Done: Call Jana about the offer", exact=True).click()
    await expect(page.locator("#live-status")).to_contain_text("That did not work")  # a 404, not silence


async def test_duplicate_check_asks_with_the_phone_alone_and_keeps_it_out_of_urls(page: Page, make_dealer,
                                                                               client_as):
    dealer = await make_dealer(modules=["customers"], roles=("manager",))
    seeding = await client_as(dealer, "manager")
    assert (await seeding.post("/customers/", data=CUSTOMER)).status_code == 303
    await log_in(page, dealer.users["manager"].login, dealer.users["manager"].password)
    sent: list[tuple[str, str]] = []
    page.on("request", lambda r: sent.append((r.method, r.url)))
    await page.goto("/customers/new")
    await page.get_by_label("Phone").fill("00420 602 111 222")  # before Name and Source, typed differently
    await page.get_by_label("Phone").press("Tab")
    matches = page.locator("#customer-matches")
    await expect(matches).to_contain_text("Jana Dvořáková")
    await expect(matches).to_have_attribute("aria-live", "polite")  # the live region itself was kept
    await expect(matches.get_by_role("link", name=re.compile("opens in a new tab"))).to_be_visible()
    assert ("POST", f"{page.url.rsplit('/customers/', 1)[0]}/customers/duplicates") in sent, sent
    assert not [u for _m, u in sent if re.search(r"[?&](phone|email|name|_csrf_token)=", u)], sent


async def test_language_switch_changes_only_with_its_button(page: Page):
    await page.goto("/login")
    switch = page.get_by_label("Language")
    await switch.select_option("cs")
    await switch.press("ArrowDown")
    await page.wait_for_timeout(300)  # a page load would have started by now
    await expect(page.locator("html")).to_have_attribute("lang", "en")  # nothing changed yet
    for code in ("en", "ru", "cs", "zh"):
        await expect(page.locator(f'#lang-select option[value="{code}"]')).to_have_attribute("lang", code)
    await switch.select_option("cs")
    await page.get_by_role("button", name="Change").click()
    await expect(page.locator("html")).to_have_attribute("lang", "cs")


async def test_no_page_scrolls_sideways_at_320_px(page: Page, make_dealer, client_as):
    dealer = await make_dealer(modules=["customers", "leads"])
    manager = await client_as(dealer, "manager")
    r = await manager.post("/customers/", data=CUSTOMER)
    customer = r.headers["location"]
    lead = (await manager.post("/leads/", data=LEAD)).headers["location"]
    await page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/login", "/leads/pre-order"):
        await _assert_no_sideways_scroll(page, path)
    await log_in(page, dealer.users["dealer_admin"].login, dealer.users["dealer_admin"].password)
    paths = ["/", "/customers/", "/customers/?view=list", "/customers/new", customer, "/leads/", "/leads/new", lead,
             f"/admin/dealers/{dealer.id}/modules", f"/admin/dealers/{dealer.id}/users", "/account/password",
             "/no/such/page"]
    for path in paths:
        await _assert_no_sideways_scroll(page, path)
    # the main menu wraps: every entry is on screen, none hidden in a strip that scrolls sideways
    await page.goto("/")
    beyond = await page.evaluate("[...document.querySelectorAll('nav.main-nav a')].filter(a => "
                                 "a.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
                                 ".map(a => a.textContent)")
    assert beyond == [] and await page.locator("nav.main-nav a").count() >= 4, beyond


async def _assert_no_sideways_scroll(page: Page, path: str) -> None:
    await page.goto(path)
    widths = await page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        " [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
        "document.documentElement.clientWidth + 1 && e.parentElement.getBoundingClientRect().right <= "
        "document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className)]")
    assert widths[0] <= widths[1], (path, widths)


async def test_axe_finds_no_wcag_violation_on_any_page_in_two_languages(page: Page, make_dealer, client_as):
    from core.accounts import User

    dealer = await make_dealer(modules=["customers", "leads"])
    await _two_reminders(dealer)
    admin = await client_as(dealer, "dealer_admin")
    customer = (await admin.post("/customers/", data=CUSTOMER)).headers["location"]
    lead = (await admin.post("/leads/", data=LEAD)).headers["location"]
    lead_id = lead.rsplit("/", 1)[1]
    # a comment edited once: its "Edit" and "Earlier versions" sit close together
    await admin.post(f"/timeline/leads.lead/{lead_id}/comments", data={"text": "Called, no answer", "next": lead})
    card = (await admin.get(lead)).text
    edit = re.search(rf'action="(/timeline/leads.lead/{lead_id}/comments/\d+)"', card).group(1)
    await admin.post(edit, data={"text": "Called twice, no answer", "next": lead})
    probe = await page.context.new_page()  # the checker itself works: an unlabelled image fails it
    await probe.set_content('<!doctype html><html lang="en"><title>t</title><main><img src="/x.png"></main></html>')
    assert any(v.startswith("image-alt") for v in await axe_violations(probe))
    await probe.close()
    problems: list[str] = []
    for lang in ("en", "cs"):
        await User.update({User.language: lang}).where(User.id == dealer.users["dealer_admin"].id)
        await page.context.clear_cookies()
        await page.context.set_extra_http_headers({"accept-language": lang})
        for path in ("/login", "/leads/pre-order"):
            await page.goto(path)
            problems += [f"{lang} {path}: {v}" for v in await axe_violations(page)]
        await log_in(page, dealer.users["dealer_admin"].login, dealer.users["dealer_admin"].password)
        await page.wait_for_url(re.compile(r"/$"))
        for path in ("/", "/customers/", "/customers/?view=list", "/customers/new", customer, "/leads/",
                     "/leads/new", lead, "/leads/board", f"/admin/dealers/{dealer.id}/modules",
                     f"/admin/dealers/{dealer.id}/users", "/account/password", "/no/such/page"):
            await page.goto(path)
            problems += [f"{lang} {path}: {v}" for v in await axe_violations(page)]
        # states after a failed submit and after an htmx swap
        await page.goto("/customers/new")
        await page.locator("#f-name").fill("X")
        await page.locator("#f-phone").fill("12")
        await page.locator("#f-source").select_option(index=1)
        await page.locator("#f-phone").press("Enter")
        await expect(page.locator("#error-summary")).to_be_visible()
        problems += [f"{lang} customer form with errors: {v}" for v in await axe_violations(page)]
        await page.goto("/")
        done = page.locator("li[data-reminder] button").first
        if await done.count():
            await done.click()
            await expect(page.locator("#live-status .flash")).to_be_visible()
            problems += [f"{lang} home after Done: {v}" for v in await axe_violations(page)]
        await page.context.clear_cookies()
    assert not problems, "\n".join(problems)
