"""Time zones as a dealer chooses one: their country's cities first, then every other country's.

A list of ~500 raw IANA names ("America/Argentina/Buenos_Aires") is hard to
use and English only. People know their zone by a city in their own
language, so each zone is offered as its CLDR exemplar city, translated by
Babel for the reader ("Москва", "Praha", "布拉格"), with its UTC offset now;
the zones of the dealer's country come first, the rest are grouped by
country, each sorted by its translated name. What is submitted and stored
stays the IANA name, which :func:`core.timeutil.is_zone` checks.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location

from core import languages
from core.i18n import gettext as _
from core.timeutil import UTC, zone_names

#: the country a dealer is in, from its language (as its default zone is, see ``timeutil.ZONE_BY_LANGUAGE``)
COUNTRY_BY_LANGUAGE = languages.COUNTRIES


@dataclass(frozen=True)
class ZoneGroup:
    """One ``<optgroup>``: a country (or "Other"), and its zones as ``(IANA name, label)``."""

    label: str
    zones: tuple[tuple[str, str], ...]


def _territories() -> dict[str, str]:
    return get_global("zone_territories")


@functools.lru_cache(maxsize=1)
def _cldr_names() -> dict[str, str]:
    """IANA name -> the (older) name CLDR keeps its translations under, e.g. Asia/Kolkata -> Asia/Calcutta."""
    found: dict[str, str] = {}
    for alias, canonical in get_global("zone_aliases").items():
        found.setdefault(canonical, alias)
    return found


@functools.lru_cache(maxsize=1)
def offered() -> tuple[str, ...]:
    """The zones to offer: every IANA zone but the old aliases of another one (Europe/Kiev for Europe/Kyiv)."""
    territories, aliases = _territories(), get_global("zone_aliases")
    return tuple(z for z in zone_names() if z in territories or aliases.get(z) not in territories)


def country_of(zone: str) -> str | None:
    """The country (ISO 3166 code) of an IANA zone, if it belongs to one."""
    territory = _territories().get(zone) or _territories().get(get_global("zone_aliases").get(zone, ""))
    return territory if territory and territory.isalpha() else None


def dealer_country(language: str, zone: str = "") -> str | None:
    """Where the dealer is: from its language, else from the zone it has now."""
    return COUNTRY_BY_LANGUAGE.get(language) or country_of(zone)


@functools.lru_cache(maxsize=2048)
def city(zone: str, lang: str) -> str:
    """The zone's city in ``lang`` ("Europe/Moscow" -> "Москва"), from CLDR through Babel."""
    locale = Locale.parse(lang)
    cldr = _cldr_names().get(zone, zone)
    own = (locale.time_zones.get(cldr) or {}).get("city")
    if own:
        return own
    try:
        return get_timezone_location(ZoneInfo(zone), locale=locale, return_city=True)
    except (LookupError, ValueError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


def _offset(zone: str, moment: dt.datetime) -> str:
    delta = moment.astimezone(ZoneInfo(zone)).utcoffset() or dt.timedelta()
    minutes = int(delta.total_seconds() // 60)
    sign, minutes = ("+" if minutes >= 0 else "−"), abs(minutes)
    return f"UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


def label(zone: str, lang: str, moment: dt.datetime | None = None) -> str:
    """``Praha (UTC+1)``: the city in ``lang`` and the zone's offset at ``moment`` (now)."""
    if zone == "UTC":
        return "UTC"
    return f"{city(zone, lang)} ({_offset(zone, moment or dt.datetime.now(UTC))})"


def _base(char: str) -> str:
    """A Latin letter without its accent ("Č" -> "C"), Cyrillic yo as ye; other letters ("й") as they are."""
    decomposed = unicodedata.normalize("NFKD", char)
    return decomposed[0] if decomposed and (ord(decomposed[0]) < 0x250 or char in "ёЁ") else char


def _sort_key(text: str) -> tuple[str, str]:
    """Accents do not move a name to the end of the list ("Česko" sorts with "C", not after "Z").

    Close to each language's alphabet without a collation library; the exact text breaks ties.
    """
    return "".join(_base(c) for c in text).casefold(), text


def groups(lang: str, country: str | None = None, current: str = "") -> list[ZoneGroup]:
    """The ``<optgroup>``\\s of a time zone select in ``lang``: ``country``'s zones first (west to east),
    then every other country's, then zones of no country; ``current`` is offered even if it is an old alias."""
    moment = dt.datetime.now(UTC)
    locale = Locale.parse(lang)
    by_country: dict[str | None, list[str]] = {}
    for zone in offered():
        by_country.setdefault(country_of(zone), []).append(zone)
    result = []
    if current and current != "UTC" and current not in offered() and current in zone_names():
        result.append(ZoneGroup(_("Current time zone"), ((current, label(current, lang, moment)),)))
    if country and country in by_country:
        zones = sorted(by_country.pop(country),
                       key=lambda z: (moment.astimezone(ZoneInfo(z)).utcoffset(), _sort_key(city(z, lang))))
        result.append(ZoneGroup(locale.territories.get(country, country),
                                tuple((z, label(z, lang, moment)) for z in zones)))
    nowhere = by_country.pop(None, [])
    rest = sorted(((locale.territories.get(c, c), zones) for c, zones in by_country.items() if c),
                  key=lambda item: _sort_key(item[0]))
    for name, zones in rest:
        result.append(ZoneGroup(name, tuple((z, label(z, lang, moment))
                                            for z in sorted(zones, key=lambda z: _sort_key(city(z, lang))))))
    if nowhere:
        result.append(ZoneGroup(_("Other time zones"), tuple((z, label(z, lang, moment)) for z in sorted(nowhere))))
    return result
