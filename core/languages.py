"""The languages Forecourt speaks, and what a dealer gets from its language: one table, read everywhere.

Adding a language is one row here (and its catalogues): the language
switcher, the dealer and user forms, a new dealer's default currency and
time zone, the phone region for numbers typed without a country code and
the country a dealer's addresses are in all read this table, so they
cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """One language and a dealer's defaults with it."""

    code: str  #: the catalogue's code ("cs")
    name: str  #: its own name, as the switcher shows it ("Čeština")
    phone_region: str  #: where a phone number typed without +country code is read ("CZ")
    currency: str  #: a new dealer's currency (ISO 4217)
    zone: str = ""  #: a new dealer's time zone ("" where the language has no one country: UTC)
    country: str = ""  #: the dealer's country ("" where it follows from the zone)


#: in the order the switcher offers them; English first (the fallback of every catalogue)
TABLE: tuple[Language, ...] = (
    Language("en", "English", "GB", "EUR"),
    Language("ru", "Русский", "RU", "RUB", "Europe/Moscow", "RU"),
    Language("cs", "Čeština", "CZ", "CZK", "Europe/Prague", "CZ"),
    Language("zh", "中文", "CN", "CNY", "Asia/Shanghai", "CN"),
)

CODES: tuple[str, ...] = tuple(lang.code for lang in TABLE)
NAMES: dict[str, str] = {lang.code: lang.name for lang in TABLE}
PHONE_REGIONS: dict[str, str] = {lang.code: lang.phone_region for lang in TABLE}
CURRENCIES: dict[str, str] = {lang.code: lang.currency for lang in TABLE}
ZONES: dict[str, str] = {lang.code: lang.zone for lang in TABLE if lang.zone}
COUNTRIES: dict[str, str] = {lang.code: lang.country for lang in TABLE if lang.country}
