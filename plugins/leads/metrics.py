"""The leads plugin's figures for reports (``report_metrics``): the lead funnel, speed to lead, workload.

Period figures are about the leads *received* in the period (a cohort): of
the leads that came in in November, how many were contacted, visited,
signed, won — so a lead counts once, whenever the later steps happened.
Figures are attributed to the lead's assignee (``by_user``, ``None``:
unassigned) and broken down by the lead's ``source`` (``by["source"]``).
Every period figure honours the filters ``user_id`` (the assignee; ``None``
= unassigned) and ``source``, and has a series by day, week or month (the
day the lead came in, in the dealer's zone) computed in one query.

Every query is an index range on ``(dealer_id, created_at)``,
``(dealer_id, assignee_id, created_at)`` or ``(dealer_id, status)``.

"Visited" has no stamp of its own: a lead received counts as visited when
its contract was signed, it went on to a test drive, offer, negotiation or
was won, or it was refused after a successful contact (the contract refused
at the visit). Speed to lead is measured to ``contacted_at``, stamped by the
"Contact succeeded" step a person takes (not by an automatic message); the
90th percentile is the inclusive one (``statistics.quantiles(..., n=10,
method="inclusive")[8]``; one duration is its own percentile).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping
from typing import Any

from forecourt import Context, Metric, MetricBuckets, MetricValue, Period, SeriesValue, now
from forecourt import lazy_gettext as _l
from plugins.leads.tables import Lead

#: a new lead should be contacted within this time (speed to lead)
CONTACT_WITHIN = dt.timedelta(days=1)
OPPORTUNITY = ("qualified", "test_drive", "offer", "negotiation", "won", "lost")
OPEN = ("new", "awaiting_visit", "contract_signed", "postponed", "watching", "qualified", "test_drive", "offer",
        "negotiation")
LOST = ("lost", "refused", "discarded")
#: statuses that mean the customer came to the showroom (with ``contract_signed_at`` or a refusal after contact)
VISITED = ("contract_signed", "test_drive", "offer", "negotiation", "won")
FILTERS = ("user_id", "source")
BREAKDOWNS = ("source",)


def _in(column: str, values: Iterable[str]) -> tuple[str, tuple[Any, ...]]:
    values = tuple(values)
    return f"{column} IN ({', '.join(['{}'] * len(values))})", values


def _where(ctx: Context, period: Period | None, filters: Mapping[str, Any] | None,
           condition: tuple[str, tuple[Any, ...]] = ("", ())) -> tuple[str, tuple[Any, ...]]:
    """The WHERE of a figure: the dealer, the leads received in ``period`` (if any), the filters, ``condition``."""
    parts, params = ["dealer_id = {}"], [ctx.dealer_id]
    if period is not None:
        parts.append("created_at >= {} AND created_at < {}")
        params += [period.start, period.end]
    filters = filters or {}
    if "user_id" in filters:
        if filters["user_id"] is None:
            parts.append("assignee_id IS NULL")
        else:
            parts.append("assignee_id = {}")
            params.append(int(filters["user_id"]))
    if filters.get("source"):
        parts.append("source = {}")
        params.append(str(filters["source"]))
    if condition[0]:
        parts.append(f"({condition[0]})")
        params += list(condition[1])
    return " AND ".join(parts), tuple(params)


async def _grouped(by: str, where: tuple[str, tuple[Any, ...]]) -> dict[Any, int]:
    rows = await Lead.raw(f"SELECT {by} AS k, COUNT(*) AS n FROM leads_lead WHERE {where[0]} GROUP BY {by}",
                          *where[1])
    return {row["k"]: row["n"] for row in rows}


def _cohort(condition: tuple[str, tuple[Any, ...]] = ("", ())) -> tuple[Any, Any]:
    """``(compute, series)`` counting the leads received that meet ``condition``."""
    async def compute(ctx: Context, period: Period, filters: Mapping[str, Any] | None = None,
                      breakdowns: tuple[str, ...] = BREAKDOWNS) -> MetricValue:
        where = _where(ctx, period, filters, condition)
        by_user = await _grouped("assignee_id", where)
        by = {"source": await _grouped("source", where)} if "source" in breakdowns else {}
        return MetricValue(sum(by_user.values()), by_user, by)

    async def series(ctx: Context, period: Period, buckets: MetricBuckets,
                     filters: Mapping[str, Any] | None = None) -> SeriesValue:
        bucket, params = buckets.sql("created_at")
        where = _where(ctx, period, filters, condition)
        rows = await Lead.raw(f"SELECT {bucket} AS b, COUNT(*) AS n FROM leads_lead WHERE {where[0]} GROUP BY 1",
                              *params, *where[1])
        return SeriesValue({row["b"]: row["n"] for row in rows})
    return compute, series


def _stored(value: Any) -> dt.datetime:
    """A timestamp as a raw query returns it (SQLite: text) as an aware datetime."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def p90(values: list[float]) -> float:
    """The 90th percentile (inclusive method); a single value is its own."""
    return values[0] if len(values) == 1 else statistics.quantiles(values, n=10, method="inclusive")[8]


