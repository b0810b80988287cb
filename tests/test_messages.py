"""Texts the system writes are stored as message ids and read in each reader's language."""

import datetime as dt
import html
import inspect
import json

from test_leads import act, new_lead

from core import i18n
from core.context import system_context
from core.messages import Message, shown
from core.tables import History, Reminder
from plugins.leads import jobs
from plugins.leads.tables import Lead

READERS = ("cs", "ru", "zh")


def in_language(lang: str, text) -> str:
    token = i18n.set_locale(lang)
    try:
        return text() if inspect.isfunction(text) else str(text)
    finally:
        i18n.reset_locale(token)


def test_a_message_renders_per_reader_and_survives_its_json(forecourt_registry):
    message = Message("Nobody has reached %(name)s for more than a day (assignee: %(who)s)",
                      name="Petr Pozdní", who=Message("nobody"))
    back = Message.from_data(json.loads(message.dumps()))
    assert back == message
    texts = {lang: in_language(lang, back) for lang in ("en", *READERS)}
    assert texts["en"] == "Nobody has reached Petr Pozdní for more than a day (assignee: nobody)"
    assert len(set(texts.values())) == 4 and all("Petr Pozdní" in t for t in texts.values())
    assert in_language("ru", Message("no such msgid %(x)s", x=1)) == "no such msgid 1"
    assert in_language("cs", Message("Assigned %(broken)s")) == "Assigned %(broken)s"  # never raises
    # rows written before messages existed: an English msgid still translates, other text stays as written
    assert in_language("cs", lambda: shown("", "Assigned")) == in_language("cs", Message("Assigned")) != "Assigned"
    assert in_language("cs", lambda: shown("", "Договор заключен")) == "Договор заключен"


async def test_history_and_reminders_read_in_each_readers_language(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    writer = await client_as(dealer, "manager")  # writes in English
    lead_id = await new_lead(writer, surname="Pozdní", first_name="Petr", phone="+420 601 234 571")
    colleague = dealer.users["dealer_admin"]
    assert (await writer.post(f"/leads/{lead_id}/assign", data={"assignee": str(colleague.id)})).status_code == 303
    assert (await writer.post(f"/leads/{lead_id}", data={"version": "GT", "trim": "", "city": "Brno"})
            ).status_code == 303
    assert (await act(writer, lead_id, "postpone", "new", until=str(dt.date.today() + dt.timedelta(days=1)),
                      note="on holiday")).status_code == 303
    await Lead.scoped(dealer.id).update({Lead.postponed_until: dt.date.today() - dt.timedelta(days=1)}).where(
        Lead.id == lead_id)
    ctx = system_context(dealer.id, frozenset(dealer.modules))
    assert await jobs.wake_postponed(ctx) == "1 lead(s) back to New"
    late = await new_lead(writer, surname="Dlouhý", first_name="Jan", phone="+420 601 234 572")
    await Lead.scoped(dealer.id).update({Lead.created_at: Lead.created_at - dt.timedelta(days=2)}).where(
        Lead.id == late)
    assert await jobs.escalate_late(ctx) == "1 late lead(s) escalated"

    stored = await Reminder.select(Reminder.text, Reminder.message).where(Reminder.dealer_id == dealer.id)
    assert stored and all(r["message"] for r in stored)  # an id with parameters, not the writer's words
    assert any(r["text"] == "Postponed lead Pozdní is back" for r in stored)  # the English fallback
    change = await History.select(History.summary, History.message, History.payload).where(
        (History.entity_id == lead_id) & (History.kind == "change")).order_by(History.id).first()
    assert change["summary"] == "Assigned" and json.loads(change["message"])["id"] == "Assigned"

    who = (await Lead.scoped(dealer.id).get(late)).assignee_name
    for lang in READERS:
        reader = await client_as(dealer, "dealer_admin")
        await reader.post("/lang", data={"lang": lang, "next": "/"})
        home = html.unescape((await reader.get("/")).text)
        card = html.unescape((await reader.get(f"/leads/{lead_id}")).text)
        expect_home = [in_language(lang, Message("Postponed lead %(name)s is back", name="Pozdní")),
                       in_language(lang, Message("Nobody has reached %(name)s for more than a day (assignee: %(who)s)",
                                                 name="Jan Dlouhý", who=who))]
        expect_card = [in_language(lang, Message("Assigned")), in_language(lang, Message("Details changed")),
                       f"{in_language(lang, i18n.lazy_gettext('Assignee'))}: ",
                       f"{in_language(lang, i18n.lazy_gettext('City'))}:  → Brno"]
        for text in expect_home:
            assert text in home, (lang, text)
        for text in expect_card:
            assert text in card, (lang, text)
        english = ("Postponed lead Pozdní is back", "Nobody has reached", "Details changed")
        assert not any(e in home + card for e in english), lang
