"""A quick link's whole way in a real browser: the dealer admin sets the customer pages' title, colours and logo
and the exchange rate (in Quick links -> Settings, a wrong rate refused first), a manager generates the
customer's link on the customer card and reads its URL; the customer opens it in ANOTHER browser context (no
staff session), finds the catalogue in their own language and currency at their personal price, adds two
products, changes a quantity and checks out; the manager then finds the order in Orders as New, source
"Quick link", at the personal price to the cent.

Run for a Russian-speaking customer paying in RUB and a Chinese-speaking one paying in CNY, and once more with
JavaScript off (plain forms, every POST answered with a redirect). What the customer reads is asserted in the
customer's language, taken from the plugin's own catalogue, so an untranslated page fails. A second test:
a new link made while the customer shops closes the old link's shop at once; the new one opens it again.
The steps of the staff and the seeding live in quicklinks_steps.py.
"""

from __future__ import annotations

import asyncio
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ARTIFACTS, axe_violations
from playwright.async_api import Browser, BrowserContext, Page, expect
from quicklinks_steps import (
    BRAND,
    CHINESE,
    DEALER_CURRENCY,
    MATS,
    RACK,
    RUSSIAN,
    SHOP_WORDS,
    WALLBOX,
    Shopper,
    generate_link,
    log_out,
    personal,
    seed,
    set_up_the_pages,
)
from test_browser import log_in

from core import i18n

#: the guide's screenshot (docs/guide-quicklinks.md); rewritten only when FORECOURT_DOCS_SCREENSHOTS=1, so a
#: test run leaves the work tree as it was (test-artifacts/ always gets a copy)
DOCS_SHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "quicklinks-catalogue.png"


# --- the customer --------------------------------------------------------------------------------------------


