"""Normalising what people type, for every plugin's search and duplicate checks.

``fold`` makes names comparable whatever the case or accents ("Смирнов" /
"смирнов", "Müller" / "MULLER", "Dvořák" / "dvorak"); ``parse_phone`` reads a
phone number in any common format, with the dealer's country as the default
for numbers typed without a country code.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

from core import languages

#: the default phone region for a dealer's language (numbers typed without +country code)
REGIONS = languages.PHONE_REGIONS
#: the longest ``display`` :func:`parse_phone` gives: what the narrowest phone column holds (``Varchar(32)``);
#: a number with a long extension ("+420601234567ext12345678901234567890" shows as 42 characters) is refused
DISPLAY_MAX = 32


def fold(text: str) -> str:
    """Case- and accent-insensitive key: "Dvořák" -> "dvorak", "Смирнов" -> "смирнов", "ß" -> "ss"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@dataclass(frozen=True)
class Phone:
    display: str  #: international format, e.g. "+7 916 123-45-67"
    digits: str   #: E.164 digits, e.g. "79161234567"


@functools.lru_cache(maxsize=4096)
def parse_phone(raw: str, language: str = "") -> Phone | None:
    """A valid phone number that fits every phone column (:data:`DISPLAY_MAX`), or None.

    ``language`` picks the region for numbers without a country code. Remembered
    for the last few thousand inputs: a number is read on every write of its
    row and again for its search keys, and libphonenumber takes ~60 µs a time.
    """
    raw = (raw or "").strip()
    if not raw:
        return None
    region = REGIONS.get(language, "GB")
    digits = re.sub(r"\D", "", raw)
    if region == "RU" and raw.startswith("8") and len(digits) == 11:
        raw = "+7" + digits[1:]  # the Russian trunk prefix 8 before a full number
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    display = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if len(display) > DISPLAY_MAX:
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(display, e164[1:])


def digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix`` (for ``>= p AND < bound``)."""
    return prefix + "\U0010ffff"
