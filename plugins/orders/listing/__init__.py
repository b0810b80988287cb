"""The plugin's list queries (orders, inquiries, products) and what their filters share."""

from __future__ import annotations

import datetime as dt

#: the days a date filter may name: a day nearer the calendar's ends has no UTC midnight or no next day
FILTER_DAYS = (dt.date(1, 1, 3), dt.date(9999, 12, 29))


def filter_day(value: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` filter as typed; ``None`` (the filter is left out, never an error) for anything else."""
    try:
        day = dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day is not None and FILTER_DAYS[0] <= day <= FILTER_DAYS[1] else None
