"""Translations (gettext catalogues read with Babel) and locale formatting.

Catalogues are ``.po`` files (core's in ``core/locale``, each plugin's in its
manifest's ``locale`` folder), compiled in memory at start-up: there are no
binary ``.mo`` files to keep in step. The current request's language lives in
a context variable, so ``gettext`` works anywhere in the request's code.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import io
import sys
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_timedelta, get_date_format, get_datetime_format, get_time_format, parse_pattern
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, NullTranslations, Translations

from core import languages, runtime
from core.settings import LANGUAGES
from core.timeutil import local, now

CORE_LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGE_NAMES = languages.NAMES  #: code -> its own name (:data:`core.languages.TABLE`)

_current: contextvars.ContextVar[str] = contextvars.ContextVar("forecourt_locale", default="en")
#: the acting dealer's currency (set per request and per job run, like its time zone)
_currency: contextvars.ContextVar[str] = contextvars.ContextVar("forecourt_currency", default="EUR")
#: the currency a new dealer gets from its language when none is chosen
CURRENCY_BY_LANGUAGE = languages.CURRENCIES
#: the core's gettext domain; every other domain is a plugin's name
CORE_DOMAIN = "core"


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
    rt = runtime.booted()
    return rt.catalogues if rt is not None else None


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
    if cats is None:
        return None
    by_lang = cats.by_domain.get(domain) or cats.by_domain.get(CORE_DOMAIN) or {}
    return by_lang.get(_current.get())


def gettext(message: str, domain: str | None = None) -> str:
    """``message`` in the current language, from the catalogue of the calling code's plugin (or ``domain``'s)."""
    catalogue = _catalogue(domain or caller_domain())
    return catalogue.gettext(message) if catalogue else message


def ngettext(singular: str, plural: str, n: int, domain: str | None = None) -> str:
    catalogue = _catalogue(domain or caller_domain())
    if catalogue is None:
        return singular if n == 1 else plural
    return catalogue.ngettext(singular, plural, n)


def pgettext(context: str, message: str, domain: str | None = None) -> str:
    """``message`` in the sense ``context`` names: one English word with two meanings gets two translations."""
    catalogue = _catalogue(domain or caller_domain())
    return catalogue.pgettext(context, message) if catalogue else message


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
    return gettext(message, domain=domain_of(where))


def _lazy_pgettext(context: str, message: str, where: Where) -> str:
    return pgettext(context, message, domain=domain_of(where))


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


@functools.lru_cache(maxsize=64)
def _babel_locale(lang: str) -> Locale:
    return Locale.parse(lang)


@functools.lru_cache(maxsize=64)
def _datetime_patterns(lang: str, format: str) -> tuple[str, Any, Any]:
    """The locale's "{1}, {0}" glue and the parsed date and time patterns, parsed once.

    ``babel.dates.format_datetime`` re-parses its patterns on every call; a
    list of 50 rows with a date each spent most of its render time there.
    """
    locale = _babel_locale(lang)
    glue = str(get_datetime_format(format, locale=locale)).replace("'", "")
    return glue, parse_pattern(get_date_format(format, locale=locale).pattern), parse_pattern(
        get_time_format(format, locale=locale).pattern)


def fmt_datetime(value: dt.datetime | None, format: str = "short") -> str:
    """A moment as the reader's language writes it, on the dealer's clock (see :mod:`core.timeutil`)."""
    if value is None:
        return ""
    value = local(value)
    try:
        glue, date_pattern, time_pattern = _datetime_patterns(_locale(), format)
    except UnknownLocaleError:  # pragma: no cover
        return value.isoformat(" ", "minutes")
    locale = _babel_locale(_locale())
    return glue.replace("{0}", time_pattern.apply(value, locale)).replace("{1}", date_pattern.apply(value, locale))


def fmt_since(value: dt.datetime | None) -> str:
    """How long ago ``value`` was, roughly, in the reader's language ("5 hours", "2 days")."""
    if value is None:
        return ""
    return format_timedelta(now() - value, threshold=1.5, locale=_babel_locale(_locale()))


def fmt_date(value: dt.date | None, format: str = "medium") -> str:
    if value is None:
        return ""
    locale = _babel_locale(_locale())
    return _date_pattern(_locale(), format).apply(value, locale)


@functools.lru_cache(maxsize=64)
def _date_pattern(lang: str, format: str) -> Any:
    return parse_pattern(get_date_format(format, locale=_babel_locale(lang)).pattern)


def fmt_money(value: Decimal | float | int | None, currency: str = "") -> str:
    """An amount with its currency as the reader writes it ("2 415 000 Kč", "₽2,415,000.00").

    ``currency`` defaults to the acting dealer's. Whole amounts show without
    decimals (car prices are), others with the currency's usual digits.
    """
    if value is None:
        return ""
    code = currency or _currency.get()
    whole = Decimal(value) == Decimal(value).to_integral_value() if not isinstance(value, float) else value.is_integer()
    return _currency_format(_locale(), whole).apply(value, _babel_locale(_locale()), currency=code,
                                                    currency_digits=not whole, decimal_quantization=not whole)


@functools.lru_cache(maxsize=16)
def _currency_format(lang: str, whole: bool) -> Any:
    pattern = _babel_locale(lang).currency_formats["standard"]
    if whole:
        from babel.numbers import parse_pattern as parse_number_pattern

        pattern = parse_number_pattern(pattern.pattern.split(";")[0].replace(".00", "").replace(",00", ""))
        pattern.frac_prec = (0, 0)
    return pattern


def fmt_number(value: Decimal | float | int | None) -> str:
    if value is None:
        return ""
    locale = _babel_locale(_locale())
    return locale.decimal_formats[None].apply(value, locale)
