"""An order's whole way in a real browser, at dealer A: the storekeeper stocks a warehouse, the telephony reports
a call, the manager turns the inquiry into an order for the caller with two items, confirms it (the catalogue
shows the reservation), takes the payment by bank transfer and opens the invoice, ships the order and hands it
over (the catalogue shows the stock written off); dealer B never sees any of it."""

import re

import httpx
from conftest import ARTIFACTS, axe_violations
from playwright.async_api import Browser, Page, expect
from test_browser import log_in

CALLER = "+420 603 555 777"
CALLER_SHOWN = re.compile(r"603\s*555\s*777")
CAR = {"sku": "OCT-CMB-01", "name": "Škoda Octavia Combi", "price": "649900", "model": "Octavia Combi",
       "vin": "TMBJJ7NE0L0123456"}
TYRES = {"sku": "TYR-WIN-16", "name": "Winter tyre 205/55 R16", "price": "3490"}


async def log_out(page: Page) -> None:
    await page.get_by_role("button", name="Log out").click()
    await expect(page).to_have_url(re.compile(r"/login"))


async def expect_stock(page: Page, product_id: str, on_hand: int, reserved: int) -> None:
    await page.goto(f"/orders/catalogue/{product_id}")
    row = page.locator("#stock tbody tr").first
    await expect(row.locator("td")).to_have_text(["Main yard", str(on_hand), str(reserved), str(on_hand - reserved)])


async def add_product(page: Page, kind: str, product: dict[str, str], quantity: int) -> str:
    """Through the catalogue as the storekeeper: the product, then units received into the warehouse; its id."""
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Catalogue").click()
    await page.get_by_role("link", name="+ New product").click()
    await page.get_by_label("Kind").select_option(label=kind)
    await page.get_by_label("SKU").fill(product["sku"])
    await page.get_by_label("Product name").fill(product["name"])
    await page.get_by_label("Base price").fill(product["price"])
    if "model" in product:
        await page.get_by_label("Model", exact=True).fill(product["model"])
        await page.get_by_label("VIN").fill(product["vin"])
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_text(f"Product {product['sku']} saved.")).to_be_visible()
    await expect(page.get_by_role("heading", name=product["name"])).to_be_visible()
    product_id = page.url.rstrip("/").rsplit("/", 1)[1]
    await page.get_by_label("Receive units").check()
    await page.get_by_label("Warehouse", exact=True).select_option(label="Main yard")
    await page.get_by_label("Quantity", exact=True).fill(str(quantity))
    await page.get_by_role("button", name="Save the stock").click()
    await expect(page.locator("#stock tbody tr").first.locator("td")).to_have_text(
        ["Main yard", str(quantity), "0", str(quantity)])
    return product_id


