"""The bulk import in a real browser: upload, mapping, preview, the progress bar to 100 % across a reload."""

from conftest import ARTIFACTS
from playwright.async_api import Page, expect
from test_browser import log_in


def export(rows: int) -> bytes:
    """Another program's export: its own column names, semicolons, some labels instead of keys."""
    lines = ["Jméno;Telefon;E-mail;Zdroj"]
    for n in range(rows):
        lines.append(f"Zákazník {n};+420 {601_000_000 + n};z{n}@example.cz;{'Website' if n % 2 else 'walk_in'}")
    return ("\n".join(lines) + "\n").encode()


async def test_importing_customers_shows_progress_to_100_percent(page: Page, make_dealer):
    from plugins.customers.tables import Customer

    dealer = await make_dealer(modules=["customers"], roles=("dealer_admin",))
    admin = dealer.users["dealer_admin"]
    await log_in(page, admin.login, admin.password)
    await page.goto("/customers/")
    await page.get_by_role("link", name="Import", exact=True).click()
    await page.get_by_label("CSV or XLSX file").set_input_files(
        files=[{"name": "old-crm.csv", "mimeType": "text/csv", "buffer": export(3000)}])
    await page.get_by_role("button", name="Upload").click()

    # the columns were recognised by their Czech names; the check runs as a job, then the preview shows
    await expect(page.get_by_label("Jméno")).to_have_value("name")
    await expect(page.get_by_label("Telefon")).to_have_value("phone")
    await page.get_by_role("button", name="Check the rows").click()
    await expect(page.locator('[data-count="valid"]')).to_contain_text("3000", timeout=60_000)
    await expect(page.locator('[data-count="errors"]')).to_contain_text("0")
    assert await Customer.scoped(dealer.id).count() == 0  # the preview wrote nothing

    await page.get_by_role("button", name="Import", exact=True).click()
    progress = page.locator("#import-progress")
    await expect(progress).to_be_visible()
    await page.reload()  # the page finds the running import again
    await expect(page.locator("#import-progress")).to_have_attribute("data-percent", "100", timeout=60_000)
    await expect(page.locator("#import-progress")).to_contain_text("Imported: 3000 rows.")
    await page.screenshot(path=str(ARTIFACTS / "import-done.png"), full_page=True)
    assert await Customer.scoped(dealer.id).count() == 3000


async def test_the_progress_page_works_without_javascript(browser, forecourt_server, make_dealer):
    from plugins.customers.tables import Customer

    context = await browser.new_context(base_url=forecourt_server, java_script_enabled=False, locale="en-GB")
    page = await context.new_page()
    try:
        dealer = await make_dealer(modules=["customers"], roles=("dealer_admin",))
        admin = dealer.users["dealer_admin"]
        await log_in(page, admin.login, admin.password)
        await page.goto("/customers/import")
        await page.get_by_label("CSV or XLSX file").set_input_files(
            files=[{"name": "old-crm.csv", "mimeType": "text/csv", "buffer": export(50)}])
        await page.get_by_role("button", name="Upload").click()
        await page.get_by_role("button", name="Check the rows").click()
        for _ in range(60):  # the plain refresh link (and the page's own refresh) until the preview
            if await page.locator('[data-count="valid"]').count():
                break
            link = page.get_by_role("link", name="Refresh")
            if await link.count():
                await link.click()
            else:
                await page.get_by_role("link", name="Show the preview").click()
        await page.get_by_role("button", name="Import", exact=True).click()
        for _ in range(60):
            if await page.locator('#import-progress[data-percent="100"]').count():
                break
            await page.get_by_role("link", name="Refresh").click()
        await expect(page.locator("#import-progress")).to_have_attribute("data-percent", "100")
        assert await Customer.scoped(dealer.id).count() == 50
    finally:
        await context.close()
