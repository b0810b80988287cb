"""What the system writes is read in the reader's language, whoever wrote it and in whichever language."""

import datetime as dt
import re

from playwright.async_api import Page, expect
from test_browser import log_in
from test_leads import new_lead, proof_in

from core import i18n
from core.context import system_context
from core.messages import Message
from plugins.leads import jobs
from plugins.leads.tables import Lead


def czech(message: Message) -> str:
    token = i18n.set_locale("cs")
    try:
        return str(message)
    finally:
        i18n.reset_locale(token)


async def test_a_czech_reader_reads_czech_whoever_wrote_it(page: Page, make_dealer, client_as):
    praha = await make_dealer(modules=["leads"])
    moskva = await make_dealer(modules=["leads"])
    writer = await client_as(praha, "manager")
    lead_id = await new_lead(writer, surname="Dvořáková", first_name="Eva", phone="+420 601 234 575",
                             price="2415000")
    late_id = await new_lead(writer, surname="Pozdní", first_name="Petr", phone="+420 601 234 576")
    await Lead.scoped(praha.id).update({Lead.created_at: Lead.created_at - dt.timedelta(days=2)}).where(
        Lead.id == late_id)
    assert await jobs.escalate_late(system_context(praha.id, frozenset(praha.modules))) == "1 late lead(s) escalated"

    # a Russian-speaking manager of the other dealer records the contract on Praha's lead
    russian = await client_as(moskva, "manager")
    await russian.post("/lang", data={"lang": "ru", "next": "/"})
    found = await russian.get("/leads/search-all", params={"surname": "Dvořáková", "first_name": "Eva",
                                                            "phone": "4575"})
    r = await russian.post(f"/leads/found/{lead_id}/contract", data={"proof": proof_in(found.text, lead_id)})
    assert r.status_code == 303

    # Praha's administrator reads Czech
    admin = praha.users["dealer_admin"]
    admin_http = await client_as(praha, "dealer_admin")
    await admin_http.post("/lang", data={"lang": "cs", "next": "/"})
    await admin_http.post(f"/admin/dealers/{praha.id}/currency", data={"currency": "CZK"})
    await log_in(page, admin.login, admin.password)
    reminders = page.locator(".reminder-list")
    await expect(reminders).to_contain_text(czech(Message(
        "Nobody has reached %(name)s for more than a day (assignee: %(who)s)", name="Petr Pozdní",
        who=(await Lead.scoped(praha.id).get(late_id)).assignee_name)))
    await expect(reminders).not_to_contain_text("Nobody has reached")
    await page.goto(f"/leads/{lead_id}")
    timeline = page.locator(".timeline")
    await expect(timeline).to_contain_text(czech(Message("Contract signed with %(dealer)s", dealer=moskva.name)))
    await expect(timeline).not_to_contain_text(re.compile("[А-Яа-я]"))  # nothing of the writer's Russian
    await expect(timeline).not_to_contain_text("Contract signed with")
    await expect(page.locator("dd", has_text="Kč")).to_have_text("2\xa0415\xa0000\xa0Kč")  # the dealer's currency
