"""One clock for the whole app: aware UTC datetimes stored, the dealer's local time shown.

Everything is stored and compared in UTC. What people see and type is in
their dealer's time zone: each request (and each job run for a dealer) sets
the zone in a context variable, so formatting (``core.i18n.fmt_datetime``),
"today" and times typed into forms without a zone all agree on it.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
from collections.abc import Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from core import languages

UTC = dt.UTC
#: the zone a new dealer gets from its language when none is chosen
ZONE_BY_LANGUAGE = languages.ZONES

_zone: contextvars.ContextVar[dt.tzinfo] = contextvars.ContextVar("forecourt_zone", default=UTC)


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


@functools.lru_cache(maxsize=256)
def zone(name: str) -> dt.tzinfo:
    """The zone called ``name`` (IANA, e.g. ``Europe/Prague``); UTC for an empty or unknown name."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def is_zone(name: str) -> bool:
    return name in zone_names()


@functools.lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name, sorted (for a dealer's time zone choice)."""
    return tuple(sorted(n for n in available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/"))))


def set_zone(name: str) -> contextvars.Token[dt.tzinfo]:
    """Make ``name`` the zone of the current request or job; reset with :func:`reset_zone`."""
    return _zone.set(zone(name))


def reset_zone(token: contextvars.Token[dt.tzinfo]) -> None:
    _zone.reset(token)


@contextlib.contextmanager
def in_zone(name: str) -> Iterator[None]:
    """Inside the block, "today", day starts and local times are those of the IANA zone ``name`` ("" = UTC).

    For work that goes over several dealers in one request or job (a
    cross-dealer summary): each dealer's periods in that dealer's own zone.
    """
    token = set_zone(name)
    try:
        yield
    finally:
        reset_zone(token)


def current_zone() -> dt.tzinfo:
    return _zone.get()


def local(value: dt.datetime) -> dt.datetime:
    """``value`` in the current zone (a naive value is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(_zone.get())


def today() -> dt.date:
    """Today's date where the dealer is."""
    return local(now()).date()


def from_local(value: dt.datetime) -> dt.datetime:
    """A time someone typed (no zone: the current zone's wall clock) as an aware UTC datetime."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=_zone.get())
    return value.astimezone(UTC)


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the current zone, as UTC (date filters, "until the end of today")."""
    return from_local(dt.datetime.combine(day, dt.time()))
