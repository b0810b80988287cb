"""Figures plugins contribute to reports, through the ``report_metrics`` hook.

The plugin that owns the data declares what can be counted and how
(:class:`Metric`); whoever shows figures — the reports plugin, the
``forecourt metrics`` command, a partner's dashboard — calls
:func:`compute` (one figure per metric for a period) or
:func:`compute_series` (the figure per day, week or month of the period)
for one dealer and never needs to know the plugin's tables. So a partner
plugin's metrics appear in reports without changing the reports plugin.

Guarantees of :func:`compute` and :func:`compute_series`: only plugins the
dealer has enabled are asked; each metric is computed on its own, with a
time limit; one that fails or runs out of time is recorded for the platform
admin (like a failed hook) and comes back with ``value=None`` (``points=None``)
— a report shows "no figure", never an error page. A filter a metric does
not honour is never silently dropped: the figure lists it in ``unfiltered``
(except ``user_id``, which core applies itself through ``by_user`` when the
metric attributes its figure to users at all).

The contract only grows: a metric written against the first version
(``Metric(key, label, compute)`` with ``compute(ctx, period)`` returning
``MetricValue(total, by_user)``) keeps working unchanged.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.context import Context
from core.metric_buckets import BUCKETS, MAX_BUCKETS, Buckets

#: what a figure measures; the reports plugin formats each its own way ("money" in MetricValue.currency)
UNITS = ("count", "seconds", "percent", "money")
#: the filters reports ask for; a metric declares in ``Metric.filters`` which it honours (others may be added)
FILTERS = ("user_id", "source")
#: one metric may take this long on a large base before it is given up (and recorded)
TIMEOUT = 30.0
_KEY = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

Number = float | int

__all__ = ["BUCKETS", "FILTERS", "MAX_BUCKETS", "TIMEOUT", "UNITS", "Buckets", "Figure", "Metric", "MetricMemo",
           "MetricValue", "Period", "Series", "SeriesValue", "compute", "compute_series", "declared"]


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
    ``by_user[u]`` is always "the figure restricted to user ``u``" — that is
    what lets core apply a ``user_id`` filter to any metric.

    ``by`` holds the other breakdowns the metric declares in
    ``Metric.breakdowns``: ``{"source": {"web": 12, "phone": 3}, ...}`` —
    each the figure restricted to one value of that dimension (keys are the
    stored codes; ``None`` for rows without one). ``currency`` (ISO 4217)
    says what a ``"money"`` figure is counted in; ``""`` for other units.
    """

    total: Number | None
    by_user: Mapping[int | None, Number | None] = field(default_factory=dict)
    by: Mapping[str, Mapping[Any, Number | None]] = field(default_factory=dict)
    currency: str = ""


@dataclass(frozen=True)
class SeriesValue:
    """What a metric's ``series`` returns: ``{first local day of a bucket: figure}`` for buckets with rows.

    Buckets missing from ``values`` are filled with the metric's ``empty``
    value by :func:`compute_series`. Keys may be dates or ``YYYY-MM-DD``
    text as :meth:`Buckets.sql` yields them.
    """

    values: Mapping[Any, Number | None]
    currency: str = ""


Compute = Callable[..., Awaitable[MetricValue]]
SeriesCompute = Callable[..., Awaitable["SeriesValue | Mapping[Any, Number | None]"]]


@dataclass(frozen=True)
class Metric:
    """A figure a plugin can compute for one dealer and one period.

    ``key`` is ``"<plugin>.<name>"`` and stable (reports and exports refer to
    it). ``compute(ctx, period)`` runs in a system context of the dealer and
    returns a :class:`MetricValue`; it must only read. Metrics sharing a
    ``funnel`` name are the steps of one funnel, in ``step`` order (the
    reports plugin draws them with conversion rates between steps).
    ``snapshot`` metrics describe how things stand now and ignore the period.

    Optional, all added later (an old metric leaves them at their defaults):

    - ``breakdowns``: the names of the ``MetricValue.by`` breakdowns it
      offers (e.g. ``("source", "category")``). When it declares any,
      ``compute`` is also passed ``breakdowns=`` (a tuple: the ones wanted;
      computing only those saves queries).
    - ``filters``: the filter names it honours (see :data:`FILTERS`). When
      it declares any, ``compute`` (and ``series``) is also passed
      ``filters=`` (a dict holding only those, possibly empty).
    - ``series(ctx, period, buckets)``: the figure per bucket, in ONE
      grouped query using ``buckets.sql(column)`` (the bucket in the
      dealer's zone); returns a :class:`SeriesValue`. ``None``: no series.
    - ``empty``: the figure of a bucket (or a user) without rows: ``0`` for
      counts and sums, ``None`` for medians, shares and averages.
    - ``memo``: ``True`` to be passed ``memo=`` (a :class:`MetricMemo`) by
      ``compute`` and ``series``: several figures read from one query.
    - ``labels``: ``{breakdown: {stored code: label}}`` — what people read
      for the codes of a breakdown (``lazy_gettext``, translated when
      shown); a code without a label is shown as the code.
    """

    key: str
    label: Any
    compute: Compute
    unit: str = "count"
    description: Any = ""
    funnel: str = ""
    step: int = 0
    snapshot: bool = False
    breakdowns: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()
    series: SeriesCompute | None = None
    empty: Number | None = 0
    memo: bool = False
    labels: Mapping[str, Mapping[Any, Any]] = field(default_factory=dict, compare=False)

    def problems(self, plugin: str) -> list[str]:
        found = []
        if not _KEY.match(self.key) or not self.key.startswith(f"{plugin}."):
            found.append(f"metric key {self.key!r} must look like '{plugin}.<name>'")
        if self.unit not in UNITS:
            found.append(f"metric {self.key}: unit {self.unit!r} is not one of {UNITS}")
        if not callable(self.compute):
            found.append(f"metric {self.key}: compute is not callable")
        if self.series is not None and not callable(self.series):
            found.append(f"metric {self.key}: series is not callable")
        if not isinstance(self.labels, Mapping) or not all(isinstance(v, Mapping) for v in self.labels.values()):
            found.append(f"metric {self.key}: labels must map a breakdown to {{code: label}}")
        for kind, names in (("breakdown", self.breakdowns), ("filter", self.filters)):
            if not isinstance(names, tuple) or not all(isinstance(n, str) and _NAME.match(n) for n in names):
                found.append(f"metric {self.key}: {kind}s must be a tuple of names like 'source'")
        return found