def _spread(rows: Iterable[Mapping[str, Any]], key: str, measure: Any) -> dict[Any, Any]:
    groups: dict[Any, list[float]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row["wait"])
    return {k: measure(v) for k, v in groups.items()}


def _response(measure: Any) -> tuple[Any, Any]:
    """``(compute, series)`` of ``measure`` (median, p90) of the seconds from arrival to first contact."""
    async def rows(ctx: Context, period: Period, filters: Mapping[str, Any] | None,
                   bucket: tuple[str, tuple[Any, ...]] = ("NULL", ())) -> list[dict[str, Any]]:
        where = _where(ctx, period, filters, ("contacted_at IS NOT NULL", ()))
        found = await Lead.raw(f"SELECT {bucket[0]} AS b, assignee_id, source, created_at, contacted_at "
                               f"FROM leads_lead WHERE {where[0]}", *bucket[1], *where[1])
        for row in found:
            row["wait"] = (_stored(row["contacted_at"]) - _stored(row["created_at"])).total_seconds()
        return found

    async def compute(ctx: Context, period: Period, filters: Mapping[str, Any] | None = None,
                      breakdowns: tuple[str, ...] = BREAKDOWNS) -> MetricValue:
        found = await rows(ctx, period, filters)
        waits = [row["wait"] for row in found]
        by = {"source": _spread(found, "source", measure)} if "source" in breakdowns else {}
        return MetricValue(measure(waits) if waits else None, _spread(found, "assignee_id", measure), by)

    async def series(ctx: Context, period: Period, buckets: MetricBuckets,
                     filters: Mapping[str, Any] | None = None) -> SeriesValue:
        return SeriesValue(_spread(await rows(ctx, period, filters, buckets.sql("created_at")), "b", measure))
    return compute, series


def _in_time(rows: Iterable[Mapping[str, Any]], key: str, moment: dt.datetime) -> dict[Any, float]:
    """``{key value: share (%) of leads contacted within a day}``; a lead not yet due is left out."""
    tally: dict[Any, list[int]] = {}
    for row in rows:
        created = _stored(row["created_at"])
        contacted = None if row["contacted_at"] is None else _stored(row["contacted_at"])
        deadline = created + CONTACT_WITHIN
        if contacted is None and deadline > moment:
            continue  # still has time
        in_time = contacted is not None and contacted <= deadline
        tally.setdefault(row[key], [0, 0])[0 if in_time else 1] += 1
    return {k: round(100 * good / (good + late), 1) for k, (good, late) in tally.items()}


async def _in_time_rows(ctx: Context, period: Period, filters: Mapping[str, Any] | None,
                        bucket: tuple[str, tuple[Any, ...]] = ("NULL", ())) -> list[dict[str, Any]]:
    where = _where(ctx, period, filters)
    return await Lead.raw(f"SELECT {bucket[0]} AS b, assignee_id, source, created_at, contacted_at "
                          f"FROM leads_lead WHERE {where[0]}", *bucket[1], *where[1])


async def _contacted_in_time(ctx: Context, period: Period, filters: Mapping[str, Any] | None = None,
                             breakdowns: tuple[str, ...] = BREAKDOWNS) -> MetricValue:
    """Share (%) of the leads received whose first contact came within a day; a lead not yet due is left out."""
    rows = await _in_time_rows(ctx, period, filters)
    for row in rows:
        row["all"] = "all"
    moment = now()
    by = {"source": _in_time(rows, "source", moment)} if "source" in breakdowns else {}
    return MetricValue(_in_time(rows, "all", moment).get("all"), _in_time(rows, "assignee_id", moment), by)


async def _contacted_in_time_series(ctx: Context, period: Period, buckets: MetricBuckets,
                                    filters: Mapping[str, Any] | None = None) -> SeriesValue:
    return SeriesValue(_in_time(await _in_time_rows(ctx, period, filters, buckets.sql("created_at")), "b", now()))


