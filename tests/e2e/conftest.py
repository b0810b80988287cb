"""Browser tests: the real app in a child process, driven by Debian's Chromium.

Playwright's async API runs on the suite's session event loop (no
pytest-playwright: its sync fixtures break pytest-asyncio, see STACK.md).
These tests carry the ``e2e`` marker and run in a pytest run of their own.
"""

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Error, Page, async_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"  #: axe-core, see vendor/axe-core/VERSION.txt
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


_axe_locks: "weakref.WeakKeyDictionary[Page, asyncio.Lock]" = weakref.WeakKeyDictionary()


async def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.0/2.1/2.2 A and AA violations on the page as it is now, one line each.

    One run at a time per page (axe refuses a second while one runs): the fixture's check of a
    page that just loaded and a test's own call wait for each other.
    """
    async with _axe_locks.setdefault(page, asyncio.Lock()):
        if not await page.evaluate("typeof window.axe !== 'undefined'"):
            await page.add_script_tag(path=str(AXE))
        found = await page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                                    ".then(r => r.violations.map(v => v.id + ': ' + v.help + ' — '"
                                    " + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))", AXE_TAGS)
    return list(found)


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
    # every page a browser test loads is checked by axe-core as it loads; a test that moves on before the
    # check ends (a navigation destroys the page's context) leaves that one page unchecked, never failed
    violations: list[str] = []
    checks: list[asyncio.Task] = []

    async def check() -> None:
        url = page.url
        with contextlib.suppress(Error):
            violations.extend(f"{url}: {v}" for v in await axe_violations(page))

    page.on("load", lambda _page: checks.append(asyncio.ensure_future(check())))
    yield page
    await asyncio.gather(*checks, return_exceptions=True)
    if getattr(request.node, "rep_call_failed", False):
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    await context.close()
    assert not violations, "axe-core (WCAG 2.2 A/AA) found:\n" + "\n".join(dict.fromkeys(violations))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.rep_call_failed = True
    return report
