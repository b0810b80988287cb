"""Normalising what people type so that search and duplicate checks work whatever the formatting.

Phones are parsed with ``phonenumbers`` (the dealer's country as the default
region), names are case-folded (so "СМИРНОВ", "смирнов" and "Müller"/"MÜLLER"
match), and every lookup is a prefix range on an indexed column — fast at
hundreds of thousands of customers per dealer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

#: the default phone region for a dealer's language (numbers typed without +country code)
REGIONS = {"ru": "RU", "cs": "CZ", "zh": "CN", "en": "GB"}


@dataclass(frozen=True)
class Phone:
    display: str  # international format, e.g. "+7 916 123-45-67"
    digits: str   # E.164 digits, e.g. "79161234567"


def parse_phone(raw: str, language: str = "") -> Phone | None:
    """A valid phone number, or None. ``language`` picks the region for numbers without a country code."""
    raw = (raw or "").strip()
    if not raw:
        return None
    region = REGIONS.get(language, "GB")
    if raw.startswith("8") and region == "RU" and len(re.sub(r"\D", "", raw)) == 11:
        raw = "+7" + re.sub(r"\D", "", raw)[1:]  # the Russian trunk prefix 8 before a full number
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL), e164[1:])


def fold(text: str) -> str:
    """Case- and accent-insensitive key: "Dvořák" -> "dvorak", "Смирнов" -> "смирнов", "ß" -> "ss"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def name_keys(name: str) -> tuple[str, str]:
    key = fold(name)[:200]
    return key, " ".join(reversed(key.split()))[:200]


def digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix`` (for ``>= p AND < bound``)."""
    return prefix + "\U0010ffff"
