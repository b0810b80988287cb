"""Translations (gettext catalogues read with Babel) and locale formatting.

Catalogues are ``.po`` files (core's in ``core/locale``, each plugin's in its
manifest's ``locale`` folder), compiled in memory at start-up: there are no
binary ``.mo`` files to keep in step. The current request's language lives in
a context variable, so ``gettext`` works anywhere in the request's code.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, NullTranslations, Translations

from core import languages, runtime
from core.formats import babel_locale, current_currency, current_language
from core.formats import fmt_date as fmt_date
from core.formats import fmt_datetime as fmt_datetime
from core.formats import fmt_money as fmt_money
from core.formats import fmt_number as fmt_number
from core.formats import fmt_since as fmt_since
from core.settings import LANGUAGES

CORE_LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGE_NAMES = languages.NAMES  #: code -> its own name (:data:`core.languages.TABLE`)

_current: contextvars.ContextVar[str] = current_language  #: the request's language (kept in core.formats)
_currency: contextvars.ContextVar[str] = current_currency  #: the acting dealer's currency (core.formats)
#: the currency a new dealer gets from its language when none is chosen
CURRENCY_BY_LANGUAGE = languages.CURRENCIES
#: the core's gettext domain; every other domain is a plugin's name
CORE_DOMAIN = "core"
#: translated texts a process remembers (:meth:`Catalogues.text`); an install has a few thousand
TEXTS_REMEMBERED = 50_000


def _compile_po(path: Path) -> bytes:
    with path.open("rb") as fh:
        catalog = read_po(fh)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def _load_po(path: Path) -> Translations:
    return Translations(fp=io.BytesIO(_compile_po(path)))


class Catalogues:
    """The install's translations, built at boot: one gettext domain per plugin, each falling back to the core's.

    They used to be merged into one, so the last plugin loaded won a msgid
    it shared with another ("Name" of a dealer showed as a person's name).
    Now a plugin's templates and code read their own catalogue first and the
    core's after it; the core's own texts read the core's first and then the
    plugins' (a plugin's label shown by core code, e.g. a plain-string state).
    """

    def __init__(self, plugins: Iterable[tuple[str, Path]] = ()) -> None:
        plugins = [(name, Path(folder)) for name, folder in plugins]
        #: domain -> language -> translations
        self.by_domain: dict[str, dict[str, NullTranslations]] = {}
        #: a plugin's package folder -> its domain, to find the domain of the code that asks for a text
        self.domain_dirs = [(str(folder.resolve().parent) + "/", name) for name, folder in plugins]
        self._module_domains: dict[str, str] = {}  # a cache of domain_of_module
        names = [name for name, _ in plugins]
        for lang in LANGUAGES:
            compiled: dict[str, bytes] = {}
            for name, base in [(CORE_DOMAIN, CORE_LOCALE_DIR), *plugins]:
                po = base / lang / "LC_MESSAGES" / "messages.po"
                if po.exists():
                    compiled[name] = _compile_po(po)
            self.by_domain.setdefault(CORE_DOMAIN, {})[lang] = _chain(compiled, [CORE_DOMAIN, *names])
            for name in names:
                self.by_domain.setdefault(name, {})[lang] = _chain(compiled, [name, CORE_DOMAIN])
        #: (domain, language, [context,] message) -> its text: a page asks for the same texts on every request,
        #: and a lookup through the fallback chain costs several dict probes and calls each time
        self._texts: dict[tuple[str, ...], str] = {}
        self._templates: dict[str | None, str] = {}  # a cache of template_domain

    def catalogue(self, domain: str, lang: str) -> NullTranslations | None:
        """``domain``'s translations in ``lang`` (an unknown domain reads the core's)."""
        by_lang = self.by_domain.get(domain) or self.by_domain.get(CORE_DOMAIN) or {}
        return by_lang.get(lang)

    def text(self, domain: str, lang: str, message: str, context: str | None = None) -> str:
        """``message`` (in the sense ``context`` names, if given) from ``domain``'s catalogue in ``lang``.

        Remembered per (domain, language, context, message): the catalogues do not change after boot. At most
        :data:`TEXTS_REMEMBERED` are kept, so text made at run time cannot grow the memory without bound.
        """
        key = (domain, lang, message) if context is None else (domain, lang, message, context)
        found = self._texts.get(key)
        if found is None:
            catalogue = self.catalogue(domain, lang)
            if catalogue is None:
                found = message
            elif context is None:
                found = catalogue.gettext(message)
            else:
                found = catalogue.pgettext(context, message)
            if len(self._texts) < TEXTS_REMEMBERED:
                self._texts[key] = found
        return found

    def template_domain(self, name: str | None) -> str:
        """A template's gettext domain: ``leads/board.html`` reads the leads plugin's catalogue first."""
        found = self._templates.get(name)
        if found is None:
            first = (name or "").split("/", 1)[0]
            found = first if "/" in (name or "") and first in self.by_domain else CORE_DOMAIN
            self._templates[name] = found
        return found

    def domain_of_module(self, module: str, file: str | None) -> str:
        found = self._module_domains.get(module)
        if found is None:
            where = str(Path(file).resolve()) if file else ""
            found = next((name for folder, name in self.domain_dirs if where.startswith(folder)), CORE_DOMAIN)
            self._module_domains[module] = found
        return found


def _chain(compiled: dict[str, bytes], order: list[str]) -> NullTranslations:
    first: NullTranslations | None = None
    for name in order:
        if name in compiled:
            translations = Translations(fp=io.BytesIO(compiled[name]))
            if first is None:
                first = translations
            else:
                first.add_fallback(translations)
    return first or NullTranslations()


def _installed() -> Catalogues | None:
    """The booted runtime's catalogues (None before boot: texts stay in English)."""
    booted = runtime._booted  # read directly: this runs for every text a page shows
    return booted[0].catalogues if booted else None


