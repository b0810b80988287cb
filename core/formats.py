"""Locale formatting of moments, dates, amounts and numbers: what a list page does for every cell.

Re-exported by :mod:`core.i18n` (``fmt_datetime``, ``fmt_money``, ...), which
is where callers import them from. The request's language and currency live
in the context variables here (:mod:`core.i18n` sets them).

Babel parses and interprets its CLDR patterns again on every call: on a lead
list of 50 rows, a date and a price per row, that was a third of the page's
render time (issue 14, measured in-process with ``bench/profile_page.py``). So:

* every pattern is parsed once per (language, format) and kept;
* a date part is formatted once per (language, format, date) and a time part
  once per (language, format, hour, minute, second) when the pattern reads
  nothing else (a time zone name, fractions of a second: then every call
  goes to Babel) — the text is Babel's own, the cache only remembers it;
* whole amounts (car prices are) are written by a formatter built once per
  (language, currency) from Babel's own output for probe values, grouped in
  Python; anything it cannot vouch for (fractions, exotic grouping, huge
  numbers) goes to Babel as before.

tests/test_formats.py compares every fast path with Babel's answer over
thousands of values in every language.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_timedelta, get_date_format, get_datetime_format, get_time_format, parse_pattern

from core.timeutil import local, now

#: the current request's (or job's) language; set per request by the context middleware
current_language: contextvars.ContextVar[str] = contextvars.ContextVar("forecourt_locale", default="en")
#: the acting dealer's currency (set per request and per job run, like its time zone)
current_currency: contextvars.ContextVar[str] = contextvars.ContextVar("forecourt_currency", default="EUR")

_CACHE_LIMIT = 4096  #: entries a formatter remembers before it starts over (a list page needs ~50)
#: pattern fields that depend on the date alone / on the hour, minute and second alone
_DATE_FIELDS = frozenset("GyYuUQqMLlwWdDFgEec")
_TIME_FIELDS = frozenset("ahHKkms")
_FIELD_RE = re.compile(r"%\((\w+)\)s")


@functools.lru_cache(maxsize=64)
def babel_locale(lang: str) -> Locale:
    return Locale.parse(lang)


def _fields(pattern: Any) -> set[str]:
    return {name[0] for name in _FIELD_RE.findall(pattern.format)}


class _Part:
    """One parsed Babel pattern, its output remembered per the fields it reads (when it reads only those)."""

    def __init__(self, pattern: Any, locale: Locale, key: Callable[[dt.datetime], Any] | None) -> None:
        self.pattern, self.locale, self.key = pattern, locale, key
        self.done: dict[Any, str] = {}

    def __call__(self, value: dt.datetime | dt.date) -> str:
        if self.key is None:
            return self.pattern.apply(value, self.locale)
        key = self.key(value)  # type: ignore[arg-type]
        text = self.done.get(key)
        if text is None:
            if len(self.done) >= _CACHE_LIMIT:
                self.done.clear()
            text = self.done[key] = self.pattern.apply(value, self.locale)
        return text


def _date_key(value: dt.date) -> Any:
    return value.toordinal()


def _time_key(value: dt.datetime) -> Any:
    return value.hour, value.minute, value.second


@functools.lru_cache(maxsize=64)
def _datetime_parts(lang: str, format: str) -> tuple[str, _Part, _Part]:
    """The locale's "{1}, {0}" glue and its date and time parts, each parsed once."""
    locale = babel_locale(lang)
    glue = str(get_datetime_format(format, locale=locale)).replace("'", "")
    date_pattern = parse_pattern(get_date_format(format, locale=locale).pattern)
    time_pattern = parse_pattern(get_time_format(format, locale=locale).pattern)
    date_key = _date_key if _fields(date_pattern) <= _DATE_FIELDS else None
    time_key = _time_key if _fields(time_pattern) <= _TIME_FIELDS else None
    return glue, _Part(date_pattern, locale, date_key), _Part(time_pattern, locale, time_key)


@functools.lru_cache(maxsize=64)
def _date_part(lang: str, format: str) -> _Part:
    pattern = parse_pattern(get_date_format(format, locale=babel_locale(lang)).pattern)
    return _Part(pattern, babel_locale(lang), _date_key if _fields(pattern) <= _DATE_FIELDS else None)


