"""A plugin's settings page declared as data (forecourt.SettingsPage): rendered, read and saved by the core.

The notes test plugin declares one with every kind of field, as a partner
plugin would; leads' page is one too (tests/test_leads.py, test_leads_intake.py).
"""

import re

import pytest

from forecourt import SettingField, SettingsPage


def value_of(html: str, name: str) -> str:
    return re.search(rf'<input id="f-{name}" name="{name}"[^>]* value="([^"]*)"', html).group(1)


async def test_the_core_renders_validates_and_saves_a_declared_settings_page(notes_dealer, client_as):
    dealer = await notes_dealer()
    manager = await client_as(dealer, "manager")
    r = await manager.get("/notes/settings")
    assert r.status_code == 200 and "Notes per page" in r.text and 'id="h-signature"' in r.text
    bad = {"signature": "", "per_page": "3", "order": "sideways", "shout": "1"}
    r = await manager.post("/notes/settings", data=bad)
    assert r.status_code == 422
    assert "Signature: this is required." in r.text
    assert "Notes per page: enter a number from 5 to 100." in r.text
    assert "Order: choose one of the options." in r.text
    assert 'id="error-summary"' in r.text and 'href="#f-per_page"' in r.text
    assert value_of(r.text, "per_page") == "3" and re.search(r'name="shout" value="1" checked', r.text)  # kept
    r = await manager.post("/notes/settings", data={**bad, "signature": "LOUD", "per_page": "7", "order": "oldest"})
    assert r.status_code == 422 and "No capitals only, please." in r.text  # the plugin's own check
    r = await manager.post("/notes/settings", data={"signature": "Jana", "per_page": "7", "order": "oldest"})
    assert r.status_code == 303 and r.headers["location"] == "/notes/settings"
    r = await manager.get("/notes/settings")
    assert value_of(r.text, "signature") == "Jana" and value_of(r.text, "per_page") == "7"
    assert '<option value="oldest" selected>' in r.text and 'name="shout" value="1" checked' not in r.text
    assert "Settings saved." in r.text


async def test_a_settings_page_speaks_the_readers_language_and_keeps_others_out(notes_dealer, client_as):
    dealer = await notes_dealer()
    manager = await client_as(dealer, "manager")
    await manager.post("/lang", data={"lang": "cs", "next": "/"})
    r = await manager.post("/notes/settings", data={"signature": "x" * 21, "per_page": "abc"})
    assert r.status_code == 422
    assert "nejvýše 20 znaků" in r.text and "zadejte celé číslo" in r.text.lower(), r.text
    storekeeper = await client_as(dealer, "storekeeper")  # no notes.write
    assert (await storekeeper.get("/notes/settings")).status_code == 403
    assert (await storekeeper.post("/notes/settings", data={"signature": "Jana"})).status_code == 403


def test_a_settings_field_is_refused_at_declaration_when_it_cannot_be_rendered():
    with pytest.raises(ValueError, match="kind must be one of"):
        SettingField("x", "X", "date")
    with pytest.raises(ValueError, match="needs its choices"):
        SettingField("x", "X", "choice")
    page = SettingsPage(plugin="p", title="P", fields=(SettingField("n", "N", "integer", maximum=3),),
                        load=None, save=None)  # type: ignore[arg-type]
    assert page.url == "/p/settings"
    assert page.read({"n": "4"})[1] == {"n": "N: enter a number from -2,147,483,648 to 3."}
