"""Defects from the user trial (issue 9, item 4) as a person sees them, in a real browser."""

import re

from playwright.async_api import Page, expect
from test_browser import log_in

LEAD = {"surname": "Novák", "first_name": "Jan", "phone": "+420 601 234 567", "model": "Peugeot 408",
        "source": "phone", "request_type": "pre_order", "confirm_duplicate": "1"}


async def new_lead(client, **values) -> int:
    """A lead saved through the "+ New" form over HTTP (the browser then opens its card)."""
    r = await client.post("/leads/", data={**LEAD, **values})
    assert r.status_code == 303, r.text[:800]
    return int(r.headers["location"].rsplit("/", 1)[1])


async def test_discard_says_the_model_is_required_for_bought_another_car(page: Page, make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"], roles=("manager",))
    lead_id = await new_lead(await client_as(dealer, "manager"))
    manager = dealer.users["manager"]
    await log_in(page, manager.login, manager.password)
    await page.goto(f"/leads/{lead_id}")
    workflow = page.locator(".workflow")
    await workflow.locator("summary", has_text="Discard").click()
    discard = workflow.locator('details[data-transition="discard"]')
    label = discard.locator('label[for="a-discard-model"]')
    await expect(label).to_have_text(re.compile(r"Which model\s+\(required for “Bought another car”\)"))
    reason = discard.locator("#a-discard-reason")
    await reason.select_option("Bought another car")
    await expect(label).to_have_text(re.compile(r"Which model\s+\(required\)$"))
    await expect(discard.locator("#a-discard-model")).to_have_attribute("required", "")
    await reason.select_option("Duplicate")
    await expect(label).to_have_text(re.compile(r"Which model\s+\(optional\)$"))
    await expect(discard.locator("#a-discard-model")).not_to_have_attribute("required", "")
    await reason.select_option("Bought another car")
    await discard.get_by_label("Details").fill("Bought at the competitor")
    await discard.get_by_role("button", name="Discard").click()
    # the browser does not send the form without the model
    await expect(page.locator(".workflow [data-state]")).to_have_text("New")
    await discard.locator("#a-discard-model").fill("Škoda Octavia")
    await discard.get_by_role("button", name="Discard").click()
    await expect(page.locator(".workflow [data-state]")).to_have_text("Discarded")