def fmt_datetime(value: dt.datetime | None, format: str = "short") -> str:
    """A moment as the reader's language writes it, on the dealer's clock (see :mod:`core.timeutil`)."""
    if value is None:
        return ""
    value = local(value)
    try:
        glue, date_part, time_part = _datetime_parts(current_language.get(), format)
    except UnknownLocaleError:  # pragma: no cover
        return value.isoformat(" ", "minutes")
    return glue.replace("{0}", time_part(value)).replace("{1}", date_part(value))


def fmt_since(value: dt.datetime | None) -> str:
    """How long ago ``value`` was, roughly, in the reader's language ("5 hours", "2 days")."""
    if value is None:
        return ""
    return format_timedelta(now() - value, threshold=1.5, locale=babel_locale(current_language.get()))


def fmt_date(value: dt.date | None, format: str = "medium") -> str:
    if value is None:
        return ""
    return _date_part(current_language.get(), format)(value)


class _WholeMoney:
    """Whole amounts in one language and currency, as Babel writes them, without Babel per call.

    Built from Babel's own output for 1 and -1 (what stands around the
    digits, the currency's symbol included) and its pattern's grouping;
    ``ok`` is False unless Babel's answers for a few probe values equal ours.
    """

    LIMIT = 10**15  #: beyond this, Babel (floats and exponents there are not worth a fast path)

    def __init__(self, pattern: Any, locale: Locale, currency: str) -> None:
        self.pattern, self.locale, self.currency = pattern, locale, currency
        self.group = locale.number_symbols.get("latn", {}).get("group", ",")
        self.sizes = pattern.grouping
        plus, minus = self._babel(1), self._babel(-1)
        self.ok = plus.count("1") == 1 and minus.count("1") == 1 and self.sizes[0] > 0 and self.sizes[1] > 0
        if self.ok:
            self.around = (plus.split("1"), minus.split("1"))
            self.ok = all(self(n) == self._babel(n) for n in (0, 7, 1234, -1234, 12345, 999999, 1234567,
                                                             -98765432, 3190000, 123456789012))

    def _babel(self, value: int) -> str:
        return self.pattern.apply(value, self.locale, currency=self.currency, currency_digits=False,
                                  decimal_quantization=False)

    def _digits(self, number: int) -> str:
        text, first, rest = str(number), self.sizes[0], self.sizes[1]
        if len(text) <= first:
            return text
        head, tail = text[:-first], [text[-first:]]
        while len(head) > rest:
            tail.append(head[-rest:])
            head = head[:-rest]
        tail.append(head)
        return self.group.join(reversed(tail))

    def __call__(self, number: int) -> str:
        before, after = self.around[number < 0]
        return before + self._digits(abs(number)) + after


@functools.lru_cache(maxsize=64)
def _whole_money(lang: str, currency: str) -> _WholeMoney:
    return _WholeMoney(_currency_format(lang, True), babel_locale(lang), currency)


def fmt_money(value: Decimal | float | int | None, currency: str = "") -> str:
    """An amount with its currency as the reader writes it ("2 415 000 Kč", "₽2,415,000.00").

    ``currency`` defaults to the acting dealer's. Whole amounts show without
    decimals (car prices are), others with the currency's usual digits.
    """
    if value is None:
        return ""
    code = currency or current_currency.get()
    lang = current_language.get()
    if isinstance(value, float):
        whole = value.is_integer()
        if not whole and math.isfinite(value):
            value = Decimal(str(value))  # what Babel does with a float: the fast path below then applies
    elif isinstance(value, int):
        whole = True
    else:
        value = Decimal(value)
        whole = value.is_finite() and value == value.to_integral_value()
    if whole and -_WholeMoney.LIMIT < value < _WholeMoney.LIMIT:
        fast = _whole_money(lang, code)
        if fast.ok:
            return fast(int(value))
    if not whole and isinstance(value, Decimal) and -_WholeMoney.LIMIT < value < _WholeMoney.LIMIT:
        cents = _cents_money(lang, code)
        if cents.ok:
            return cents(value)
    return _currency_format(lang, whole).apply(value, babel_locale(lang), currency=code,
                                               currency_digits=not whole, decimal_quantization=not whole)