async def _snapshot(ctx: Context, condition: tuple[str, tuple[Any, ...]], filters: Mapping[str, Any] | None,
                    breakdowns: tuple[str, ...]) -> MetricValue:
    where = _where(ctx, None, filters, condition)
    by_user = await _grouped("assignee_id", where)
    by = {"source": await _grouped("source", where)} if "source" in breakdowns else {}
    return MetricValue(sum(by_user.values()), by_user, by)


async def _open_now(ctx: Context, period: Period, filters: Mapping[str, Any] | None = None,
                    breakdowns: tuple[str, ...] = BREAKDOWNS) -> MetricValue:
    return await _snapshot(ctx, _in("status", OPEN), filters, breakdowns)


async def _waiting_now(ctx: Context, period: Period, filters: Mapping[str, Any] | None = None,
                       breakdowns: tuple[str, ...] = BREAKDOWNS) -> MetricValue:
    return await _snapshot(ctx, ("status = {} AND contacted_at IS NULL AND created_at < {}",
                                 ("new", now() - CONTACT_WITHIN)), filters, breakdowns)


def _visited() -> tuple[str, tuple[Any, ...]]:
    statuses, params = _in("status", VISITED)
    return (f"contract_signed_at IS NOT NULL OR {statuses} OR (status = {{}} AND contacted_at IS NOT NULL)",
            (*params, "refused"))


def _cohort_metric(key: str, label: Any, description: Any, condition: tuple[str, tuple[Any, ...]] = ("", ()),
                   **extra: Any) -> Metric:
    compute, series = _cohort(condition)
    return Metric(key, label, compute, description=description, breakdowns=BREAKDOWNS, filters=FILTERS,
                  series=series, **extra)


def _declare() -> tuple[Metric, ...]:
    median, median_series = _response(statistics.median)
    slowest, slowest_series = _response(p90)
    return (
        _cohort_metric("leads.received", _l("Leads received"), _l("Leads that came in during the period, by assignee."),
                       funnel="leads", step=1),
        _cohort_metric("leads.contacted", _l("Leads contacted"),
                       _l("Of the leads received, those reached at least once."),
                       ("contacted_at IS NOT NULL", ()), funnel="leads", step=2),
        _cohort_metric("leads.visited", _l("Leads that visited"), _l(
            "Of the leads received, those who came to the showroom: contract signed or refused there, test drive, "
            "offer, negotiation or won."), _visited(), funnel="leads", step=3),
        _cohort_metric("leads.contract_signed", _l("Contracts signed"),
                       _l("Of the leads received, those with a signed contract."),
                       ("contract_signed_at IS NOT NULL", ()), funnel="leads", step=4),
        _cohort_metric("leads.handled", _l("Leads handled"),
                       _l("Of the leads received, those the assignee has moved on from New."),
                       ("status <> {}", ("new",))),
        _cohort_metric("leads.qualified", _l("Sales opportunities"),
                       _l("Of the leads received, those qualified as a sales opportunity."),
                       _in("status", OPPORTUNITY),
                       funnel="opportunities", step=1),
        _cohort_metric("leads.won", _l("Opportunities won"), _l("Of the leads received, the opportunities won."),
                       ("status = {}", ("won",)), funnel="opportunities", step=2),
        _cohort_metric("leads.lost", _l("Leads lost"), _l("Of the leads received, those lost, refused or discarded."),
                       _in("status", LOST)),
        Metric("leads.response_time", _l("Time to first contact (median)"), median, unit="seconds",
               description=_l("From a lead's arrival to its first successful contact (speed to lead)."),
               breakdowns=BREAKDOWNS, filters=FILTERS, series=median_series, empty=None),
        Metric("leads.response_time_p90", _l("Time to first contact (90th percentile)"), slowest, unit="seconds",
               description=_l("Nine in ten of the leads contacted were reached within this time."),
               breakdowns=BREAKDOWNS, filters=FILTERS, series=slowest_series, empty=None),
        Metric("leads.contacted_in_time", _l("Contacted within a day"), _contacted_in_time, unit="percent",
               description=_l("Share of the leads received whose first contact came within a day."),
               breakdowns=BREAKDOWNS, filters=FILTERS, series=_contacted_in_time_series, empty=None),
        Metric("leads.open", _l("Open leads"), _open_now, snapshot=True, breakdowns=BREAKDOWNS, filters=FILTERS,
               description=_l("Leads being worked on now, by assignee.")),
        Metric("leads.waiting", _l("Waiting more than a day for a first contact"), _waiting_now, snapshot=True,
               breakdowns=BREAKDOWNS, filters=FILTERS,
               description=_l("New leads nobody has reached for more than a day, now.")),
    )


METRICS = _declare()