async def shop(context: BrowserContext, url: str, shopper: Shopper, ids: dict[str, int], js: bool,
               screenshot: bool = False) -> int:
    """The customer's way from the link to the confirmation; the order's number."""
    page = await context.new_page()
    t = shopper.text
    opened = await page.goto(url)
    assert opened is not None and opened.status == 200
    await expect(page).to_have_url(re.compile(r"/quicklinks/shop/$"))  # the token is gone from the address bar
    assert "/quicklinks/o/" not in page.url
    assert opened.request.redirected_from is not None
    for header, value in (("referrer-policy", "no-referrer"), ("cache-control", "no-store"),
                          ("x-robots-tag", "noindex")):
        assert value in (opened.headers.get(header) or ""), (header, opened.headers)
    await expect(page.locator("html")).to_have_attribute("lang", shopper.language)
    await expect(page.get_by_role("heading", name=t("Catalogue"), exact=True)).to_be_visible()
    await expect(page.locator("header")).to_contain_text(BRAND)  # the dealer admin's title and logo
    await expect(page.locator("header img")).to_have_attribute("src", re.compile(r"/quicklinks/brand/\d+/logo"))
    staff = await page.goto("/orders/")  # a link's session is no staff session
    assert staff is not None and ("/login" in page.url or staff.status in (401, 403, 404)), page.url
    await page.goto("/quicklinks/shop/")

    # the catalogue at the personal price, in the customer's currency; stock as words, never numbers
    products = page.get_by_role("list", name=t("Products"))
    mats = products.locator(f'li[data-product="{ids[MATS["sku"]]}"]')
    rack = products.locator(f'li[data-product="{ids[RACK["sku"]]}"]')
    wallbox = products.locator(f'li[data-product="{ids[WALLBOX["sku"]]}"]')
    for item, product in ((mats, MATS), (rack, RACK), (wallbox, WALLBOX)):
        price = item.locator(".price")
        await expect(price).to_have_attribute("data-price", str(personal(product, shopper)))
        await expect(price).to_have_attribute("data-currency", shopper.currency)
        await expect(price).to_have_text(shopper.money(personal(product, shopper)))
    await expect(mats.locator(".stock")).to_have_text(t("In stock"))  # words, not the 20 on hand
    await expect(wallbox.locator(".stock")).to_have_text(t("On order"))
    if js:  # axe-core needs JavaScript; the customer's context is not the page fixture's, so it is checked here
        assert not await axe_violations(page)
    if screenshot:
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / DOCS_SHOT.name), full_page=True)
        if os.environ.get("FORECOURT_DOCS_SCREENSHOTS") == "1":
            DOCS_SHOT.parent.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(DOCS_SHOT), full_page=True)

    # search by name narrows the catalogue to the rack; two racks into the cart from there
    await page.get_by_label(t("Search by name or SKU")).fill("roof")
    await page.get_by_role("button", name=t("Search"), exact=True).click()
    await expect(products.locator("li[data-product]")).to_have_count(1)
    await rack.get_by_label(t("Quantity")).fill("2")
    await rack.get_by_role("button", name=re.compile(re.escape(t("Add to cart")))).click()
    shop_nav = page.get_by_role("navigation", name=t("Shop"))
    if js:  # htmx: the count in the header changes in place, and a live region says so
        await expect(page.locator("#cart-count")).to_contain_text("2")
        await expect(page.locator("#live-status")).to_contain_text(t("Added to the cart."))
        await expect(page).to_have_url(re.compile(r"/quicklinks/shop/\?"))
    else:  # a plain POST, answered with the cart
        await expect(page).to_have_url(re.compile(r"/quicklinks/shop/cart$"))
        await expect(page.locator("#cart tbody tr[data-product]")).to_have_count(1)
    await shop_nav.get_by_role("link", name=t("Catalogue")).click()
    await expect(products.locator("li[data-product]")).to_have_count(3)
    await mats.get_by_role("button", name=re.compile(re.escape(t("Add to cart")))).click()
    if js:
        await expect(page.locator("#cart-count")).to_contain_text("3")

    # the cart: one mat becomes three
    await shop_nav.get_by_role("link", name=re.compile(t("Cart"))).click()
    cart = page.locator("#cart")
    await expect(cart.locator("tbody tr[data-product]")).to_have_count(2)
    line = cart.locator(f'tr[data-product="{ids[MATS["sku"]]}"]')
    await line.get_by_label(t("Quantity")).fill("3")
    address = page.url
    await line.get_by_role("button", name=t("Update")).click()
    expected = personal(MATS, shopper, 3) + personal(RACK, shopper, 2)
    total = page.locator("#cart [data-total]")
    await expect(total).to_have_attribute("data-total", str(expected))
    await expect(total).to_have_text(shopper.money(expected))
    await expect(cart.locator(f'tr[data-product="{ids[MATS["sku"]]}"] [data-line-total]')).to_have_attribute(
        "data-line-total", str(personal(MATS, shopper, 3)))
    assert page.url == address
    if js:
        assert not await axe_violations(page)  # the cart as htmx left it
    await page.screenshot(path=str(ARTIFACTS / f"quicklinks-cart-{shopper.language}-{js}.png"), full_page=True)

    # checkout: courier to an address, with a comment; the confirmation has the number
    await page.get_by_role("link", name=t("Go to checkout")).click()
    await expect(page.locator("#cart [data-total]")).to_have_attribute("data-total", str(expected))
    if js:  # second thoughts on the checkout page: one more rack, then back to two (htmx, in place)
        rack_line = page.locator(f'#cart tr[data-product="{ids[RACK["sku"]]}"]')
        for quantity in (3, 2):
            await rack_line.get_by_label(t("Quantity")).fill(str(quantity))
            await rack_line.get_by_role("button", name=t("Update")).click()
            await expect(rack_line.locator("[data-line-total]")).to_have_attribute(
                "data-line-total", str(personal(RACK, shopper, quantity)))
        await expect(page).to_have_url(re.compile(r"/quicklinks/shop/checkout$"))
    # courier without an address: refused in the customer's language, what was typed kept, nothing placed
    await expect(page.get_by_label(t("Delivery address"))).to_have_value("Lenina 1")  # from the customer card
    await page.locator('input[name="delivery_method"][value="courier"]').check()
    await page.get_by_label(t("Delivery address")).fill("")
    await page.get_by_label(t("Note to the order")).fill("e2e: call before delivery")
    await page.get_by_role("button", name=t("Place the order")).click()
    await expect(page.locator("#err-address")).to_have_text(t("Enter the delivery address."))
    await expect(page.get_by_label(t("Note to the order"))).to_have_value("e2e: call before delivery")
    await expect(page.locator('input[name="delivery_method"][value="courier"]')).to_be_checked()
    await page.get_by_label(t("Delivery address")).fill("Тверская 7, Москва" if shopper.language == "ru"
                                                         else "南京东路 100 号, 上海")
    await page.screenshot(path=str(ARTIFACTS / f"quicklinks-checkout-{shopper.language}-{js}.png"), full_page=True)
    await page.get_by_role("button", name=t("Place the order")).click()
    confirmation = page.get_by_role("heading", name=re.compile(r"\d+"))
    await expect(confirmation).to_be_visible()
    await expect(page).to_have_url(re.compile(r"/quicklinks/shop/orders/\d+$"))
    number = int(page.url.rsplit("/", 1)[1])
    await expect(page.locator("tfoot [data-total]")).to_have_attribute("data-total", str(expected))
    await page.screenshot(path=str(ARTIFACTS / f"quicklinks-placed-{shopper.language}-{js}.png"), full_page=True)
    if js:
        assert not await axe_violations(page)

    # reopening the link later lists the order; the cart is empty again
    await page.goto("/quicklinks/shop/orders")
    await expect(page.locator("main")).to_contain_text(str(number))
    await page.goto("/quicklinks/shop/cart")
    await expect(page.get_by_text(t("Your cart is empty."))).to_be_visible()
    await page.close()
    return number


