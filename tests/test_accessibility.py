"""Markup that assistive technology relies on, as the server renders it (the browser side: tests/e2e)."""

import datetime as dt
import re

from core import reminders
from core.context import Context


async def test_a_failed_submit_has_a_summary_the_error_in_the_title_and_linked_errors(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"])
    manager = await client_as(dealer, "manager")
    r = await manager.post("/customers/", data={"name": "", "phone": "12", "source": ""})
    assert r.status_code == 422
    assert re.search(r"<title>Error: New customer · Forecourt</title>", r.text)
    summary = r.text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'autofocus' in r.text.split('id="error-summary"', 1)[1].split(">", 1)[0]
    for name in ("name", "phone", "source"):
        assert f'href="#f-{name}"' in summary, name
        tag = re.search(rf'<(?:input|select) id="f-{name}"[^>]*>', r.text).group(0)
        assert 'aria-invalid="true"' in tag and f'aria-describedby="e-{name}"' in tag, tag
        assert f'id="e-{name}"' in r.text
    assert "Fields marked * are required." in r.text


async def test_the_pre_order_form_names_its_fields_for_autofill(make_dealer, anon):
    await make_dealer(modules=["leads"])
    page = (await anon.get("/leads/pre-order")).text
    for name, token in (("surname", "family-name"), ("first_name", "given-name"), ("phone", "tel"),
                        ("email", "email")):
        assert re.search(rf'<input id="p-{name}"[^>]*autocomplete="{token}"', page), name


async def test_repeated_buttons_say_what_they_act_on(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"])
    ctx = Context(dealer_id=dealer.id, user_id=dealer.users["manager"].id)
    await reminders.create(ctx, "Call Jana", dt.datetime.now(dt.UTC))
    home = (await (await client_as(dealer, "manager")).get("/")).text
    assert 'aria-label="Done: Call Jana">Done</button>' in home
    admin = await client_as(dealer, "dealer_admin")
    users = (await admin.get(f"/admin/dealers/{dealer.id}/users")).text
    assert f'aria-label="Reset password: {dealer.users["manager"].login}"' in users
    assert "<th></th>" not in users
    modules = (await admin.get(f"/admin/dealers/{dealer.id}/modules")).text
    assert 'aria-label="Switch off: ' in modules


async def test_sortable_headers_say_how_the_list_is_sorted(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers"])
    manager = await client_as(dealer, "manager")
    newest = (await manager.get("/customers/", params={"view": "list"})).text
    assert newest.count("aria-sort=") == 1 and 'aria-sort="descending"><a href=' in newest
    by_name = (await manager.get("/customers/", params={"view": "list", "sort": "name"})).text
    assert by_name.count("aria-sort=") == 1 and re.search(r'<th aria-sort="ascending"><a href="[^"]*sort=name', by_name)


async def test_duplicate_checks_take_no_personal_data_in_the_url(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers", "leads"])
    manager = await client_as(dealer, "manager")
    for form, url in (("/customers/new", "/customers/duplicates"), ("/leads/new", "/leads/matches")):
        page = (await manager.get(form)).text
        assert f'hx-post="{url}"' in page and "hx-get=" not in page.split("<form", 1)[1].split(">", 1)[0], form
        assert (await manager.get(url, params={"phone": "+420 601 234 567"})).status_code == 405, url
        assert (await manager.post(url, data={"phone": "+420 601 234 567"})).status_code == 200, url


async def test_language_options_carry_their_own_language(anon):
    page = (await anon.get("/login")).text
    for code in ("en", "ru", "cs", "zh"):
        assert f'<option value="{code}" lang="{code}"' in page
    assert "onchange" not in page.split('id="lang-select"', 1)[1].split(">", 1)[0]


async def test_a_refused_transition_links_its_errors_to_the_inputs(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    r = await manager.post("/leads/", data={"surname": "Novák", "phone": "+420 601 234 567", "model": "Peugeot 408",
                                            "source": "phone", "request_type": "pre_order", "confirm_duplicate": "1"})
    lead_id = int(r.headers["location"].rsplit("/", 1)[1])
    r = await manager.post(f"/workflow/leads.lead/{lead_id}/contact_failed",
                           data={"_state": "new", "next": f"/leads/{lead_id}", "reason": "", "note": ""})
    assert r.status_code == 422 and r.text.count('id="error-summary"') == 1
    summary = r.text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#contact_failed-reason"' in summary
    assert re.search(r'<select id="contact_failed-reason"[^>]*aria-describedby="contact_failed-reason-error"', r.text)
    assert 'id="contact_failed-reason-error"' in r.text
    assert r.text.startswith("<!doctype html>") and "<title>Error: " in r.text
