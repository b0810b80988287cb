"""The period a report covers, read from the filter form: a preset or a custom range, in the dealer's zone.

A period is whole days of the dealer's calendar (``core.timeutil``: the
request's zone), so "today" at a Prague dealer starts at Prague's midnight.
Every preset also knows the period to compare with: the same span just
before it — the previous month for a month, the previous quarter for a
quarter, otherwise as many days ending the day before. What a client sends
is never trusted: an unknown preset falls back to this month, a date that
does not parse or a range that ends before it starts comes back as a field
error (the page answers 422, never 500).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from forecourt import Period, fmt_date, from_local, lazy_pgettext, pgettext, today
from forecourt import gettext as _

#: the presets in the order the form offers them
PRESETS = {
    "today": lazy_pgettext("period", "Today"),
    "week": lazy_pgettext("period", "This week"),
    "month": lazy_pgettext("period", "This month"),
    "last_month": lazy_pgettext("period", "Last month"),
    "quarter": lazy_pgettext("period", "This quarter"),
    "custom": lazy_pgettext("period", "Custom"),
}
DEFAULT = "month"
#: a custom period may span at most this many days (ten years)
MAX_DAYS = 3660


@dataclass(frozen=True)
class Span:
    """Whole days ``first`` to ``last`` (both included) of the dealer's calendar."""

    first: dt.date
    last: dt.date

    def period(self) -> Period:
        """The span as a :class:`Period`: from the dealer's midnight of ``first`` to that after ``last``."""
        return Period(from_local(dt.datetime.combine(self.first, dt.time())),
                      from_local(dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time())))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def label(self) -> str:
        if self.first == self.last:
            return fmt_date(self.first)
        return f"{fmt_date(self.first)} – {fmt_date(self.last)}"

    def slug(self) -> str:
        """For file names: ``2026-11-01_2026-11-30``."""
        return self.first.isoformat() if self.first == self.last else f"{self.first}_{self.last}"


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(first: dt.date) -> dt.date:
    return _month_start(first, -1) - dt.timedelta(days=1)


def preset_span(preset: str, day: dt.date) -> Span:
    """The span of ``preset`` on the dealer's ``day`` (a preset that runs on ends today)."""
    if preset == "today":
        return Span(day, day)
    if preset == "week":
        return Span(day - dt.timedelta(days=day.weekday()), day)
    if preset == "last_month":
        first = _month_start(day, 1)
        return Span(first, _month_end(first))
    if preset == "quarter":
        return Span(dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1), day)
    return Span(day.replace(day=1), day)


def previous(preset: str, span: Span) -> Span:
    """The span to compare ``span`` with: the calendar unit before it (as many of its days), or the days just before.

    Last month compares with the whole month before it; this month (to
    date) with the same days of the month before, as far as it has them;
    this quarter likewise with the quarter before; anything else with as
    many days ending the day before it starts.
    """
    months = {"month": 1, "last_month": 1, "quarter": 3}.get(preset)
    if months:
        first = _month_start(span.first, months)
        whole_end = span.first - dt.timedelta(days=1)
        if preset == "last_month":
            return Span(first, whole_end)
        return Span(first, min(whole_end, first + dt.timedelta(days=span.days - 1)))
    last = span.first - dt.timedelta(days=1)
    return Span(last - dt.timedelta(days=span.days - 1), last)


@dataclass(frozen=True)
class Choice:
    """What the filter form asked for, checked: the preset, the span, whether to compare, and the form's values."""

    preset: str
    span: Span
    compare: bool
    values: Mapping[str, str]
    errors: Mapping[str, str]

    @property
    def before(self) -> Span | None:
        return previous(self.preset, self.span) if self.compare else None


def _date(raw: str, label: str, errors: dict[str, str], key: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        errors[key] = _("%(field)s: enter a date like 2026-11-30.") % {"field": label}
        return None


def read(query: Mapping[str, Any], day: dt.date | None = None) -> Choice:
    """The period the query string asks for; with errors, the span falls back to this month."""
    day = day or today()
    errors: dict[str, str] = {}
    preset = str(query.get("period") or DEFAULT)
    if preset not in PRESETS:
        preset = DEFAULT
    raw_from, raw_to = str(query.get("from") or ""), str(query.get("to") or "")
    span = preset_span(preset, day)
    if preset == "custom":  # the dates count only for a custom period (a preset's are shown, not read)
        first = _date(raw_from or span.first.isoformat(), str(pgettext("period", "From")), errors, "from")
        last = _date(raw_to or span.last.isoformat(), str(pgettext("period", "To")), errors, "to")
        if first and last and last < first:
            errors["to"] = _("The period ends before it starts.")
        elif first and last and (last - first).days >= MAX_DAYS:
            errors["to"] = _("Choose a period of at most ten years.")
        elif first and last and not (dt.date(1900, 1, 1) <= first and last <= dt.date(9998, 12, 31)):
            errors["from"] = _("Choose a period between the years 1900 and 9998.")
        span = Span(first, last) if not errors and first and last else preset_span(DEFAULT, day)
    else:
        raw_from, raw_to = span.first.isoformat(), span.last.isoformat()
    compare = str(query.get("compare") or "") in ("1", "on", "true", "yes")
    values = {"period": preset, "from": raw_from or span.first.isoformat(), "to": raw_to or span.last.isoformat(),
              "compare": "1" if compare else ""}
    return Choice(preset, span, compare, values, errors)