async def check_order(page: Page, dealer, number: int, shopper: Shopper) -> None:
    """The manager finds the order in Orders: New, source Quick link, for the customer, at the personal price."""
    expected = personal(MATS, shopper, 3) + personal(RACK, shopper, 2)
    manager = dealer.users["manager"]
    await log_in(page, manager.login, manager.password)
    # the customer's manager has a reminder on the home page, in the manager's language
    reminder = page.locator("li", has_text=f"New order {number} from a quick link")
    await expect(reminder).to_be_visible()
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Orders").click()
    row = page.locator("tr[data-order]", has_text=f"#{number}")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("New")
    await expect(row).to_contain_text(shopper.name)
    await row.get_by_role("link", name=f"#{number}").click()
    card = page.locator("#order-card")
    await expect(card.locator("h1 [data-status]")).to_have_attribute("data-status", "new")
    order_url = page.url.replace(page.url.split("/orders/")[0], "")
    await expect(card.locator("#zone-inquiry")).to_contain_text("Quick link")
    await expect(card.locator("#zone-customer")).to_contain_text(shopper.name)
    await expect(card.locator("#zone-items tbody tr")).to_have_count(2)
    total = card.locator("#zone-items [data-total]")
    await expect(total).to_have_attribute("data-total", f"{expected:.2f}")
    with i18n.in_language("en"):  # the manager reads English, the amount stays in the customer's currency
        await expect(total).to_have_text(i18n.fmt_money(expected, shopper.currency))
    for product, quantity in ((MATS, 3), (RACK, 2)):
        line = card.locator("#zone-items tbody tr", has_text=product["sku"])
        assert Decimal(await line.locator("[data-line-total]").get_attribute("data-line-total")) == personal(
            product, shopper, quantity)
        await expect(line).to_contain_text(str(quantity))
    await expect(card.locator("#zone-customer")).to_contain_text(
        "Тверская 7" if shopper.language == "ru" else "南京东路")
    # the customer card's log of uses: opened, cart, the order (linked); never the token
    await card.locator("#zone-customer a").first.click()
    ordered = page.locator('#ql-panel tr[data-use="order"]')
    await expect(ordered).to_have_count(1)
    await expect(ordered.get_by_role("link")).to_have_attribute("href", order_url)
    await expect(page.locator('#ql-panel tr[data-use="open"]').first).to_be_visible()


# --- the tests -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("shopper", "js"), [(RUSSIAN, True), (CHINESE, True), (RUSSIAN, False)],
                         ids=["ru-RUB", "zh-CNY", "ru-RUB-no-js"])