async def test_call_to_inquiry_to_order_confirmed_paid_shipped_delivered(page: Page, make_dealer, forecourt_server):
    a = await make_dealer(modules=["orders", "customers"])
    b = await make_dealer(modules=["orders", "customers"], roles=("manager",))
    nav = page.get_by_role("navigation", name="Main")

    # --- A's storekeeper: a warehouse, a car (1 unit) and winter tyres (8) --------------------------------
    storekeeper = a.users["storekeeper"]
    await log_in(page, storekeeper.login, storekeeper.password)
    await nav.get_by_role("link", name="Catalogue").click()
    await page.get_by_role("link", name="Warehouses").click()
    await page.get_by_label("Warehouse name").fill("Main yard")
    await page.get_by_label("Address").fill("Průmyslová 12, Praha")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_text("Warehouse saved.")).to_be_visible()
    await expect(page.locator("tr[data-warehouse]")).to_have_text([re.compile("Main yard")])
    car_id = await add_product(page, "Vehicle", CAR, 1)
    tyres_id = await add_product(page, "Accessory", TYRES, 8)
    await log_out(page)

    # --- A's dealer admin: a telephony key, shown once ------------------------------------------------------
    admin = a.users["dealer_admin"]
    await log_in(page, admin.login, admin.password)
    await nav.get_by_role("link", name="Inquiries").click()
    await page.get_by_role("link", name="Telephony keys").click()
    await page.get_by_label("Telephony or line that will use it").fill("Office PBX")
    await page.get_by_role("button", name="Make a key").click()
    await expect(page.get_by_text("Copy the key now: it is not shown again.")).to_be_visible()
    key = (await page.locator("#new-key").inner_text()).strip()
    assert key.startswith("fct_")
    await log_out(page)

    # --- the telephony reports the call ---------------------------------------------------------------------
    async with httpx.AsyncClient(base_url=forecourt_server, timeout=30) as pbx:
        answer = await pbx.post("/orders/api/calls", json={"caller": CALLER, "line": "Sales", "call_id": "e2e-1"},
                                headers={"authorization": f"Bearer {key}"})
    assert answer.status_code == 201, answer.text
    assert answer.headers["content-type"].startswith("application/json")

    # --- A's manager: the inquiry, then the order for the caller ------------------------------------------------
    manager = a.users["manager"]
    await log_in(page, manager.login, manager.password)
    await nav.get_by_role("link", name="Inquiries").click()
    row = page.locator("tr[data-inquiry]", has_text=CALLER_SHOWN)
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("New")
    await expect(row).to_contain_text("Sales")
    await row.get_by_role("link").click()
    heading = page.get_by_role("heading", name=re.compile(r"Inquiry #\d+"))
    await expect(heading).to_be_visible()
    inquiry_number = re.search(r"#\d+", await heading.inner_text())[0]
    inquiry_url = page.url
    await expect(page.locator("#calls tbody tr[data-call]")).to_have_count(1)
    await expect(page.locator("#caller")).to_contain_text("No customer record for this number.")
    await page.get_by_role("link", name="Create order").click()

    # the form: prefilled with the caller
    await expect(page.get_by_role("heading", name="New order")).to_be_visible()
    await expect(page.get_by_label("Phone", exact=True)).to_have_value(CALLER_SHOWN)
    await expect(page.locator("#zone-inquiry").get_by_role("link")).to_have_text(f"Inquiry {inquiry_number}")
    # the car by its SKU
    await page.get_by_label("Add by SKU").fill(CAR["sku"])
    await page.get_by_role("button", name="Add the item").click()
    lines = page.locator("table.order-lines tbody tr[data-line]")
    await expect(lines).to_have_count(1)
    await expect(lines.first).to_contain_text(CAR["name"])
    # the tyres by name: the results appear under the search box; four of them
    await page.get_by_label("Find a product by name").fill("winter tyre")
    result = page.locator("#item-results li", has_text=TYRES["sku"])
    await expect(result).to_be_visible()
    await result.get_by_role("button", name="Add").click()
    await expect(lines).to_have_count(2)
    await expect(lines.nth(1)).to_contain_text(TYRES["name"])
    await page.get_by_label(f"Quantity ({TYRES['sku']})").fill("4")
    await page.get_by_role("button", name="Recalculate").click()
    await expect(page.locator("[data-total]")).to_have_attribute("data-total", "663860.00")  # 649 900 + 4 x 3 490
    # the caller becomes a customer; payment by bank transfer unlocks the legal details
    await page.get_by_label("Customer's name").fill("Jana Dvořáková")
    await page.get_by_label("New customer: add them to the customers").check()
    await page.get_by_label("Payment method").select_option(label="Bank transfer")
    await expect(page.get_by_label("Company name")).to_be_enabled()
    await page.get_by_label("Company name").fill("Dvořáková Logistika s.r.o.")
    await page.get_by_label("Tax ID (INN)").fill("CZ27082440")
    await page.get_by_label("Legal address").fill("Nádražní 5, Brno")
    await page.get_by_label("Delivery method").select_option(label="Pickup at the dealer")
    await page.get_by_label("Warehouse", exact=True).select_option(label="Main yard")
    assert not await axe_violations(page)  # the form as htmx left it: two items, the legal details open
    await page.get_by_role("button", name="Save the order").click()

    # the card
    await expect(page.get_by_text(re.compile(r"Order \d+ saved\."))).to_be_visible()
    card = page.locator("#order-card")
    status = card.locator("h1 [data-status]")
    await expect(status).to_have_attribute("data-status", "new")
    order_url = page.url
    assert re.search(r"/orders/\d+$", order_url), order_url
    await expect(card.locator("#zone-items tbody tr")).to_have_count(2)
    await expect(card.locator("#zone-customer")).to_contain_text("Jana Dvořáková")
    await expect(card.locator("#zone-order")).to_contain_text("Dvořáková Logistika s.r.o.")
    customer_link = card.locator("#zone-customer a")
    await expect(customer_link).to_have_count(1)
    customer_url = await customer_link.get_attribute("href")
    # the inquiry knows its order now
    await page.goto(inquiry_url)
    await expect(page.locator("[data-state]").first).to_have_text("Order created")
    await page.get_by_role("link", name="Open the order").click()
    await expect(page).to_have_url(order_url)

    # confirm: the stock is reserved, and the catalogue shows it
    await card.locator('form[data-transition="confirm"]').get_by_role("button", name="Confirm").click()
    await expect(status).to_have_attribute("data-status", "confirmed")
    await expect(card.locator('[data-stamp="reserved_at"]')).to_be_visible()
    await expect_stock(page, car_id, on_hand=1, reserved=1)
    await expect_stock(page, tyres_id, on_hand=8, reserved=4)
    await nav.get_by_role("link", name="Catalogue").click()
    await expect(page.locator(f'tr[data-product="{car_id}"] td[data-available]')).to_have_text("0")
    await expect(page.locator(f'tr[data-product="{tyres_id}"] td[data-available]')).to_have_text("4")

    # paid in full by bank transfer; the invoice opens (to print, and as a PDF)
    await page.goto(order_url)
    payments = page.locator("#payments")
    await payments.get_by_label("Amount").fill("663 860")
    await payments.get_by_label("Method", exact=True).select_option(label="Bank transfer")
    await payments.get_by_role("button", name="Add the payment").click()
    await expect(page.get_by_text("Payment added.")).to_be_visible()
    await expect(payments.locator("tr[data-payment]")).to_have_count(1)
    await payments.get_by_role("button", name="Money received").click()
    await expect(payments.locator('tr[data-status="received"]')).to_have_count(1)
    await expect(payments.locator("[data-paid]")).to_have_attribute("data-paid", "663860.00")
    await expect(payments.locator("[data-due]")).to_have_attribute("data-due", re.compile(r"^0(\.00)?$"))
    documents = payments.locator("li", has_text="Invoice (company)")
    async with page.context.expect_page() as opened:
        await documents.get_by_role("link", name="print").click()
    invoice = await opened.value
    await expect(invoice.get_by_role("heading", name=re.compile(r"Invoice for order \d+"))).to_be_visible()
    await expect(invoice.get_by_text("Dvořáková Logistika s.r.o.").first).to_be_visible()
    await expect(invoice.get_by_text(TYRES["name"]).first).to_be_visible()
    assert not await axe_violations(invoice)
    await invoice.close()
    pdf = await page.request.get(await documents.get_by_role("link", name="PDF").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"].startswith("application/pdf")
    assert (await pdf.body()).startswith(b"%PDF")

    # shipped, then handed over: the stock is written off
    await card.locator('form[data-transition="ship"]').get_by_role("button", name="Ship").click()
    await expect(status).to_have_attribute("data-status", "shipped")
    await expect(card.locator('[data-stamp="shipped_at"]')).to_be_visible()
    await card.locator('form[data-transition="deliver"]').get_by_role("button", name="Handed over").click()
    await expect(status).to_have_attribute("data-status", "delivered")
    await expect(card.locator('[data-stamp="handed_over_at"]')).to_be_visible()
    await page.screenshot(path=str(ARTIFACTS / "order-delivered.png"), full_page=True)
    await expect_stock(page, car_id, on_hand=0, reserved=0)
    await expect_stock(page, tyres_id, on_hand=4, reserved=0)
    await log_out(page)

    # --- dealer B's manager: none of it -------------------------------------------------------------------------
    other = b.users["manager"]
    await log_in(page, other.login, other.password)
    await nav.get_by_role("link", name="Inquiries").click()
    await expect(page.locator("tr[data-inquiry]")).to_have_count(0)
    await page.get_by_role("searchbox").fill("603555777")
    await page.get_by_role("button", name="Show").click()
    await expect(page.get_by_text("No inquiry matches.")).to_be_visible()
    await nav.get_by_role("link", name="Orders").click()
    await expect(page.locator("tr[data-order]")).to_have_count(0)
    await expect(page.get_by_text("No order matches.")).to_be_visible()
    await expect(page.get_by_text("Jana Dvořáková")).to_have_count(0)
    await nav.get_by_role("link", name="Customers").click()
    await expect(page.get_by_text("Jana Dvořáková")).to_have_count(0)
    await nav.get_by_role("link", name="Catalogue").click()
    await expect(page.get_by_text(CAR["name"])).to_have_count(0)
    await page.goto("/orders/payments/")
    await expect(page.locator('[data-desk="bank"]')).to_have_attribute("data-received", "0")
    documents_url = order_url.replace("/orders/", "/orders/payments/order/")
    for url in (order_url, inquiry_url, customer_url, f"/orders/catalogue/{car_id}", f"{documents_url}/invoice",
                f"{documents_url}/invoice.pdf"):
        response = await page.goto(url)
        assert response is not None and response.status == 404, url


async def test_an_order_from_an_inquiry_without_javascript(browser: Browser, make_dealer, forecourt_server):
    """The same way with JavaScript off (no htmx: every button posts the form and the page comes back), at a
    dealer without the customers module: the order keeps its own contact details."""
    dealer = await make_dealer(modules=["orders"])
    context = await browser.new_context(base_url=forecourt_server, locale="en-GB", java_script_enabled=False)
    page = await context.new_page()
    try:
        storekeeper = dealer.users["storekeeper"]
        await log_in(page, storekeeper.login, storekeeper.password)
        await page.goto("/orders/catalogue/warehouses")
        await page.get_by_label("Warehouse name").fill("Main yard")
        await page.get_by_role("button", name="Save").click()
        await expect(page.get_by_text("Warehouse saved.")).to_be_visible()
        tyres_id = await add_product(page, "Accessory", TYRES, 8)
        await log_out(page)

        manager = dealer.users["manager"]
        await log_in(page, manager.login, manager.password)
        await page.get_by_role("navigation", name="Main").get_by_role("link", name="Inquiries").click()
        await page.get_by_role("link", name="+ New inquiry").click()
        await page.get_by_label("Phone").fill(CALLER)
        await page.get_by_label("Name", exact=True).fill("Jana Dvořáková")
        await page.get_by_role("button", name="Save the inquiry").click()
        await expect(page.get_by_text(re.compile(r"Inquiry #\d+ saved\."))).to_be_visible()
        await page.get_by_role("link", name="Create order").click()
        await expect(page.get_by_label("Customer's name")).to_have_value("Jana Dvořáková")
        await expect(page.get_by_text("The order keeps its own contact details.")).to_be_visible()
        await page.get_by_label("Find a product by name").fill("winter")
        await page.get_by_role("button", name="Find", exact=True).click()
        await page.locator("#item-results li", has_text=TYRES["sku"]).get_by_role("button", name="Add").click()
        lines = page.locator("table.order-lines tbody tr[data-line]")
        await expect(lines).to_have_count(1)
        await page.get_by_label(f"Quantity ({TYRES['sku']})").fill("3")
        await page.get_by_role("button", name="Recalculate").click()
        await expect(page.locator("[data-total]")).to_have_attribute("data-total", "10470.00")
        await page.get_by_label("Payment method").select_option(label="Bank transfer")
        await expect(page.get_by_label("Company name")).to_be_disabled()  # until the form is sent back
        await page.get_by_role("button", name="Update the form").click()
        await page.get_by_label("Company name").fill("Dvořáková Logistika s.r.o.")
        await page.get_by_label("Warehouse", exact=True).select_option(label="Main yard")
        await page.get_by_role("button", name="Save the order").click()
        await expect(page.get_by_text(re.compile(r"Order \d+ saved\."))).to_be_visible()
        await expect(page.locator("#zone-order")).to_contain_text("Dvořáková Logistika s.r.o.")
        await page.locator('form[data-transition="confirm"]').get_by_role("button", name="Confirm").click()
        await expect(page.locator("#order-card h1 [data-status]")).to_have_attribute("data-status", "confirmed")
        await expect_stock(page, tyres_id, on_hand=8, reserved=3)
    finally:
        await context.close()
