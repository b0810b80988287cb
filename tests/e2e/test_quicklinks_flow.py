"""A quick link's whole way in a real browser: the dealer admin sets the exchange rate, a manager generates the
customer's link on the customer card and reads its URL; the customer opens it in ANOTHER browser context (no
staff session), finds the catalogue in their own language and currency at their personal price, adds two
products, changes a quantity and checks out; the manager then finds the order in Orders as New, source
"Quick link", at the personal price to the cent.

Run for a Russian-speaking customer paying in RUB and a Chinese-speaking one paying in CNY, and once more with
JavaScript off (plain forms, every POST answered with a redirect). What the customer reads is asserted in the
customer's language, taken from the plugin's own catalogue, so an untranslated page fails.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import struct
import zlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ARTIFACTS, axe_violations
from playwright.async_api import Browser, BrowserContext, Page, expect
from test_browser import log_in

from core import i18n

#: the guide's screenshot (docs/guide-quicklinks.md); rewritten only when FORECOURT_DOCS_SCREENSHOTS=1, so a
#: test run leaves the work tree as it was (test-artifacts/ always gets a copy)
DOCS_SHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "quicklinks-catalogue.png"
DEALER_CURRENCY = "EUR"  #: a dealer made in English prices in euros
BRAND = "Autosalon Vltava"  #: the customer pages' title, set by the dealer admin
DISCOUNT = Decimal("10")  #: the customer's personal discount, %
#: the catalogue: two products the customer orders, one they only see
MATS = {"sku": "MAT-ALL-01", "name": "All-weather floor mats", "base_price": "120.00"}
RACK = {"sku": "RCK-ROOF-02", "name": "Roof rack bars", "base_price": "45.50"}
WALLBOX = {"sku": "CHG-WB-11", "name": "Wallbox 11 kW", "base_price": "690.00"}


@dataclass(frozen=True)
class Shopper:
    """Who orders: their language, currency and the dealer's rate into it."""

    language: str
    currency: str
    rate: str
    name: str
    phone: str

    def text(self, message: str, **values: object) -> str:
        """``message`` as the quick link pages say it to this customer."""
        with i18n.in_language(self.language):
            text = i18n.gettext(message, domain="quicklinks")
        return text % values if values else text

    def money(self, amount: Decimal) -> str:
        with i18n.in_language(self.language):
            return i18n.fmt_money(amount, self.currency)


#: texts of the customer's way, each asserted on the page in the customer's language
SHOP_WORDS = ("Catalogue", "Products", "In stock", "On order", "Search by name or SKU", "Search", "Quantity",
              "Add to cart", "Shop", "Cart", "Update", "Go to checkout", "Delivery address", "Comment",
              "Place the order", "Your cart is empty.", "Enter the delivery address.", "Added to the cart.")
RUSSIAN = Shopper("ru", "RUB", "98.5", "Ольга Смирнова", "+7 912 345 67 89")
CHINESE = Shopper("zh", "CNY", "7.82", "王芳", "+86 138 0013 8000")