class _CentsMoney:
    """Amounts with the currency's usual digits in one language, as Babel writes them, without Babel per call.

    The whole part and what stands around it come from :class:`_WholeMoney`;
    the value is rounded as Babel rounds it (the decimal context's
    half-even) to the currency's digits. ``ok`` is False unless Babel's
    answers for a few probe values equal ours (then Babel is used).
    """

    def __init__(self, lang: str, currency: str) -> None:
        from babel.numbers import get_currency_precision

        self.whole = _whole_money(lang, currency)
        self.digits = get_currency_precision(currency)
        self.quantum = Decimal(1).scaleb(-self.digits)
        self.point = babel_locale(lang).number_symbols.get("latn", {}).get("decimal", ".")
        pattern = _currency_format(lang, False)
        self.ok = self.whole.ok and all(
            self(Decimal(n)) == pattern.apply(Decimal(n), babel_locale(lang), currency=currency)
            for n in ("0.5", "-0.5", "7.25", "1234.565", "-1234.5", "999999.999", "1234567.891", "-98765432.1",
                      "0.004", "123456789012.34"))

    def __call__(self, value: Decimal) -> str:
        rounded = value.quantize(self.quantum)
        before, after = self.whole.around[rounded.is_signed()]
        whole, _, cents = f"{abs(rounded):f}".partition(".")
        body = self.whole._digits(int(whole)) + (self.point + cents if self.digits else "")
        return before + body + after


@functools.lru_cache(maxsize=64)
def _cents_money(lang: str, currency: str) -> _CentsMoney:
    return _CentsMoney(lang, currency)


@functools.lru_cache(maxsize=16)
def _currency_format(lang: str, whole: bool) -> Any:
    pattern = babel_locale(lang).currency_formats["standard"]
    if whole:
        from babel.numbers import parse_pattern as parse_number_pattern

        pattern = parse_number_pattern(pattern.pattern.split(";")[0].replace(".00", "").replace(",00", ""))
        pattern.frac_prec = (0, 0)
    return pattern


class _WholeNumber:
    """Integers as the language's decimal pattern writes them ("1 234", "1,234"), without Babel per call.

    ``ok`` is False unless Babel's answers for a few probe values equal ours (then Babel is used).
    """

    def __init__(self, lang: str) -> None:
        locale = babel_locale(lang)
        self.pattern, self.locale = locale.decimal_formats[None], locale
        symbols = locale.number_symbols.get("latn", {})
        self.group, self.minus = symbols.get("group", ","), symbols.get("minusSign", "-")
        self.sizes = self.pattern.grouping
        self.ok = self.sizes[0] > 0 and self.sizes[1] > 0 and all(
            self(n) == self.pattern.apply(n, locale) for n in (0, 7, -7, 999, 1234, -1234, 12345, 1234567,
                                                                 -98765432, 123456789012))

    def __call__(self, number: int) -> str:
        text, first, rest = str(abs(number)), self.sizes[0], self.sizes[1]
        if len(text) > first:
            head, tail = text[:-first], [text[-first:]]
            while len(head) > rest:
                tail.append(head[-rest:])
                head = head[:-rest]
            tail.append(head)
            text = self.group.join(reversed(tail))
        return self.minus + text if number < 0 else text


@functools.lru_cache(maxsize=16)
def _whole_number(lang: str) -> _WholeNumber:
    return _WholeNumber(lang)


def fmt_number(value: Decimal | float | int | None) -> str:
    """A number as the reader's language writes it (up to three decimals), Babel's decimal pattern."""
    if value is None:
        return ""
    lang = current_language.get()
    if isinstance(value, int) and not isinstance(value, bool) and -_WholeMoney.LIMIT < value < _WholeMoney.LIMIT:
        fast = _whole_number(lang)
        if fast.ok:
            return fast(value)
    locale = babel_locale(lang)
    return locale.decimal_formats[None].apply(value, locale)
