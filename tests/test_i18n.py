"""Translations: Russian complete, Czech and Chinese consistent, catalogues in step with the code."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "core" / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalogue(lang: str):
    with (LOCALE / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh)


def template_ids() -> set[str]:
    with (LOCALE / "messages.pot").open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}


def test_template_is_in_step_with_the_code(tmp_path):
    """Every gettext string in core/ and templates/ is in messages.pot (run scripts/i18n when this fails)."""
    out = tmp_path / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-k", "lazy_gettext", "-k", "_l", "-k", "_", "-k", "ngettext:1,2", "--no-location",
         "-o", str(out), "."],
        cwd=ROOT, check=True,
    )
    with out.open("rb") as fh:
        fresh = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert fresh - template_ids() == set(), "new UI strings: run scripts/i18n and translate them"
    assert template_ids() - fresh == set(), "strings no longer used: run scripts/i18n"


@pytest.mark.parametrize("lang", ["ru", "cs", "zh"])
def test_translations_keep_placeholders_and_are_not_fuzzy(lang):
    problems = []
    for message in catalogue(lang):
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


def test_russian_is_complete():
    untranslated = [
        m.id for m in catalogue("ru")
        if m.id and not all(m.string if isinstance(m.string, tuple) else (m.string,))
    ]
    assert not untranslated, f"untranslated in ru: {untranslated}"
    ru_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue("ru") if m.id}
    assert template_ids() <= ru_ids, "ru/messages.po lacks strings: run scripts/i18n"


async def test_pages_speak_the_users_language(make_dealer, client_as, anon):
    r = await anon.get("/login", headers={"accept-language": "ru"})
    assert 'lang="ru"' in r.text and "Войти" in r.text
    dealer = await make_dealer(modules=[], roles=("dealer_admin",))
    admin = await client_as(dealer, "dealer_admin")
    await admin.post("/lang", data={"lang": "ru", "next": "/"})
    home = await admin.get("/")
    assert "Модули" in home.text and "Выйти" in home.text
    bad = await admin.post(f"/admin/dealers/{dealer.id}/users", data={"login": "", "role": "manager"})
    assert bad.status_code == 422 and 'lang="ru"' in bad.text
