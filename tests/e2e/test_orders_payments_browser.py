"""Payments in a real browser: a bank-transfer payment is added and received, the invoice opens, paid/due follow."""

import datetime as dt
from decimal import Decimal

from conftest import ARTIFACTS
from playwright.async_api import Page, expect
from test_browser import log_in

from forecourt import now
from plugins.orders.tables import Order, OrderLine


async def test_a_bank_transfer_payment_and_the_invoice(page: Page, make_dealer):
    dealer = await make_dealer(modules=["orders"], roles=("manager",))
    other = await make_dealer(modules=["orders"], roles=("manager",))
    at = now()
    order = await Order.scoped(dealer.id).insert(
        number=1, contact_name="Eva Malá", currency="CZK", total=Decimal("1049900"), subtotal=Decimal("1049900"),
        payment_method="bank_transfer", legal_name="Autodoprava Malá s.r.o.", legal_tax_id="CZ12345678",
        created_at=at, updated_at=at + dt.timedelta(seconds=1))
    await OrderLine.scoped(dealer.id).insert(order_id=order.id, position=1, sku="CAR-OCT-01", name="Škoda Octavia",
                                             quantity=1, unit_price=Decimal("1049900"), line_total=Decimal("1049900"))
    manager = dealer.users["manager"]
    await log_in(page, manager.login, manager.password)
    await page.goto(f"/orders/payments/order/{order.id}")
    await page.get_by_label("Amount").fill("0")
    await page.get_by_role("button", name="Add the payment").click()
    await expect(page.locator("#e-amount")).to_be_visible()  # refused, the form kept
    await page.get_by_label("Amount").fill("500 000")
    await page.get_by_label("Method").select_option(label="Bank transfer")
    await page.get_by_role("button", name="Add the payment").click()
    await expect(page.get_by_text("Payment added.")).to_be_visible()
    await page.get_by_role("button", name="Money received").click()
    await expect(page.locator("[data-status=received]")).to_have_count(1)
    await expect(page.locator("[data-due]")).to_have_attribute("data-due", "549900.00")
    await page.screenshot(path=str(ARTIFACTS / "order-payments.png"), full_page=True)
    await page.goto(f"/orders/payments/order/{order.id}/invoice")
    await expect(page.get_by_role("heading", name="Invoice for order 1")).to_be_visible()
    await expect(page.get_by_text("Autodoprava Malá s.r.o.")).to_be_visible()
    await page.goto("/orders/payments/")
    await expect(page.locator('[data-desk="bank"]')).to_have_attribute("data-received", "500000.00")
    # another dealer's manager sees none of it
    await page.context.clear_cookies()
    await log_in(page, other.users["manager"].login, other.users["manager"].password)
    response = await page.goto(f"/orders/payments/order/{order.id}/invoice")
    assert response is not None and response.status == 404
    await page.goto("/orders/payments/")
    await expect(page.locator('[data-desk="bank"]')).to_have_attribute("data-received", "0")