def domains() -> list[str]:
    """The loaded gettext domains: the core's and one per plugin that ships a catalogue."""
    cats = _installed()
    return list(cats.by_domain) if cats is not None else [CORE_DOMAIN]


def domain_of_module(module: str, file: str | None = None) -> str:
    """The domain of the plugin whose package holds ``file`` (the code's module), else the core's."""
    cats = _installed()
    return cats.domain_of_module(module, file) if cats is not None else CORE_DOMAIN


def caller_domain(depth: int = 1) -> str:
    """The domain of the code ``depth`` frames above the caller (a plugin's own texts find its catalogue)."""
    frame = sys._getframe(depth + 1)
    return domain_of_module(frame.f_globals.get("__name__", ""), frame.f_globals.get("__file__"))


def has_message(domain: str, message: str, context: str | None = None) -> bool:
    """Whether ``domain``'s own catalogue (not its fallback) translates ``message`` in the current language."""
    cats = _installed()
    catalogue = cats.by_domain.get(domain, {}).get(_current.get()) if cats is not None else None
    key = f"{context}\x04{message}" if context else message
    own = getattr(catalogue, "_catalog", {})
    return key in own or (key, 0) in own


def domain_for(message: str, context: str | None = None) -> str:
    """The domain that knows ``message``: the core's first, then the plugins' (a stored text without one)."""
    for domain in [CORE_DOMAIN, *[d for d in domains() if d != CORE_DOMAIN]]:
        if has_message(domain, message, context):
            return domain
    return CORE_DOMAIN


def set_locale(lang: str) -> contextvars.Token[str]:
    return _current.set(lang if lang in LANGUAGES else "en")


def reset_locale(token: contextvars.Token[str]) -> None:
    _current.reset(token)


def get_locale() -> str:
    return _current.get()


@contextlib.contextmanager
def in_language(lang: str) -> Iterator[None]:
    """Inside the block texts and formats are in ``lang`` (e.g. an API answering in its dealer's language)."""
    token = set_locale(lang)
    try:
        yield
    finally:
        reset_locale(token)


def set_currency(code: str) -> contextvars.Token[str]:
    """Amounts shown from here on are in ``code`` (the dealer's currency); "" keeps the default (EUR)."""
    return _currency.set(code or "EUR")


def reset_currency(token: contextvars.Token[str]) -> None:
    _currency.reset(token)


def get_currency() -> str:
    return _currency.get()


def is_currency(code: str) -> bool:
    return code in _currency_codes()


#: offered first in a currency list: those of our languages' countries, and the usual trading ones
COMMON_CURRENCIES = ("CZK", "EUR", "RUB", "CNY", "USD", "PLN", "GBP", "CHF", "KZT", "BYN", "UAH")


