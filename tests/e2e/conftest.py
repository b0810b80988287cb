"""Browser tests: the real app in a child process, driven by Debian's Chromium.

Playwright's async API runs on the suite's session event loop (no
pytest-playwright: its sync fixtures break pytest-asyncio, see STACK.md).
These tests carry the ``e2e`` marker and run in a pytest run of their own.
"""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest.fixture
async def page(browser: Browser, forecourt_server: str, request) -> AsyncIterator[Page]:
    """A fresh browser context (no cookies) on the test server; a screenshot is kept if the test fails."""
    context = await browser.new_context(base_url=forecourt_server, viewport={"width": 1280, "height": 800},
                                        locale="en-GB")
    context.set_default_timeout(10_000)
    page = await context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    yield page
    if getattr(request.node, "rep_call_failed", False):
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    await context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.rep_call_failed = True
    return report
