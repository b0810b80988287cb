"""Figures plugins contribute to reports, through the ``report_metrics`` hook.

The plugin that owns the data declares what can be counted and how
(:class:`Metric`); whoever shows figures — the reports plugin, the
``forecourt metrics`` command, a partner's dashboard — calls
:func:`compute` for one dealer and one period and never needs to know the
plugin's tables. So a partner plugin's metrics appear in reports without
changing the reports plugin.

Guarantees of :func:`compute`: only plugins the dealer has enabled are asked;
each metric is computed on its own, with a time limit; one that fails or runs
out of time is recorded for the platform admin (like a failed hook) and comes
back with ``value=None`` — a report shows "no figure", never an error page.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.context import Context

#: what a figure measures; the reports plugin formats each its own way
UNITS = ("count", "seconds", "percent", "money")
#: one metric may take this long on a large base before it is given up (and recorded)
TIMEOUT = 30.0
_KEY = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$")


@dataclass(frozen=True)
class Period:
    """``start`` inclusive, ``end`` exclusive; both time-zone aware."""

    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a period needs time-zone aware datetimes")
        if self.end <= self.start:
            raise ValueError("a period must end after it starts")

    @classmethod
    def days(cls, first: dt.date, last: dt.date, tz: dt.tzinfo = dt.UTC) -> Period:
        """Whole days ``first`` to ``last``, both included, as midnights in ``tz``."""
        start = dt.datetime.combine(first, dt.time(), tz)
        return cls(start, dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz))


@dataclass(frozen=True)
class MetricValue:
    """One metric's figure for the period.

    ``total`` is the dealer's figure (``None``: nothing to measure, e.g. a
    median of no durations). ``by_user`` breaks it down by the user the
    metric attributes rows to (leads: the assignee); the key ``None`` holds
    what nobody is attributed to. A median's parts do not add up to its total.
    """

    total: float | int | None
    by_user: Mapping[int | None, float | int] = field(default_factory=dict)


@dataclass(frozen=True)
class Metric:
    """A figure a plugin can compute for one dealer and one period.

    ``key`` is ``"<plugin>.<name>"`` and stable (reports and exports refer to
    it). ``compute(ctx, period)`` runs in a system context of the dealer and
    returns a :class:`MetricValue`; it must only read. Metrics sharing a
    ``funnel`` name are the steps of one funnel, in ``step`` order (the
    reports plugin draws them with conversion rates between steps).
    ``snapshot`` metrics describe how things stand now and ignore the period.
    """

    key: str
    label: Any
    compute: Callable[[Context, Period], Awaitable[MetricValue]]
    unit: str = "count"
    description: Any = ""
    funnel: str = ""
    step: int = 0
    snapshot: bool = False

    def problems(self, plugin: str) -> list[str]:
        found = []
        if not _KEY.match(self.key) or not self.key.startswith(f"{plugin}."):
            found.append(f"metric key {self.key!r} must look like '{plugin}.<name>'")
        if self.unit not in UNITS:
            found.append(f"metric {self.key}: unit {self.unit!r} is not one of {UNITS}")
        if not callable(self.compute):
            found.append(f"metric {self.key}: compute is not callable")
        return found


@dataclass(frozen=True)
class Figure:
    """A computed metric. ``value`` is ``None`` when computing it failed (the failure is recorded)."""

    metric: Metric
    plugin: str
    value: MetricValue | None


async def declared(ctx: Context) -> list[tuple[str, Metric]]:
    """``(plugin, metric)`` for every valid metric of the plugins ``ctx``'s dealer has enabled, by key.

    A plugin returning something that is not a valid :class:`Metric` (or a
    key twice) has that entry left out and recorded as a failed hook.
    """
    from core.registry import registry

    reg = registry()
    found: dict[str, tuple[str, Metric]] = {}
    for plugin, values in await reg.call_each("report_metrics", ctx=ctx):
        for metric in values:
            problems = metric.problems(plugin) if isinstance(metric, Metric) else [
                f"report_metrics returned {metric!r}, not a Metric"]
            if not problems and metric.key in found:
                problems = [f"metric {metric.key} is declared twice"]
            if problems:
                await reg.record_failure(plugin, "report_metrics", ValueError("; ".join(problems)), {"ctx": ctx})
                continue
            found[metric.key] = (plugin, metric)
    return [found[key] for key in sorted(found)]


async def compute(ctx: Context, period: Period, keys: Iterable[str] | None = None) -> list[Figure]:
    """The figures of ``ctx``'s dealer for ``period``: every declared metric, or only ``keys`` (others skipped)."""
    from core.registry import registry

    wanted = None if keys is None else set(keys)
    figures = []
    for plugin, metric in await declared(ctx):
        if wanted is not None and metric.key not in wanted:
            continue
        try:
            value = await asyncio.wait_for(metric.compute(ctx, period), TIMEOUT)
            if not isinstance(value, MetricValue):
                raise TypeError(f"metric {metric.key} computed {value!r}, not a MetricValue")
        except Exception as exc:
            await registry().record_failure(plugin, f"report_metrics:{metric.key}", exc, {"ctx": ctx})
            value = None
        figures.append(Figure(metric, plugin, value))
    return figures
