"""The manager's and the dealer admin's steps of the quick link browser tests, and what they share.

Seeding goes through the orders' and customers' own services (the test process shares the server's database);
everything a person does goes through the browser. Prices are worked out here with the orders plugin's own
line arithmetic, so a test compares the page with the order to the cent.
"""

from __future__ import annotations

import dataclasses
import re
import struct
import zlib
from dataclasses import dataclass
from decimal import Decimal

from conftest import axe_violations
from playwright.async_api import Page, expect
from test_browser import log_in

from core import i18n

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
              "Add to cart", "Shop", "Cart", "Update", "Go to checkout", "Delivery address", "Note to the order",
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
