"""Every page in every language: no English word a translator never saw.

A string that never reaches a catalogue (not wrapped in ``_()``, a colon
outside the msgid, a raw code shown to people) shows in English on a
Russian, Czech or Chinese page. This renders the pages of the built-in
plugins and of the partner example (fc_deals) in each language and looks
for words of the English source texts (every msgid's words) in what a
person reads: the text and the ``title``/``placeholder``/``aria-label``/
``alt`` attributes, not scripts, styles or typed values.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
POTS = [ROOT / "core" / "locale" / "messages.pot", *sorted((ROOT / "plugins").glob("*/locale/messages.pot")),
        ROOT / "tests" / "plugins" / "fc_deals" / "fc_deals" / "locale" / "messages.pot"]
#: a word in any script ("formátování" is one Czech word, not "form" and a rest)
WORD = re.compile(r"[^\W\d_][\w'-]*[^\W\d_]")
#: words that are right in every language: the brand, codes and formats, the test's own data, and
#: English words that are also Czech ones (a Czech page may say "lead", "model", "dealer")
ALLOWED = {
    "forecourt", "utc", "csv", "json", "api", "e-mail", "email", "url", "inn", "vin", "http", "https",
    "peugeot", "novák", "jan", "html", "htmx", "bearer", "x-api-key", "authorization", "openapi",
    "first", "edition",  # a trim of the catalogue's car ("GT First Edition"): a product name
    "hybrid",  # in the name of the catalogue's engine ("Hybrid 225 e-EAT8"): a product name
    "won",  # the Korean currency, in CLDR's Czech name ("jihokorejský won")
}
ALLOWED_CS = {"lead", "leady", "leadu", "leadem", "dealer", "dealera", "model", "status", "web", "test",
              "filter", "online", "import", "export", "server", "data", "spam", "role", "hook", "priority"}


def english_words() -> set[str]:
    words: set[str] = set()
    for pot in POTS:
        with pot.open("rb") as fh:
            for message in read_po(fh):
                for text in (message.id if isinstance(message.id, tuple) else (message.id,)):
                    text = re.sub(r"%\(\w+\)[sd]|<[^>]+>", " ", text or "")
                    words |= {w.lower() for w in WORD.findall(text) if len(w) >= 3}
    return words


class _Readable(HTMLParser):
    """The text a person reads on a page."""

    #: not read as prose: code, typed text, and the time zones' city names (CLDR's, in the reader's language
    #: where CLDR has one)
    SKIP = {"script", "style", "textarea", "code", "pre"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP or (tag == "select" and dict(attrs).get("name") == "timezone"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if (tag in self.SKIP or tag == "select") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


#: the tests' own data (dealers "Dealer <hex>" in "Testville", logins "<role>-<hex>"), addresses and paths, codes
TEST_DATA = re.compile(r"Dealer [0-9a-f]{10}|[\w.@-]*[0-9a-f]{10}[\w.@-]*|Testville|\S*/\S*|\b[A-Z]{2,5}\b")


#: what nobody reads: a form's honeypot field, hidden from people and screen readers
HIDDEN = re.compile(r'<(\w+)[^>]*aria-hidden="true"[^>]*>.*?</\1>', re.S)


def english_on(html: str, vocabulary: set[str], lang: str, foreign: tuple[str, ...] = ()) -> set[str]:
    """English words in what a person reads on ``html``; ``foreign``: texts of plugins with no catalogue for it."""
    reader = _Readable()
    reader.feed(HIDDEN.sub(" ", html))
    allowed = ALLOWED | (ALLOWED_CS if lang == "cs" else set())
    text = " ".join(reader.parts)
    for other in foreign:
        text = text.replace(other, " ")
    text = TEST_DATA.sub(" ", text)
    return {w for w in WORD.findall(text) if w.lower() in vocabulary and w.lower() not in allowed and len(w) >= 3}


def untranslated_plugins_texts(registry, lang: str) -> tuple[str, ...]:
    """The titles and descriptions of the installed test plugins other than the partner example (not ours)."""
    from core import i18n

    texts = []
    with i18n.in_language("en"):
        for plugin in registry.plugins.values():
            locale = plugin.manifest.locale
            if plugin.manifest.name != "deals" and (locale is None or ROOT / "plugins" not in Path(locale).parents):
                texts += [str(plugin.manifest.title), str(plugin.manifest.description)]
    return tuple(t for t in texts if t)


@pytest.mark.parametrize("lang", ["ru", "cs", "zh"])
async def test_no_page_shows_english_words(lang, make_dealer, client_as, login, platform_admin, anon,
                                           forecourt_registry):
    vocabulary = english_words()
    foreign = untranslated_plugins_texts(forecourt_registry, lang)
    dealer = await make_dealer(modules=["customers", "leads", "deals"], roles=("manager", "dealer_admin"))
    admin = await client_as(dealer, "dealer_admin")
    await admin.post("/lang", data={"lang": lang, "next": "/"})
    r = await admin.post("/customers/", data={"name": "Jan Novák", "phone": "+420 601 234 567", "source": "walk_in"})
    assert r.status_code == 303, r.text[:500]
    customer = r.headers["location"]
    r = await admin.post("/leads/", data={"surname": "Novák", "first_name": "Jan", "phone": "+420 601 234 568",
                                          "model": "Peugeot 408", "source": "phone", "request_type": "pre_order",
                                          "confirm_duplicate": "1"})
    assert r.status_code == 303, r.text[:500]
    lead = r.headers["location"]
    r = await admin.post("/deals/", data={"title": "Novák 408"})
    deal = r.headers.get("location", "/deals/")
    pages = ["/", "/customers/", "/customers/new", customer, f"{customer}/edit", "/leads/", "/leads/new", lead,
             "/leads/board", "/leads/settings", "/leads/search-all", "/workflow/leads.lead",
             "/workflow/customers.customer", f"/admin/dealers/{dealer.id}/users", f"/admin/dealers/{dealer.id}/modules",
             f"/admin/dealers/{dealer.id}/reasons", "/deals/", deal, "/no/such/page"]
    problems = {}
    for path in pages:
        page = await admin.get(path)
        assert page.status_code in (200, 404), (path, page.status_code)
        found = english_on(page.text, vocabulary, lang, foreign)
        if found:
            problems[path] = sorted(found)
    platform = await login(platform_admin)
    await platform.post("/lang", data={"lang": lang, "next": "/"})
    for path in ("/admin/dealers", f"/admin/dealers/{dealer.id}/users"):
        found = english_on((await platform.get(path)).text, vocabulary, lang, foreign)
        if found:
            problems[f"platform {path}"] = sorted(found)
    public = await anon.get("/leads/pre-order", headers={"accept-language": lang})
    if found := english_on(public.text, vocabulary, lang, foreign):
        problems["/leads/pre-order"] = sorted(found)
    manager = await client_as(dealer, "manager")
    await manager.post("/lang", data={"lang": lang, "next": "/"})
    forbidden = await manager.get(f"/admin/dealers/{dealer.id}/users")
    if found := english_on(forbidden.text, vocabulary, lang, foreign):
        problems["403 page"] = sorted(found)
    assert not problems, f"English on {lang} pages (wrap them in _() or add to ALLOWED):\n" + "\n".join(
        f"{path}: {words}" for path, words in problems.items())