async def test_a_customer_orders_from_a_quick_link(page: Page, browser: Browser, make_dealer, forecourt_server,
                                                   shopper: Shopper, js: bool):
    dealer = await make_dealer(modules=["quicklinks"])
    customer_id, ids = await seed(dealer, shopper)
    await set_up_the_pages(page, dealer, shopper)
    url = await generate_link(page, dealer, customer_id)
    await log_out(page)

    customer = await browser.new_context(base_url=forecourt_server, viewport={"width": 1280, "height": 900},
                                         locale="en-GB", java_script_enabled=js)
    customer.set_default_timeout(10_000)
    try:
        number = await shop(customer, url, shopper, ids, js, screenshot=shopper is RUSSIAN and js)
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        for opened in customer.pages:
            await opened.screenshot(path=str(ARTIFACTS / f"quicklinks-{shopper.language}-{js}.png"),
                                    full_page=True)
        raise
    finally:
        await customer.close()
    await check_order(page, dealer, number, shopper)
    # last, so the rest of the way is checked even while a catalogue lags: the customer read their language
    untranslated = [m for m in SHOP_WORDS if shopper.text(m) == m]
    assert not untranslated, f"the customer pages are not in {shopper.language}: {untranslated}"


async def test_a_new_link_closes_the_shop_the_old_one_opened(page: Page, browser: Browser, make_dealer,
                                                               forecourt_server):
    """The manager makes a new link (confirming the dialog) while the customer has the shop open: the customer's
    next click shows the "link not valid" page in their language, and the new link opens the shop again."""
    dealer = await make_dealer(modules=["quicklinks"])
    customer_id, ids = await seed(dealer, CHINESE)
    first = await generate_link(page, dealer, customer_id)
    # a dead link's page knows no customer: it speaks the browser's language (a Chinese phone here)
    # on a phone (the QR code is for one): the pages fit its width
    customer = await browser.new_context(base_url=forecourt_server, locale="zh-CN", is_mobile=True,
                                         has_touch=True, viewport={"width": 390, "height": 844})
    customer.set_default_timeout(10_000)
    try:
        shop_page = await customer.new_page()
        await shop_page.goto(first)
        t = CHINESE.text
        await shop_page.locator(f'li[data-product="{ids[MATS["sku"]]}"]').get_by_role(
            "button", name=re.compile(re.escape(t("Add to cart")))).click()
        await expect(shop_page.locator("#cart-count")).to_contain_text("1")
        for path in ("/quicklinks/shop/", "/quicklinks/shop/cart", "/quicklinks/shop/checkout"):
            await shop_page.goto(path)
            name = path.strip("/").replace("/", "-")
            await shop_page.screenshot(path=str(ARTIFACTS / f"quicklinks-phone-{name}.png"), full_page=True)
            assert await shop_page.evaluate("document.documentElement.scrollWidth <= screen.width"), path
        await shop_page.goto("/quicklinks/shop/")
        # the product's own page: price in euros (no rate entered), said so; the customer can still order
        await shop_page.get_by_role("link", name=WALLBOX["name"]).click()
        await expect(shop_page.get_by_role("heading", name=WALLBOX["name"])).to_be_visible()
        price = shop_page.locator("article .price")
        await expect(price).to_have_attribute("data-currency", DEALER_CURRENCY)
        await expect(shop_page.locator("article")).to_contain_text(
            t("Price in %(currency)s: there is no exchange rate into your currency.", currency=DEALER_CURRENCY))
        assert not await axe_violations(shop_page)

        page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
        await page.locator("#ql-panel").get_by_role("button", name="Make a new link").click()
        second = (await page.locator("#ql-panel [data-quicklink-url]").input_value()).strip()
        assert second != first

        gone = await shop_page.goto("/quicklinks/shop/")
        assert gone is not None and gone.status == 404
        await expect(shop_page.get_by_role("heading", name=t("This link does not open a shop"))).to_be_visible()
        await expect(shop_page.locator("html")).to_have_attribute("lang", "zh")
        assert not await axe_violations(shop_page)
        assert (await shop_page.goto(first)).status == 404  # the old link itself: the same page
        await expect(shop_page.get_by_role("heading", name=t("This link does not open a shop"))).to_be_visible()
        await shop_page.goto(second)
        await expect(shop_page).to_have_url(re.compile(r"/quicklinks/shop/$"))
        await expect(shop_page.locator(f'li[data-product="{ids[MATS["sku"]]}"]')).to_be_visible()
    finally:
        await customer.close()
    await expect(page.locator("#ql-panel")).to_have_attribute("data-link", "live")