def currency_choices() -> list[tuple[str, str]]:
    """``(code, "CZK - Czech koruna")`` for a select, in the reader's language: the common ones first."""
    from babel.numbers import get_currency_name

    locale = _babel_locale(_locale())
    common = [c for c in COMMON_CURRENCIES if c in _currency_codes()]
    rest = sorted(_currency_codes() - set(common), key=lambda c: get_currency_name(c, locale=locale).lower())
    return [(c, f"{c} – {get_currency_name(c, locale=locale)}") for c in common + rest]


@functools.lru_cache(maxsize=1)
def _currency_codes() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def _catalogue(domain: str) -> NullTranslations | None:
    cats = _installed()
    return cats.catalogue(domain, _current.get()) if cats is not None else None


def gettext(message: str, domain: str | None = None) -> str:
    """``message`` in the current language, from the catalogue of the calling code's plugin (or ``domain``'s)."""
    cats = _installed()
    if cats is None:
        return message
    return cats.text(domain or caller_domain(), _current.get(), message)


def ngettext(singular: str, plural: str, n: int, domain: str | None = None) -> str:
    catalogue = _catalogue(domain or caller_domain())
    if catalogue is None:
        return singular if n == 1 else plural
    return catalogue.ngettext(singular, plural, n)


def pgettext(context: str, message: str, domain: str | None = None) -> str:
    """``message`` in the sense ``context`` names: one English word with two meanings gets two translations."""
    cats = _installed()
    if cats is None:
        return message
    return cats.text(domain or caller_domain(), _current.get(), message, context)


def npgettext(context: str, singular: str, plural: str, n: int, domain: str | None = None) -> str:
    catalogue = _catalogue(domain or caller_domain())
    if catalogue is None:
        return singular if n == 1 else plural
    return catalogue.npgettext(context, singular, plural, n)


#: where a lazy text was defined: a domain, or the defining module (name, file) to find its domain when shown
Where = str | tuple[str, str | None]


def _caller_where(depth: int = 1) -> Where:
    frame = sys._getframe(depth + 1)
    return frame.f_globals.get("__name__", ""), frame.f_globals.get("__file__")


def domain_of(where: Where) -> str:
    """The domain of a lazy text's :data:`Where`."""
    return where if isinstance(where, str) else domain_of_module(*where)


def _lazy_gettext(message: str, where: Where) -> str:
    # shown on every row of a list (a status badge, a source): the catalogues looked up once, not three times
    cats = _installed()
    if cats is None:
        return message
    domain = where if isinstance(where, str) else cats.domain_of_module(*where)
    return cats.text(domain, _current.get(), message)


def _lazy_pgettext(context: str, message: str, where: Where) -> str:
    cats = _installed()
    if cats is None:
        return message
    domain = where if isinstance(where, str) else cats.domain_of_module(*where)
    return cats.text(domain, _current.get(), message, context)


def lazy_gettext(message: str, domain: str | None = None) -> LazyProxy:
    """For strings defined at import time (labels), translated when shown, from the defining plugin's catalogue.

    The defining module is kept, not its domain: labels are made on import,
    before the catalogues (and so the plugins' domains) are loaded.
    """
    return LazyProxy(_lazy_gettext, message, domain or _caller_where(), enable_cache=False)


def lazy_pgettext(context: str, message: str, domain: str | None = None) -> LazyProxy:
    """:func:`lazy_gettext` with a context (see :func:`pgettext`)."""
    return LazyProxy(_lazy_pgettext, context, message, domain or _caller_where(), enable_cache=False)


_ = gettext


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an ``Accept-Language`` header."""
    if not accept_language:
        return "en"
    wanted: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        bits = part.strip().split(";q=")
        try:
            q = float(bits[1]) if len(bits) > 1 else 1.0
        except ValueError:
            q = 0.0
        wanted.append((q, bits[0].strip().replace("-", "_")))
    wanted.sort(key=lambda item: -item[0])
    best = Locale.negotiate([w for _, w in wanted], list(LANGUAGES), sep="_")
    return str(best.language) if best else "en"


def _locale() -> str:
    return _current.get()


_babel_locale = babel_locale  # the name core code used before core.formats
