"""Reports in a real browser: a dealer admin opens each report, changes the period, downloads the XLSX."""

import io
import re

from conftest import ARTIFACTS
from openpyxl import load_workbook
from playwright.async_api import Page, expect
from test_browser import log_in

from core.context import system_context
from core.registry import registry
from core.tables import Dealer

DOCS = ARTIFACTS.parent / "docs" / "img"


async def test_a_dealer_admin_reads_every_report_and_downloads_it(page: Page, make_dealer):
    dealer = await make_dealer(modules=None)
    row = await Dealer.objects().where(Dealer.id == dealer.id).first()
    ctx = system_context(dealer.id, frozenset(dealer.modules), row.name, row.language)
    await registry().call("demo_data", modules=frozenset(dealer.modules), dealer=row,
                          users={role: user.id for role, user in dealer.users.items()}, ctx=ctx)
    admin = dealer.users["dealer_admin"]
    await log_in(page, admin.login, admin.password)
    await page.goto("/")
    widget = page.locator("#report-my-week")
    await expect(widget).to_be_visible()  # the home widget, loaded after the page
    await page.get_by_role("link", name="Reports").first.click()
    await expect(page.get_by_role("heading", name="Manager efficiency", level=1)).to_be_visible()
    await expect(page.locator("svg.chart-bars").first).to_be_visible()
    await page.set_viewport_size({"width": 1280, "height": 1400})
    await page.screenshot(path=str(DOCS / "reports-dashboard.png"), full_page=False)
    await page.set_viewport_size({"width": 1280, "height": 800})
    for title in ("Lead funnel and speed to lead", "Sales performance", "Customer analysis", "Other modules"):
        await page.get_by_role("navigation", name="Reports").get_by_role("link", name=title).click()
        await expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
        await page.get_by_label("Period", exact=True).select_option("last_month")
        await page.get_by_role("button", name="Show").click()
        await expect(page).to_have_url(re.compile(r"period=last_month"))
        await expect(page.locator("#report-body")).to_be_visible()
    await page.get_by_label("Period", exact=True).select_option("month")
    await page.get_by_role("button", name="Show").click()
    async with page.expect_download() as info:
        await page.get_by_role("link", name="Download XLSX").click()
    download = await info.value
    assert download.suggested_filename.startswith("report-other-") and download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO((await download.path()).read_bytes()))
    assert book.sheetnames
