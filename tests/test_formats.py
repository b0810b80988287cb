"""core.formats' fast paths write exactly what Babel writes, in every language (issue 14, the page floor).

The formatters remember parsed patterns and formatted parts, and write whole
amounts without Babel; each test here compares them with Babel's own answer
for the same value over many values, so a cache or a shortcut can never show
a reader something Babel would not have.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency

from core import formats
from core.i18n import fmt_date, fmt_datetime, fmt_money, in_language
from core.settings import LANGUAGES
from core.timeutil import reset_zone, set_zone

ZONES = ("", "Europe/Prague", "Asia/Shanghai", "America/New_York")


def _moments(count: int) -> list[dt.datetime]:
    rng = random.Random(14)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    # several per day and per minute, so the remembered parts are read back as well as written
    return [start + dt.timedelta(seconds=rng.randrange(0, 3 * 365 * 86400)) for _ in range(count)] * 2


def _babel_datetime(value: dt.datetime, format: str, lang: str) -> str:
    from core.timeutil import local

    # the project joins date and time with the locale's glue, as Babel does for these formats
    return format_datetime(local(value), format, locale=lang)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("zone", ZONES)
def test_moments_read_as_babel_writes_them(lang, zone):
    token = set_zone(zone)
    try:
        with in_language(lang):
            for value in _moments(600):
                for format in ("short", "medium"):
                    assert fmt_datetime(value, format) == _babel_datetime(value, format, lang), (value, format)
    finally:
        reset_zone(token)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_moments_with_a_zone_name_are_not_remembered_and_still_right(lang):
    """"long" and "full" show the zone: those parts go to Babel every time."""
    token = set_zone("Europe/Prague")
    try:
        with in_language(lang):
            _glue, _date, time_part = formats._datetime_parts(lang, "long")
            assert time_part.key is None
            for value in _moments(50):
                assert fmt_datetime(value, "long") == _babel_datetime(value, "long", lang)
    finally:
        reset_zone(token)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dates_read_as_babel_writes_them(lang):
    with in_language(lang):
        for value in _moments(300):
            day = value.date()
            for format in ("short", "medium", "long", "full"):
                assert fmt_date(day, format) == format_date(day, format, locale=lang)


def _amounts() -> list[Decimal | int | float]:
    rng = random.Random(2026)
    values: list[Decimal | int | float] = [0, 1, -1, 7, 999, 1000, 1234, -1234, 99_999, 100_000, 3_190_000,
                                           10**12, -(10**14), Decimal("1049900"), Decimal("25000.00"),
                                           Decimal("-5"), 2_415_000.0, 12.0]
    for digits in range(1, 16):
        values += [rng.randrange(10 ** (digits - 1), 10**digits) * rng.choice((1, -1)) for _ in range(15)]
    values += [Decimal(rng.randrange(1, 10**9)) / 100 for _ in range(50)]  # with cents: Babel's own path
    values += [rng.uniform(-1e6, 1e6) for _ in range(20)]
    return values


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("currency", ["CZK", "EUR", "RUB", "CNY", "USD", "JPY", "KWD"])
def test_amounts_read_as_babel_writes_them(lang, currency):
    pattern = formats._currency_format(lang, True)
    with in_language(lang):
        for value in _amounts():
            whole = (value.is_integer() if isinstance(value, float)
                     else Decimal(value) == Decimal(value).to_integral_value())
            if whole:
                expected = pattern.apply(value, formats.babel_locale(lang), currency=currency,
                                         currency_digits=False, decimal_quantization=False)
            else:
                expected = format_currency(value, currency, locale=lang)
            assert fmt_money(value, currency) == expected, (value, currency)


def test_whole_amounts_do_not_go_through_babel_where_it_is_vouched_for():
    """The fast path is on for every language and currency the project shows (else it would cost nothing)."""
    for lang in LANGUAGES:
        for currency in ("CZK", "EUR", "RUB", "CNY", "USD"):
            assert formats._whole_money(lang, currency).ok, (lang, currency)


def test_a_remembered_part_starts_over_at_its_limit(monkeypatch):
    monkeypatch.setattr(formats, "_CACHE_LIMIT", 5)
    part = formats._date_part("cs", "short")
    part.done.clear()
    with in_language("cs"):
        for value in _moments(20):
            assert fmt_date(value.date(), "short") == format_date(value.date(), "short", locale="cs")
            assert len(part.done) <= 5


def test_amounts_with_cents_do_not_go_through_babel_where_it_is_vouched_for():
    """The fast path for non-whole amounts (a discounted catalogue price) is on where the project shows money."""
    for lang in LANGUAGES:
        for currency in ("CZK", "EUR", "RUB", "CNY", "USD"):
            assert formats._cents_money(lang, currency).ok, (lang, currency)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_numbers_read_as_babel_writes_them_and_counts_skip_babel(lang):
    """Counts (a report's cells) take the fast path; every number still reads as Babel writes it."""
    from babel.numbers import format_decimal

    from forecourt import fmt_number

    assert formats._whole_number(lang).ok, lang
    rng = random.Random(lang)
    values = [0, 7, -7, 999, 1000, -1000, 10**12, -(10**12) + 1] + [rng.randrange(-10**9, 10**9) for _ in range(200)]
    values += [rng.uniform(-1e6, 1e6) for _ in range(50)] + [Decimal("1234.5"), 45.3]
    with in_language(lang):
        for value in values:
            assert fmt_number(value) == format_decimal(value, locale=lang), value
