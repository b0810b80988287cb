"""Translations: Russian complete, Czech and Chinese consistent, catalogues in step with the code.

Covers the core's catalogues (core/locale, from core/ and templates/) and each
built-in plugin's (plugins/<name>/locale, from plugins/<name>/).
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")
CATALOGUES = {"core": (ROOT / "core" / "locale", ROOT / "babel.cfg")} | {
    p.name: (p / "locale", None) for p in sorted((ROOT / "plugins").iterdir()) if (p / "__init__.py").exists()
} | {"deals": (ROOT / "tests" / "plugins" / "fc_deals" / "fc_deals" / "locale",
               ROOT / "tests" / "plugins" / "fc_deals" / "babel.cfg")}  # the partner example


def ids_of(path: Path) -> set[str]:
    with path.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}


def catalogue(name: str, lang: str):
    with (CATALOGUES[name][0] / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh)


@pytest.mark.parametrize("name", list(CATALOGUES))
def test_template_is_in_step_with_the_code(name, tmp_path):
    """Every gettext string of the code is in messages.pot (run scripts/i18n when this fails)."""
    locale, cfg = CATALOGUES[name]
    if cfg is None:
        cfg = tmp_path / "babel.cfg"
        cfg.write_text(f"[python: plugins/{name}/**.py]\n[jinja2: plugins/{name}/templates/**.html]\n")
    out = tmp_path / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", str(cfg),
         "-k", "lazy_gettext", "-k", "_l", "-k", "_", "-k", "ngettext:1,2", "-k", "Message",
         "-k", "pgettext:1c,2", "-k", "lazy_pgettext:1c,2", "--no-location",
         "-o", str(out), "."],
        cwd=ROOT, check=True,
    )
    fresh, known = ids_of(out), ids_of(locale / "messages.pot")
    assert fresh - known == set(), "new UI strings: run scripts/i18n and translate them"
    assert known - fresh == set(), "strings no longer used: run scripts/i18n"


@pytest.mark.parametrize("lang", ["ru", "cs", "zh"])
@pytest.mark.parametrize("name", list(CATALOGUES))
def test_translations_keep_placeholders_and_are_not_fuzzy(name, lang):
    problems = []
    for message in catalogue(name, lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if string and sorted(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {string!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", list(CATALOGUES))
def test_russian_is_complete(name):
    untranslated = [
        m.id for m in catalogue(name, "ru")
        if m.id and not all(m.string if isinstance(m.string, tuple) else (m.string,))
    ]
    assert not untranslated, f"untranslated in {name} ru: {untranslated}"
    ru_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(name, "ru") if m.id}
    assert ids_of(CATALOGUES[name][0] / "messages.pot") <= ru_ids, "ru lacks strings: run scripts/i18n"


async def test_pages_speak_the_users_language(make_dealer, client_as, anon):
    r = await anon.get("/login", headers={"accept-language": "ru"})
    assert 'lang="ru"' in r.text and "Войти" in r.text
    dealer = await make_dealer(modules=["customers"], roles=("dealer_admin",))
    admin = await client_as(dealer, "dealer_admin")
    await admin.post("/lang", data={"lang": "ru", "next": "/"})
    home = await admin.get("/")
    assert "Модули" in home.text and "Выйти" in home.text and "Клиенты" in home.text
    bad = await admin.post(f"/admin/dealers/{dealer.id}/users", data={"login": "", "role": "manager"})
    assert bad.status_code == 422 and 'lang="ru"' in bad.text
    form = await admin.post("/customers/", data={"name": ""})
    assert form.status_code == 422 and "Введите" in form.text


@pytest.mark.parametrize("lang", ["ru", "cs", "zh"])
def test_no_plugin_gives_a_core_text_another_meaning(lang):
    """A plugin's msgid that the core also has translates as the core's does, or carries a msgctxt.

    Each plugin reads its own catalogue first (its own domain), so two
    plugins may word a text differently. But the core's page frame and macros
    render inside a plugin's pages and fall back the other way, so one
    English msgid with two translations between a plugin and the core is one
    word with two meanings: give the plugin's a ``pgettext`` context instead.
    """
    core = {m.id: m.string for m in catalogue("core", lang) if isinstance(m.id, str) and m.id and not m.context}
    problems = [
        f"{name}: {m.id!r} is {m.string!r}, the core's {core[m.id]!r}"
        for name in CATALOGUES if name != "core"
        for m in catalogue(name, lang)
        if isinstance(m.id, str) and not m.context and m.string and core.get(m.id) and m.string != core[m.id]
    ]
    assert not problems, "use pgettext(context, msgid) for another meaning:\n" + "\n".join(problems)


def test_each_domain_reads_its_own_catalogue_then_the_cores(forecourt_registry):
    from core import i18n

    with i18n.in_language("ru"):
        assert i18n.gettext("Contact", domain="customers") == "Контактные данные"
        assert i18n.gettext("Contact", domain="leads") == "Контакт"
        assert i18n.gettext("Name", domain="leads") == i18n.gettext("Name", domain="core") == "Название"
        assert i18n.pgettext("person", "Name", domain="leads") == "ФИО"
        assert i18n.gettext("From", domain="leads") == "Из статуса"  # the workflow diagram's column
        assert i18n.pgettext("date", "From", domain="leads") == "С"
        assert i18n.gettext("Log out", domain="leads") == "Выйти"  # the core's, as the fallback
        # core code showing a plugin's text (a label it was handed) still finds it in the plugins' catalogues
        assert i18n.gettext("Postponed lead %(name)s is back") == "Отложенный лид %(name)s снова в работе"


def test_a_message_keeps_the_domain_of_the_plugin_that_wrote_it(forecourt_registry):
    """Made in a plugin's module it reads that plugin's catalogue; a row stored without a domain still renders."""
    import json

    from core.messages import Message, shown

    code = compile('made = Message("Contact")', str(ROOT / "plugins" / "customers" / "services.py"), "exec")
    scope = {"Message": Message, "__name__": "plugins.customers.services",
             "__file__": str(ROOT / "plugins" / "customers" / "services.py")}
    exec(code, scope)
    made = scope["made"]
    assert made.domain == "customers"
    back = Message.from_data(json.loads(made.dumps()))
    assert back.domain == "customers"
    from core import i18n

    with i18n.in_language("ru"):
        assert str(back) == "Контактные данные"
        assert str(Message("Contact", domain="leads")) == "Контакт"
        old = json.dumps({"id": "Postponed lead %(name)s is back", "params": {"name": "Novák"}})
        assert shown(old, "") == "Отложенный лид Novák снова в работе"
        assert shown("", "Assigned") != "Assigned"  # an old row's plain English msgid


async def test_plugins_pages_use_their_own_words(make_dealer, client_as):
    dealer = await make_dealer(modules=["customers", "leads"], roles=("dealer_admin",))
    admin = await client_as(dealer, "dealer_admin")
    await admin.post("/lang", data={"lang": "ru", "next": "/"})
    page = await admin.get("/customers/")
    assert page.status_code == 200
    assert "ФИО" not in page.text and "Имя" in page.text  # the leads plugin's word for a person no longer wins
    diagram = await admin.get("/workflow/leads.lead")
    assert "Из статуса" in diagram.text  # "From" of the core's diagram, not the leads list's date filter


GLOSSARY = ROOT / "docs" / "glossary"


def glossary_problems(messages, lang: str) -> list[str]:
    """What in ``messages`` (a Babel catalogue) does not follow ``docs/glossary/<lang>.toml``.

    A partner can run it on their own catalogue: their words then match the
    product's. A msgid holding a glossary term must have a msgstr with the
    term's translation (``use``) and none of the wordings settled against
    (``avoid``); ``style`` patterns may be in no msgstr at all.
    """
    import tomllib

    data = tomllib.loads((GLOSSARY / f"{lang}.toml").read_text(encoding="utf-8"))
    problems = []
    for message in messages:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = [s for s in (message.string if isinstance(message.string, tuple) else (message.string,)) if s]
        for term in data.get("term", []):
            if not re.search(r"(?<!\w)(?:" + term["en"] + ")", ids[0], re.I):
                continue
            for string in strings:
                if term.get("use") and not re.search(term["use"], string, re.I):
                    problems.append(f"{ids[0]!r} -> {string!r}: {term['en']!r} is {term['use']!r}")
                for avoid in term.get("avoid", []):
                    if re.search(avoid, string, re.I):
                        problems.append(f"{ids[0]!r} -> {string!r}: not {avoid!r} ({term['en']!r})")
        for style in data.get("style", []):
            for string in strings:
                if re.search(style["pattern"], string):
                    problems.append(f"{ids[0]!r} -> {string!r}: {style['note']}")
    return problems


@pytest.mark.parametrize("lang", ["ru", "cs", "zh"])
@pytest.mark.parametrize("name", list(CATALOGUES))
def test_catalogues_use_the_glossarys_words(name, lang):
    problems = glossary_problems(catalogue(name, lang), lang)
    assert not problems, f"{name} {lang} (see docs/glossary/{lang}.toml):\n" + "\n".join(problems)