def logo_png(width: int = 120, height: int = 40) -> bytes:
    """A small PNG made here (no image library): a navy badge with an amber stripe, for the logo upload."""
    rows = b"".join(b"\x00" + b"".join(bytes((0xB4, 0x53, 0x09) if height // 3 <= y < height // 3 + 6 and x > 12
                                               else (0x1F, 0x4E, 0x79)) for x in range(width))
                    for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def personal(product: dict[str, str], shopper: Shopper, quantity: int = 1) -> Decimal:
    """What ``quantity`` units cost this customer: the orders plugin's own line arithmetic (to the cent)."""
    from plugins.orders.sales.totals import line_total, money

    unit = money(Decimal(product["base_price"]) * Decimal(shopper.rate))
    return line_total(quantity, unit, DISCOUNT, 0).total


# --- seeding (the catalogue and the customer are the orders' and customers' own services) --------------------


async def seed(dealer, shopper: Shopper) -> tuple[int, dict[str, int]]:
    """The dealer's catalogue in stock (the wallbox only on order) and the customer, owned by the manager."""
    from forecourt import system_context
    from plugins.customers import services as customers
    from plugins.orders import services as catalogue

    ctx = system_context(dealer.id, frozenset(dealer.modules), dealer.name, "en")
    yard = await catalogue.create_warehouse(ctx, {"name": "Main yard", "address": "Průmyslová 12"})
    ids: dict[str, int] = {}
    for product in (MATS, RACK, WALLBOX):
        row = await catalogue.create_product(ctx, {**product, "kind": "accessory", "unit": "pcs", "currency": "",
                                                   "active": "1"})
        ids[product["sku"]] = row.id
        if product is not WALLBOX:
            await catalogue.receive(ctx, row.id, yard.id, 20)
    manager = dealer.users["manager"]
    owner = dataclasses.replace(ctx, user_id=manager.id, role="manager")
    customer = await customers.create(owner, {
        "name": shopper.name, "phone": shopper.phone, "source": "website", "temperature": "hot",
        "discount_pct": str(DISCOUNT), "currency": shopper.currency, "language": shopper.language,
        "email": f"{shopper.language}-{dealer.id}@example.test", "address": "Lenina 1"}, language="en")
    return customer.id, ids


async def set_up_the_pages(page: Page, dealer, shopper: Shopper) -> None:
    """The dealer admin, in Quick links -> Settings: the pages' title and colours, and EUR -> the customer's
    currency (a mistyped rate first: refused beside its field, the input kept, nothing saved)."""
    admin = dealer.users["dealer_admin"]
    await log_in(page, admin.login, admin.password)
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Quick links").click()
    await expect(page).to_have_url(re.compile(r"/quicklinks/settings$"))
    await page.get_by_label("Title of the customer pages").fill(BRAND)
    await page.get_by_label("Main colour").fill("#1f4e79")
    await page.get_by_label("Accent colour").fill("#b45309")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.get_by_label("Title of the customer pages")).to_have_value(BRAND)
    await page.get_by_label("A new logo").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": logo_png()})
    await page.get_by_role("button", name="Upload the logo").click()
    await expect(page.locator("img.ql-logo")).to_be_visible()

    adding = page.locator("form.ql-add-rate")
    await adding.get_by_label("From").select_option(DEALER_CURRENCY)
    await adding.get_by_label("To", exact=True).select_option(shopper.currency)
    await adding.get_by_label("Rate", exact=True).fill("-1")
    await adding.get_by_role("button", name="Add the rate").click()
    await expect(page.locator("form.ql-add-rate .field-error")).to_be_visible()
    await expect(page.locator("tr[data-rate]")).to_have_count(0)
    await expect(adding.get_by_label("To", exact=True)).to_have_value(shopper.currency)
    await adding.get_by_label("Rate", exact=True).fill(shopper.rate)
    await adding.get_by_role("button", name="Add the rate").click()
    row = page.locator(f'tr[data-rate="{DEALER_CURRENCY}-{shopper.currency}"]')
    await expect(row).to_have_count(1)
    await expect(row.get_by_role("textbox")).to_have_value(re.compile(re.escape(shopper.rate)))
    await log_out(page)


async def log_out(page: Page) -> None:
    await page.get_by_role("button", name="Log out").click()
    await expect(page).to_have_url(re.compile(r"/login"))


async def generate_link(page: Page, dealer, customer_id: int) -> str:
    """The manager opens the customer card, generates the link and reads its URL (shown this once)."""
    manager = dealer.users["manager"]
    await log_in(page, manager.login, manager.password)
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    await page.goto(f"/customers/{customer_id}")
    panel = page.locator("#ql-panel")
    await expect(panel).to_have_attribute("data-link", "none")
    await panel.get_by_role("button", name="Generate quick order link").click()
    shown = page.locator("#ql-panel [data-quicklink-url]")
    await expect(shown).to_be_visible()
    url = (await shown.input_value()).strip()
    assert re.fullmatch(r"https?://[^/]+/quicklinks/o/[A-Za-z0-9_-]{43}", url), url
    await expect(page.locator("#ql-panel")).to_have_attribute("data-link", "live")
    await expect(page.locator("#ql-panel figure svg")).to_have_count(1)  # the QR code, inline
    await expect(page.locator("#ql-panel").get_by_role("button", name="Copy")).to_be_visible()
    assert not await axe_violations(page)  # the panel as htmx left it
    await page.reload()  # shown once: a later GET of the card never carries the token
    await expect(page.locator("#ql-panel")).to_have_attribute("data-link", "live")
    assert url.rsplit("/", 1)[1] not in await page.content()
    return url


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
    await page.get_by_label(t("Comment")).fill("e2e: call before delivery")
    await page.get_by_role("button", name=t("Place the order")).click()
    await expect(page.locator("#err-address")).to_have_text(t("Enter the delivery address."))
    await expect(page.get_by_label(t("Comment"))).to_have_value("e2e: call before delivery")
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
    customer = await browser.new_context(base_url=forecourt_server, locale="zh-CN")
    customer.set_default_timeout(10_000)
    try:
        shop_page = await customer.new_page()
        await shop_page.goto(first)
        t = CHINESE.text
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