class MetricMemo:
    """What one plugin's metrics share during one :func:`compute` (or :func:`compute_series`) call.

    A page asks for a dozen figures of the same rows (received, contacted,
    signed … of the leads of a period); rather than a query each, a metric
    declared with ``memo=True`` gets ``memo=`` and asks it for the rows:
    ``await memo.once(key, load)`` runs ``load()`` the first time ``key`` is
    asked during this call and gives every later caller the same result (or
    raises the same exception). Put in ``key`` everything the result depends
    on (period, filters, bucket). The memo lives for one call only — figures
    are never older than the request — and is private to one plugin.
    """

    def __init__(self) -> None:
        self._loads: dict[Any, asyncio.Future[Any]] = {}

    async def once(self, key: Any, load: Callable[[], Awaitable[Any]]) -> Any:
        found = self._loads.get(key)
        if found is None:
            found = self._loads[key] = asyncio.ensure_future(load())
        return await asyncio.shield(found)  # one metric timing out does not cancel what the next one awaits


def _memo(memos: dict[str, MetricMemo], plugin: str, metric: Metric, kwargs: dict[str, Any]) -> None:
    if metric.memo:
        kwargs["memo"] = memos.setdefault(plugin, MetricMemo())


@dataclass(frozen=True)
class Figure:
    """A computed metric. ``value`` is ``None`` when computing it failed (the failure is recorded).

    ``unfiltered``: the filters asked for that this figure does *not*
    reflect (the metric does not honour them) — show it as unfiltered or
    leave it out, never as if it were filtered.
    """

    metric: Metric
    plugin: str
    value: MetricValue | None
    unfiltered: tuple[str, ...] = ()


@dataclass(frozen=True)
class Series:
    """A computed series: ``points`` is ``((first local day of the bucket, figure), ...)`` for every bucket.

    ``points`` is ``None`` when computing it failed (recorded, hook name
    ``report_metrics:<key>``). ``unfiltered`` as in :class:`Figure`.
    """

    metric: Metric
    plugin: str
    bucket: str
    points: tuple[tuple[dt.date, Number | None], ...] | None
    currency: str = ""
    unfiltered: tuple[str, ...] = ()


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


