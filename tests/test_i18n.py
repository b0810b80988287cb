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
}


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
         "-k", "lazy_gettext", "-k", "_l", "-k", "_", "-k", "ngettext:1,2", "-k", "Message", "--no-location",
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
