"""Defects from the user trial (issue 9, item 4), over real HTTP on both engines: what the pages say
and keep without JavaScript, and what the services store."""

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

from plugins.customers.tables import Customer
from plugins.leads.tables import Lead

LEAD = {"surname": "Novák", "first_name": "Jan", "phone": "+420 601 234 567", "model": "Peugeot 408",
        "source": "phone", "request_type": "pre_order", "confirm_duplicate": "1"}


async def new_lead(client, **values) -> int:
    r = await client.post("/leads/", data={**LEAD, **values})
    assert r.status_code == 303, r.text[:800]
    return int(r.headers["location"].rsplit("/", 1)[1])


async def act(client, lead_id, transition, state, **inputs):
    return await client.post(f"/workflow/leads.lead/{lead_id}/{transition}",
                             data={"_state": state, "next": f"/leads/{lead_id}", **inputs})


def label_of(html: str, input_id: str) -> str:
    """The text of the <label for=input_id>, tags stripped and spaces squeezed."""
    match = re.search(rf'<label for="{re.escape(input_id)}">(.*?)</label>', html, re.S)
    assert match, f"no label for {input_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


# --- 1. discard: the model is required for "Bought another car", and the label says so ------------


async def test_discard_model_label_says_which_reason_needs_it(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    lead_id = await new_lead(manager)
    # the card (without JavaScript): the label names the reason that makes the model required
    card = (await manager.get(f"/leads/{lead_id}")).text
    assert label_of(card, "a-discard-model") == "Which model (required for “Bought another car”)"
    page = (await manager.get(f"/workflow/leads.lead/{lead_id}/discard")).text
    assert label_of(page, "discard-model") == "Which model (required for “Bought another car”)"
    # sent without the model: refused, and the page says plainly that it is required now, input kept
    r = await act(manager, lead_id, "discard", "new", reason="Bought another car", note="at the competitor")
    assert r.status_code == 422 and "needs “Which model”" in r.text
    assert label_of(r.text, "discard-model") == "Which model (required)"
    assert re.search(r'<input id="discard-model"[^>]* required', r.text)
    assert "at the competitor" in r.text
    # another reason: the model really is optional
    r = await act(manager, lead_id, "discard", "new", reason="Duplicate", note="")
    assert r.status_code == 422 and label_of(r.text, "discard-model") == "Which model (optional)"
    # inputs no reason makes required keep their plain labels
    assert label_of(card, "a-postpone-note") == "Comment"
    # and in Czech
    await manager.post("/lang", data={"lang": "cs", "next": "/"})
    card = (await manager.get(f"/leads/{lead_id}")).text
    assert label_of(card, "a-discard-model") == "Jaký model (povinné pro „Koupen jiný vůz“)"


# --- 2. deleting a customer: one rule, said once; leads are kept and unlinked ------------------------


async def new_customer(client, name: str = "Jan Novák", phone: str = "+420 601 234 567") -> int:
    r = await client.post("/customers/", data={"name": name, "phone": phone, "source": "walk_in",
                                               "confirm_duplicate": "1"})
    assert r.status_code == 303, r.text[:800]
    return int(r.headers["location"].rsplit("/", 1)[1])


async def test_deleting_a_customer_keeps_the_leads_unlinked_without_asking(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads", "customers"])
    manager = await client_as(dealer, "manager")
    admin = await client_as(dealer, "dealer_admin")
    customer_id = await new_customer(manager)
    lead_id = await new_lead(manager, customer_id=str(customer_id))
    page = (await admin.get(f"/customers/{customer_id}/delete")).text
    kept = page.split('data-held="kept"')[1].split("</ul>")[0]
    assert "Leads: 1" in kept
    assert 'name="cascade"' not in page  # nothing would be deleted with the customer: nothing to tick
    assert "refused" not in page and 'data-held="deleted"' not in page
    r = await admin.post(f"/customers/{customer_id}/delete", data={"confirm": "1"})
    assert r.status_code == 303
    assert await Customer.scoped(dealer.id).get(customer_id) is None
    lead = await Lead.scoped(dealer.id).get(lead_id)
    assert lead is not None and lead.customer_id is None
    assert (await manager.get(f"/leads/{lead_id}")).status_code == 200


async def test_deleting_a_customer_with_records_that_go_too_needs_the_tick_and_says_why(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads", "customers", "deals"])
    manager = await client_as(dealer, "manager")
    admin = await client_as(dealer, "dealer_admin")
    customer_id = await new_customer(manager)
    lead_id = await new_lead(manager, customer_id=str(customer_id))
    assert (await manager.post("/deals/", data={"title": "Octavia", "customer_id": str(customer_id)})
            ).status_code == 303
    page = (await admin.get(f"/customers/{customer_id}/delete")).text
    assert "Leads: 1" in page.split('data-held="kept"')[1].split("</ul>")[0]
    assert "Deals</a>: 1" in page.split('data-held="deleted"')[1].split("</ul>")[0]
    assert 'name="cascade"' in page
    # not ticked: refused, and the page says why (the form is shown again)
    r = await admin.post(f"/customers/{customer_id}/delete", data={"confirm": "1"})
    assert r.status_code == 409
    error = re.search(r'<div class="flash flash-error" role="alert">(.*?)</div>', r.text, re.S)
    assert error and "Deals (1)" in error.group(1) and "Also delete" in error.group(1)
    assert 'name="cascade"' in r.text and 'checked' in r.text.split('name="confirm"')[1].split(">")[0]
    assert await Customer.scoped(dealer.id).get(customer_id) is not None
    assert (await Lead.scoped(dealer.id).get(lead_id)).customer_id == customer_id  # nothing was changed
    # not confirmed: the same page with its message, not an error page
    r = await admin.post(f"/customers/{customer_id}/delete", data={"cascade": "1"})
    assert r.status_code == 422 and "Confirm that the customer should be deleted for good." in r.text
    assert 'name="cascade"' in r.text and 'checked' in r.text.split('name="cascade"')[1].split(">")[0]
    # ticked: the deal goes with the customer, the lead stays, unlinked
    r = await admin.post(f"/customers/{customer_id}/delete", data={"confirm": "1", "cascade": "1"})
    assert r.status_code == 303
    assert await Customer.scoped(dealer.id).get(customer_id) is None
    assert "Octavia" not in (await admin.get("/deals/")).text
    lead = await Lead.scoped(dealer.id).get(lead_id)
    assert lead is not None and lead.customer_id is None


# --- 3. postpone: no date in the past; "Postponed until" only while the lead is postponed -----------


async def test_postpone_refuses_a_date_in_the_past_and_keeps_the_input(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    lead_id = await new_lead(manager)
    past = dt.date.today() - dt.timedelta(days=2)  # before "today" on any clock
    r = await act(manager, lead_id, "postpone", "new", until=past.isoformat(), note="after the holiday")
    assert r.status_code == 422
    assert "Choose today or a later date." in r.text
    assert f'value="{past.isoformat()}"' in r.text and "after the holiday" in r.text
    assert (await Lead.scoped(dealer.id).get(lead_id)).status == "new"
    # the date picker offers no past day either
    page = (await manager.get(f"/workflow/leads.lead/{lead_id}/postpone")).text
    assert re.search(r'<input id="postpone-until"[^>]* min="\d{4}-\d\d-\d\d"', page)
    # in the user's language
    await manager.post("/lang", data={"lang": "cs", "next": "/"})
    r = await act(manager, lead_id, "postpone", "new", until=past.isoformat(), note="po dovolené")
    assert r.status_code == 422 and "Zvolte dnešní nebo pozdější datum." in r.text
    later = dt.date.today() + dt.timedelta(days=10)
    assert (await act(manager, lead_id, "postpone", "new", until=later.isoformat(), note="ok")).status_code == 303
    assert (await Lead.scoped(dealer.id).get(lead_id)).postponed_until == later


async def test_postponed_until_leaves_the_card_when_the_lead_is_back(make_dealer, client_as, forecourt_env):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    by_hand = await new_lead(manager)
    by_job = await new_lead(manager, phone="+420 601 234 599")
    later = dt.date.today() + dt.timedelta(days=10)
    assert (await act(manager, by_hand, "postpone", "new", until=later.isoformat(), note="x")).status_code == 303
    assert "Postponed until" in (await manager.get(f"/leads/{by_hand}")).text
    assert (await act(manager, by_hand, "wake", "postponed")).status_code == 303
    assert "Postponed until" not in (await manager.get(f"/leads/{by_hand}")).text
    # the job brings a lead back on its date: the card no longer says it is postponed
    today = dt.datetime.now(dt.UTC).date()
    assert (await act(manager, by_job, "postpone", "new", until=today.isoformat(), note="y")).status_code == 303
    out = subprocess.run([sys.executable, "-m", "core.cli", "jobs", "run-due"], env={**os.environ, **forecourt_env},
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert (await Lead.scoped(dealer.id).get(by_job)).status == "new"
    assert "Postponed until" not in (await manager.get(f"/leads/{by_job}")).text


# --- 4. the public pre-order form: trims of the chosen version only; an accurate message ------------

PRE_ORDER = {"surname": "Petrova", "first_name": "Anna", "phone": "+7 903 111-22-33", "email": "anna@mail.example",
             "consent": "1"}


def trim_options(html: str) -> list[str]:
    select = html.split('id="p-trim"')[1].split("</select>")[0]
    return [v for v in re.findall(r'<option value="([^"]*)"', select) if v]


async def test_pre_order_trims_follow_the_version_with_and_without_javascript(make_dealer, anon):
    dealer = await make_dealer(modules=["leads"])
    # htmx: the trim row for the chosen version, as a fragment
    r = await anon.get("/leads/pre-order/trims", params={"version": "1.2 PureTech 130 EAT8"},
                       headers={"hx-request": "true"})
    assert r.status_code == 200 and "<html" not in r.text
    assert trim_options(r.text) == ["Allure", "Allure Pack"]
    r = await anon.get("/leads/pre-order/trims", params={"version": "Hybrid 225 e-EAT8", "trim": "GT"},
                       headers={"hx-request": "true"})
    assert trim_options(r.text) == ["GT", "GT First Edition"] and '<option value="GT" selected' in r.text
    form = (await anon.get("/leads/pre-order")).text
    assert 'hx-get="/leads/pre-order/trims"' in form and "<noscript>" in form
    # without JavaScript: "Show trims" sends the form back with the trims of the version, everything kept
    r = await anon.post("/leads/pre-order", data={**PRE_ORDER, "dealer": str(dealer.id),
                                                  "version": "1.2 PureTech 130 EAT8", "show_trims": "1"})
    assert r.status_code == 200 and trim_options(r.text) == ["Allure", "Allure Pack"]
    assert 'value="Petrova"' in r.text and 'value="anna@mail.example"' in r.text and "field-error" not in r.text
    assert re.search(r'name="consent" value="1" checked', r.text)
    assert await Lead.scoped(dealer.id).count() == 0
    # a trim of another version: said as it is, the input kept
    r = await anon.post("/leads/pre-order", data={**PRE_ORDER, "dealer": str(dealer.id),
                                                  "version": "1.2 PureTech 130 EAT8", "trim": "GT"})
    assert r.status_code == 422 and "This trim is not available for the chosen version." in r.text
    assert "Choose a version and a trim." not in r.text and 'value="Petrova"' in r.text
    assert trim_options(r.text) == ["Allure", "Allure Pack"]
    r = await anon.post("/leads/pre-order", data={**PRE_ORDER, "dealer": str(dealer.id), "trim": "GT"})
    assert r.status_code == 422 and "Choose a version." in r.text
    r = await anon.post("/leads/pre-order", data={**PRE_ORDER, "dealer": str(dealer.id),
                                                  "version": "1.2 PureTech 130 EAT8"})
    assert r.status_code == 422 and "Choose a trim." in r.text
    r = await anon.post("/leads/pre-order", data={**PRE_ORDER, "dealer": str(dealer.id),
                                                  "version": "1.2 PureTech 130 EAT8", "trim": "Allure Pack"})
    assert r.status_code == 200 and await Lead.scoped(dealer.id).count() == 1
    lead = await Lead.scoped(dealer.id).objects().first()
    assert lead.version == "1.2 PureTech 130 EAT8" and lead.trim == "Allure Pack" and float(lead.price) == 3190000
    # an unknown version in the fragment's query is no error, just no trims
    r = await anon.get("/leads/pre-order/trims", params={"version": "V12 Turbo"})
    assert r.status_code == 200 and trim_options(r.text) == []


# --- 5. a new customer note starts with no priority ------------------------------------------------


async def test_a_new_note_starts_with_no_priority(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"])
    manager = await client_as(dealer, "manager")
    customer_id = await new_customer(manager)
    card = (await manager.get(f"/customers/{customer_id}")).text
    select = card.split('id="note-priority"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\d)" selected', select) == ["0"]
    # a note that came back with an error keeps the priority chosen
    r = await manager.post(f"/customers/{customer_id}/notes", data={"text": "", "priority": "2"})
    assert r.status_code == 422
    select = r.text.split('id="note-priority"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\d)" selected', select) == ["2"]


# --- 6. "Add user": a language, defaulting to the dealer's ------------------------------------------


async def test_a_new_user_gets_a_language_defaulting_to_the_dealers(make_dealer, client_as, login):
    from core.tables import Dealer, User
    from forecourt.testing import TestUser

    dealer = await make_dealer(modules=[])
    await Dealer.update({Dealer.language: "cs"}).where(Dealer.id == dealer.id)
    admin = await client_as(dealer, "dealer_admin")
    page = (await admin.get(f"/admin/dealers/{dealer.id}/users")).text
    select = page.split('id="f-language"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\w+)" selected', select) == ["cs"]
    assert "Čeština" in select and "English" in select
    r = await admin.post(f"/admin/dealers/{dealer.id}/users", data={"login": f"pavel-{dealer.id}", "role": "manager",
                                                                    "language": "cs"})
    assert r.status_code == 201
    password = re.search(r'<code class="temp-password">([^<]+)</code>', r.text).group(1)
    user = await User.objects().get(User.login == f"pavel-{dealer.id}")
    assert user.language == "cs"
    # the new colleague's pages are in Czech from the first login on
    client = await login(TestUser(user.id, user.login, password, "manager"))
    assert 'lang="cs"' in (await client.get("/account/password")).text
    # another language on purpose; a made-up one is refused with the form kept
    r = await admin.post(f"/admin/dealers/{dealer.id}/users", data={"login": f"olga-{dealer.id}", "role": "manager",
                                                                    "language": "ru"})
    assert r.status_code == 201 and (await User.objects().get(User.login == f"olga-{dealer.id}")).language == "ru"
    r = await admin.post(f"/admin/dealers/{dealer.id}/users", data={"login": f"kim-{dealer.id}", "role": "manager",
                                                                    "full_name": "Kim", "language": "xx"})
    assert r.status_code == 422 and "Choose a language." in r.text and 'value="Kim"' in r.text
    assert not await User.exists().where(User.login == f"kim-{dealer.id}")


# --- 7. customers list: the Cards / List switch acts at once and keeps the filters --------------------


async def test_the_customers_view_switch_is_a_link_keeping_the_filters(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"])
    manager = await client_as(dealer, "manager")
    await new_customer(manager, name="Jana Dvořáková", phone="+420 601 000 111")
    await new_customer(manager, name="Petr Malý", phone="+420 601 000 222")
    page = (await manager.get("/customers/", params={"q": "dvořák", "sort": "name"})).text
    switch = page.split('class="view-switch')[1].split("</nav>")[0]
    links = dict((text.strip(), href.replace("&amp;", "&")) for href, text in
                 re.findall(r'<a[^>]* href="([^"]+)"[^>]*>([^<]+)</a>', switch))
    assert set(links) == {"List"}, switch  # the view shown is not a link
    assert 'aria-current="true"' in switch and "Cards" in switch
    listed = await manager.get(links["List"])
    assert listed.status_code == 200 and 'data-view="list"' in listed.text
    assert "Jana Dvořáková" in listed.text and "Petr Malý" not in listed.text  # the search still applies
    assert 'id="f-q" name="q" type="search" value="dvořák"' in listed.text
    # the search form keeps the view chosen
    assert re.search(r'<input type="hidden" name="view" value="list">', listed.text)
    switch = listed.text.split('class="view-switch')[1].split("</nav>")[0]
    cards_href = re.search(r'<a[^>]* href="([^"]+)"[^>]*>\s*Cards', switch).group(1).replace("&amp;", "&")
    cards = await manager.get(cards_href)
    assert 'data-view="list"' not in cards.text and "Jana Dvořáková" in cards.text and "Petr Malý" not in cards.text


# --- 8. the Modules page's time zone: the dealer's country first, by city, in the reader's language -----


def zone_select(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The time zone select as [(group label, [(value, text)])]."""
    select = html.split('id="f-timezone"')[1].split("</select>")[0]
    return [(label, re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', body))
            for label, body in re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)]


async def test_time_zones_offer_the_dealers_country_first_by_city_name(make_dealer, client_as):
    from core.tables import Dealer

    dealer = await make_dealer(modules=[])
    await Dealer.update({Dealer.language: "ru", Dealer.timezone: "Europe/Moscow"}).where(Dealer.id == dealer.id)
    admin = await client_as(dealer, "dealer_admin")
    await admin.post("/lang", data={"lang": "ru", "next": "/"})
    page = (await admin.get(f"/admin/dealers/{dealer.id}/modules")).text
    groups = zone_select(page)
    country, first = groups[0]
    assert country == "Россия"
    cities = {value: text for value, text in first}
    assert re.fullmatch(r"Москва \(UTC\+3\)", cities["Europe/Moscow"])
    assert cities["Asia/Vladivostok"].startswith("Владивосток (UTC+1")
    assert re.search(r'<option value="Europe/Moscow" selected>', page)
    offsets = [int(re.search(r"UTC[+−](\d+)", text).group(1)) for _, text in first]
    assert offsets == sorted(offsets)  # west to east
    # every other country after it, sorted by its name in the reader's language; no raw IANA names shown
    others = [label for label, _ in groups[1:] if label not in ("Other time zones", "Другие часовые пояса")]
    assert others == sorted(others, key=lambda n: n.casefold().replace("ё", "е")) and "Чехия" in others
    every = [(v, t) for _, zones in groups for v, t in zones]
    assert len(every) < 450 and all("/" not in text and "_" not in text for _, text in every)
    assert ("Europe/Prague", "Прага (UTC+1)") in every or ("Europe/Prague", "Прага (UTC+2)") in every
    # a Czech dealer's administrator reading Czech: Czechia first
    cz = await make_dealer(modules=[])
    await Dealer.update({Dealer.language: "cs", Dealer.timezone: "Europe/Prague"}).where(Dealer.id == cz.id)
    cz_admin = await client_as(cz, "dealer_admin")
    await cz_admin.post("/lang", data={"lang": "cs", "next": "/"})
    country, first = zone_select((await cz_admin.get(f"/admin/dealers/{cz.id}/modules")).text)[0]
    assert country == "Česko" and [v for v, _ in first] == ["Europe/Prague"] and first[0][1].startswith("Praha (")
    # what is sent and stored stays the IANA name, and only a real one is taken
    r = await admin.post(f"/admin/dealers/{dealer.id}/timezone", data={"timezone": "Asia/Vladivostok"})
    assert r.status_code == 303
    assert (await Dealer.select(Dealer.timezone).where(Dealer.id == dealer.id).first())["timezone"] == \
        "Asia/Vladivostok"
    r = await admin.post(f"/admin/dealers/{dealer.id}/timezone", data={"timezone": "Владивосток (UTC+10)"})
    assert r.status_code == 303
    page = (await admin.get(r.headers["location"])).text
    assert "Выберите часовой пояс из списка." in page
    assert (await Dealer.select(Dealer.timezone).where(Dealer.id == dealer.id).first())["timezone"] == \
        "Asia/Vladivostok"


# --- 9. demo data: Czech and Russian surnames agree with the first name's gender ------------------------

#: men's first names ending like women's ones (Russian); the Czech demo has none
RU_MALE_IN_A = {"Илья", "Никита", "Кузьма", "Фома", "Лука", "Савва", "Данила"}


def first_name_gender(first: str, language: str) -> str:
    """"f" or "m": Czech and Russian women's first names end in -a / -e (-я), men's do not (with exceptions)."""
    if language == "ru":
        return "m" if first in RU_MALE_IN_A else ("f" if first[-1] in "ая" else "m")
    return "f" if first[-1] in "ae" else "m"


def surname_gender(surname: str, language: str) -> str:
    """"f", "m" or "" (the same for both, e.g. Czech "Krejčí", Russian "Черных")."""
    if language == "ru":
        if surname.endswith(("ова", "ева", "ёва", "ина", "ына", "ая", "яя")):
            return "f"
        return "m" if surname.endswith(("ов", "ев", "ёв", "ин", "ын", "ий", "ой", "ый")) else ""
    if surname.endswith("á"):
        return "f"
    return "" if surname.endswith(("í", "ů")) else "m"


def test_demo_names_agree_in_gender(tmp_path):
    import sqlite3

    db = tmp_path / "demo.sqlite"
    env = {**os.environ, "FORECOURT_DATABASE_URL": f"sqlite:///{db}", "FORECOURT_ARGON2_PROFILE": "test",
           "FORECOURT_DEFAULT_MODULES": "leads,customers", "FORECOURT_SECRET_FILE": str(tmp_path / "secret")}
    env.pop("FORECOURT_PLUGINS", None)
    forecourt = str(Path(sys.executable).with_name("forecourt"))
    done = subprocess.run([forecourt, "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    with sqlite3.connect(db) as conn:
        people = [(surname, first, lang) for surname, first, lang in conn.execute(
            "SELECT l.surname, l.first_name, d.language FROM leads_lead l JOIN core_dealer d ON d.id = l.dealer_id")]
        for name, lang in conn.execute("SELECT c.name, d.language FROM customers_customer c "
                                       "JOIN core_dealer d ON d.id = c.dealer_id"):
            if "s.r.o." not in name and "ООО" not in name:  # companies have no gender
                first, surname = name.split(" ", 1)
                people.append((surname, first, lang))
        for name, lang in conn.execute("SELECT u.full_name, d.language FROM core_user u "
                                       "JOIN core_dealer d ON d.id = u.dealer_id"):
            first, surname = name.split(" ", 1)
            people.append((surname, first, lang))
    checked = [(s, f, lang) for s, f, lang in people if lang in ("cs", "ru")]
    assert len(checked) > 200 and {lang for _, _, lang in checked} == {"cs", "ru"}
    wrong = sorted({f"{s} {f}" for s, f, lang in checked
                    if surname_gender(s, lang) and surname_gender(s, lang) != first_name_gender(f, lang)})
    assert wrong == [], wrong