def _split(metric: Metric, filters: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The filters ``metric`` honours, and the names of those it does not."""
    honoured = {name: value for name, value in filters.items() if name in metric.filters}
    return honoured, tuple(sorted(name for name in filters if name not in metric.filters))


def _narrow(metric: Metric, value: MetricValue, user_id: Any) -> MetricValue:
    """``value`` restricted to one user through ``by_user`` (the other breakdowns cannot be restricted: dropped)."""
    figure = value.by_user.get(user_id, metric.empty)
    return MetricValue(figure, {user_id: figure} if user_id in value.by_user else {}, {}, value.currency)


async def _one(ctx: Context, period: Period, plugin: str, metric: Metric, filters: Mapping[str, Any],
               breakdowns: Iterable[str] | None, memos: dict[str, MetricMemo]) -> Figure:
    from core.registry import registry

    honoured, unfiltered = _split(metric, filters)
    by_user_filter = "user_id" in unfiltered
    unfiltered = tuple(name for name in unfiltered if name != "user_id")
    kwargs: dict[str, Any] = {}
    if metric.filters:
        kwargs["filters"] = honoured
    if metric.breakdowns:
        wanted = metric.breakdowns if breakdowns is None else tuple(
            name for name in metric.breakdowns if name in set(breakdowns))
        kwargs["breakdowns"] = wanted
    _memo(memos, plugin, metric, kwargs)
    value: MetricValue | None
    try:
        async with asyncio.timeout(TIMEOUT):  # in this task (wait_for would make one and cost a turn of the loop)
            value = await metric.compute(ctx, period, **kwargs)
        if not isinstance(value, MetricValue):
            raise TypeError(f"metric {metric.key} computed {value!r}, not a MetricValue")
        if by_user_filter and value.by_user:
            value = _narrow(metric, value, filters["user_id"])
        elif by_user_filter and value.total not in (None, 0):
            unfiltered = tuple(sorted(("user_id", *unfiltered)))  # attributes nothing to anyone: cannot narrow
    except Exception as exc:
        await registry().record_failure(plugin, f"report_metrics:{metric.key}", exc, {"ctx": ctx})
        value = None
    return Figure(metric, plugin, value, unfiltered)


async def compute(ctx: Context, period: Period, keys: Iterable[str] | None = None, *,
                  filters: Mapping[str, Any] | None = None,
                  breakdowns: Iterable[str] | None = None) -> list[Figure]:
    """The figures of ``ctx``'s dealer for ``period``: every declared metric, or only ``keys`` (others skipped).

    ``filters`` (e.g. ``{"user_id": 7, "source": "web"}``) go to the metrics
    that honour them; ``user_id`` is applied by core to the others (through
    ``by_user``); any other filter a metric does not honour is listed in its
    ``Figure.unfiltered``. ``breakdowns``: the ``by`` breakdowns wanted
    (``None``: every declared one; ``()``: none).
    """
    wanted = None if keys is None else set(keys)
    figures, memos = [], {}
    for plugin, metric in await declared(ctx):
        if wanted is not None and metric.key not in wanted:
            continue
        figures.append(await _one(ctx, period, plugin, metric, filters or {}, breakdowns, memos))
    return figures


def _zone(ctx: Context, period: Period, tz: dt.tzinfo | None) -> dt.tzinfo:
    """The zone buckets are cut in: ``tz``, else the dealer's (``ctx.timezone``), else the period's start's."""
    from core.timeutil import zone

    if tz is not None:
        return tz
    if ctx.timezone:
        return zone(ctx.timezone)
    return period.start.tzinfo or dt.UTC


def _points(metric: Metric, buckets: Buckets, found: Any) -> tuple[tuple[tuple[dt.date, Any], ...], str]:
    if isinstance(found, SeriesValue):
        values, currency = found.values, found.currency
    elif isinstance(found, Mapping):
        values, currency = found, ""
    else:
        raise TypeError(f"metric {metric.key} series returned {found!r}, not a SeriesValue")
    by_day = {Buckets.day(day): value for day, value in values.items()}
    return tuple((day, by_day.get(day, metric.empty)) for day in buckets.days()), currency


async def compute_series(ctx: Context, period: Period, bucket: str, keys: Iterable[str] | None = None, *,
                         filters: Mapping[str, Any] | None = None, tz: dt.tzinfo | None = None) -> list[Series]:
    """The series of ``ctx``'s dealer over ``period`` by ``bucket`` (day, week, month), beside :func:`compute`.

    Only metrics with a ``series`` (and not ``snapshot``) take part; ``keys``
    narrows them further. Every bucket of the period is in ``points``, those
    without rows as the metric's ``empty`` value; buckets are the dealer's
    days (``ctx.timezone``, else ``tz`` or the period's own zone). A
    ``user_id`` filter a metric does not honour cannot be applied to a
    series: it is listed in ``unfiltered`` like any other.

    :raises ValueError: ``bucket`` is not one of :data:`BUCKETS`, or the period has too many buckets.
    """
    from core.db import engine_kind
    from core.registry import registry

    buckets = Buckets(bucket, period.start, period.end, _zone(ctx, period, tz), engine_kind())
    wanted = None if keys is None else set(keys)
    found: list[Series] = []
    memos: dict[str, MetricMemo] = {}
    for plugin, metric in await declared(ctx):
        if metric.series is None or metric.snapshot or (wanted is not None and metric.key not in wanted):
            continue
        honoured, unfiltered = _split(metric, filters or {})
        kwargs: dict[str, Any] = {"filters": honoured} if metric.filters else {}
        _memo(memos, plugin, metric, kwargs)
        try:
            async with asyncio.timeout(TIMEOUT):
                result = await metric.series(ctx, period, buckets, **kwargs)
            points, currency = _points(metric, buckets, result)
            found.append(Series(metric, plugin, bucket, points, currency, unfiltered))
        except Exception as exc:
            await registry().record_failure(plugin, f"report_metrics:{metric.key}", exc, {"ctx": ctx})
            found.append(Series(metric, plugin, bucket, None, "", unfiltered))
    return found
