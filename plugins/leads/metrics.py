"""The leads plugin's figures for reports (``report_metrics``): the lead funnel, speed to lead, workload.

Period figures are about the leads *received* in the period (a cohort): of
the leads that came in in November, how many were contacted, visited,
signed, won — so a lead counts once, whenever the later steps happened.
Figures are attributed to the lead's assignee (``by_user``, ``None``:
unassigned) and broken down by the lead's ``source`` (``by["source"]``).
Every period figure honours the filters ``user_id`` (the assignee; ``None``
= unassigned) and ``source``, and has a series by day, week or month (the
day the lead came in, in the dealer's zone) computed in one query.

A page asks for a dozen of these figures at once, so they share their
queries through the call's memo (``Metric.memo``): one grouped pass over the
leads received counts every cohort step per assignee and source (a series:
per bucket), one reads the first-contact waits, one counts the open leads —
a few queries for the whole funnel page instead of two per figure. Each is
an index range on ``(dealer_id, created_at)``; the snapshots (open,
waiting) read the standing rollup instead of all of a dealer's leads.

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

from forecourt import (
    Context,
    Metric,
    MetricBuckets,
    MetricMemo,
    MetricValue,
    Period,
    SeriesValue,
    engine_kind,
    now,
)
from forecourt import lazy_gettext as _l
from plugins.leads import standing
from plugins.leads.fields import SOURCES
from plugins.leads.tables import Lead

#: a new lead should be contacted within this time (speed to lead)
CONTACT_WITHIN = dt.timedelta(days=1)
WITHIN_SECONDS = CONTACT_WITHIN.total_seconds()
#: a group's waits to first contact as one text, comma-separated (both render a float so that it reads back the
#: same); ``contact_wait`` is the seconds to the millisecond, kept by the engine (migration 2026-12-04T04:10)
WAIT_LIST = {"sqlite": "GROUP_CONCAT(contact_wait)", "postgres": "STRING_AGG(CAST(contact_wait AS TEXT), ',')"}
OPPORTUNITY = ("qualified", "test_drive", "offer", "negotiation", "won", "lost")
OPEN = ("new", "awaiting_visit", "contract_signed", "postponed", "watching", "qualified", "test_drive", "offer",
        "negotiation")
LOST = ("lost", "refused", "discarded")
#: statuses that mean the customer came to the showroom (with ``contract_signed_at`` or a refusal after contact)
VISITED = ("contract_signed", "test_drive", "offer", "negotiation", "won")
FILTERS = ("user_id", "source")
BREAKDOWNS = ("source",)
LABELS = {"source": SOURCES}


Where = tuple[str, tuple[Any, ...]]
Filters = Mapping[str, Any] | None


def _in(column: str, values: Iterable[str]) -> Where:
    values = tuple(values)
    return f"{column} IN ({', '.join(['{}'] * len(values))})", values


def _where(ctx: Context, period: Period | None, filters: Filters, condition: Where = ("", ())) -> Where:
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


def _visited() -> Where:
    statuses, params = _in("status", VISITED)
    return (f"contract_signed_at IS NOT NULL OR {statuses} OR (status = {{}} AND contact_wait IS NOT NULL)",
            (*params, "refused"))


#: what each cohort step counts among the leads received (the figure ``leads.<name>``); ``contact_wait`` is set
#: exactly when ``contacted_at`` is, and it is the column the figures read (a number, not a text timestamp: the
#: smaller the values a grouped pass carries per lead, the faster the engine sorts them)
STEPS: dict[str, Where] = {
    "received": ("1 = 1", ()),
    "contacted": ("contact_wait IS NOT NULL", ()),
    "visited": _visited(),
    "contract_signed": ("contract_signed_at IS NOT NULL", ()),
    "handled": ("status <> {}", ("new",)),
    "qualified": _in("status", OPPORTUNITY),
    "won": ("status = {}", ("won",)),
    "lost": _in("status", LOST),
}


#: what the period's passes group by: per assignee and source, or (no breakdown by source asked) per assignee
_GROUPS = {True: "assignee_id, source", False: "assignee_id"}
#: the same in the GROUP BY: the source first, SQLite's sort settles more comparisons on its first key (~13 %)
_GROUP_BY = {True: "source, assignee_id", False: "assignee_id"}


def _group_of(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """The key of a grouped pass's row: its bucket, or its assignee (and source)."""
    return (row["b"],) if "b" in row else (row["assignee_id"], row.get("source"))


def _memo_key(kind: str, ctx: Context, period: Period | None, filters: Filters, bucket: Any = None) -> Any:
    return kind, ctx.dealer_id, period, tuple(sorted((filters or {}).items())), bucket


def _counts(cases: Mapping[str, Where], group: Where, where: Where, by: str = "", extra: str = "") -> Where:
    """One query counting each of ``cases`` (``COUNT(*) FILTER``, both engines) per ``group`` (columns, or an
    expression with its parameters, then grouped ``by`` its position); ``extra``: more aggregates selected."""
    select, params = [], list(group[1])
    for name, (condition, values) in cases.items():
        select.append(f"COUNT(*) FILTER (WHERE {condition}) AS {name}")
        params += values
    if extra:
        select.append(extra)
    return (f"SELECT {group[0]}, {', '.join(select)} FROM leads_lead WHERE {where[0]} GROUP BY {by or group[0]}",
            (*params, *where[1]))


async def _tally(ctx: Context, period: Period, filters: Filters, memo: MetricMemo | None,
                 bucket: Where | None = None, sources: bool = True) -> list[dict[str, Any]]:
    """Every cohort step counted per assignee and source (or per ``bucket``), and for the in-time share:

    ``in_time``, the leads whose first contact came within a day (their
    wait as :func:`_waits` measures it), and ``fresh``, those not contacted
    and received less than a day ago — left out of the share (they still
    have time). ``sources`` ``False`` (no breakdown by source asked): per
    assignee only — a grouping key less to sort the period's leads by.
    The fresh are counted by a second query over the last day alone (none
    when the period ended before it), so that the pass over the period
    reads no timestamp but the one its range is on. Per assignee and
    source it also joins each group's ``waits`` (as :func:`_waits`): the
    page that breaks the funnel down by source shows the speed to lead
    too, and one pass over the period is cheaper than two.
    """
    with_waits = bucket is None and sources

    async def load() -> list[dict[str, Any]]:
        group = (_GROUPS[sources], (), _GROUP_BY[sources]) if bucket is None else (f"{bucket[0]} AS b", bucket[1], "1")
        cases = {**STEPS, "in_time": ("contact_wait <= {}", (WITHIN_SECONDS,))}
        sql, values = _counts(cases, group[:2], _where(ctx, period, filters), by=group[2],
                              extra=f"{WAIT_LIST[engine_kind()]} AS waits" if with_waits else "")
        rows = await Lead.raw(sql, *values)
        if with_waits:
            for row in rows:
                row["waits"] = _parsed(row["waits"])
        cutoff = now() - CONTACT_WITHIN
        fresh: dict[Any, int] = {}
        if cutoff < period.end:
            last_day = Period(max(period.start, cutoff), period.end)
            sql, values = _counts({"fresh": ("1 = 1", ())}, group[:2], _where(
                ctx, last_day, filters, ("contact_wait IS NULL AND created_at > {}", (cutoff,))), by=group[2])
            fresh = {_group_of(row): row["fresh"] for row in await Lead.raw(sql, *values)}
        for row in rows:
            row["fresh"] = fresh.get(_group_of(row), 0)
        return rows
    return await (memo or MetricMemo()).once(_memo_key("tally", ctx, period, filters, (bucket, sources)), load)


def _parts(rows: Iterable[Mapping[str, Any]], name: str) -> tuple[dict[Any, int], dict[Any, int]]:
    """``(by assignee, by source)`` of one step; a part without any such lead is left out (as a GROUP BY would)."""
    by_user: dict[Any, int] = {}
    by_source: dict[Any, int] = {}
    for row in rows:
        if row[name]:
            by_user[row["assignee_id"]] = by_user.get(row["assignee_id"], 0) + row[name]
            by_source[row.get("source")] = by_source.get(row.get("source"), 0) + row[name]
    return by_user, by_source


def _cohort(name: str) -> tuple[Any, Any]:
    """``(compute, series)`` counting the leads received that reached step ``name`` of :data:`STEPS`."""
    async def compute(ctx: Context, period: Period, filters: Filters = None, breakdowns: tuple[str, ...] = BREAKDOWNS,
                      memo: MetricMemo | None = None) -> MetricValue:
        by_user, by_source = _parts(await _tally(ctx, period, filters, memo, sources="source" in breakdowns), name)
        return MetricValue(sum(by_user.values()), by_user, {"source": by_source} if "source" in breakdowns else {})

    async def series(ctx: Context, period: Period, buckets: MetricBuckets, filters: Filters = None,
                     memo: MetricMemo | None = None) -> SeriesValue:
        """This step alone per bucket: a page shows one or two steps over time (counting all of them per bucket,
        as the figures do per assignee, would cost a pass twice as long)."""
        bucket = buckets.sql("created_at")

        async def load() -> list[dict[str, Any]]:
            sql, values = _counts({name: STEPS[name]}, (f"{bucket[0]} AS b", bucket[1]),
                                  _where(ctx, period, filters), by="1")
            return await Lead.raw(sql, *values)
        rows = await (memo or MetricMemo()).once(_memo_key(f"step {name}", ctx, period, filters, bucket), load)
        return SeriesValue({row["b"]: row[name] for row in rows if row[name]})
    return compute, series



def _parsed(waits: str | None) -> list[float]:
    """A group's waits as the engine joined them (``None``: none), sorted once: the median, p90 and the spreads
    over several groups (runs of sorted values) sort them again in linear time."""
    return sorted(map(float, waits.split(","))) if waits else []


def p90(values: list[float]) -> float:
    """The 90th percentile (inclusive method); a single value is its own."""
    return values[0] if len(values) == 1 else statistics.quantiles(values, n=10, method="inclusive")[8]


async def _waits(ctx: Context, period: Period, filters: Filters, memo: MetricMemo | None,
                 bucket: Where | None = None, sources: bool = True) -> list[dict[str, Any]]:
    """Per assignee and source (or per ``bucket``, ``b``): ``waits``, the seconds to first contact of each lead.

    The leads received and contacted, read from the index alone
    (leads_lead_created covers these columns), each group's waits joined
    by the engine into one text (a dealer's quarter is ten rows, not a
    thousand). The wait is the stored ``contact_wait`` (to the millisecond,
    kept by the engine), not computed from the stamps per query.
    """
    if bucket is None and sources:
        return [row for row in await _tally(ctx, period, filters, memo, sources=True) if row["waits"]]

    async def load() -> list[dict[str, Any]]:
        where = _where(ctx, period, filters, ("contact_wait IS NOT NULL", ()))
        listed = WAIT_LIST[engine_kind()]
        group, params, by = (_GROUPS[sources], (), _GROUP_BY[sources]) if bucket is None else (
            f"{bucket[0]} AS b", bucket[1], "1")
        rows = await Lead.raw(f"SELECT {group}, {listed} AS waits FROM leads_lead WHERE {where[0]} GROUP BY {by}",
                              *params, *where[1])
        for row in rows:
            row["waits"] = _parsed(row["waits"])
        return rows
    return await (memo or MetricMemo()).once(_memo_key("waits", ctx, period, filters, (bucket, sources)), load)


def _spread(rows: Iterable[Mapping[str, Any]], key: str, measure: Any) -> dict[Any, Any]:
    groups: dict[Any, list[float]] = {}
    for row in rows:
        groups.setdefault(row[key], []).extend(row["waits"])
    return {k: measure(v) for k, v in groups.items()}


def _response(measure: Any) -> tuple[Any, Any]:
    """``(compute, series)`` of ``measure`` (median, p90) of the seconds from arrival to first contact."""
    async def compute(ctx: Context, period: Period, filters: Filters = None, breakdowns: tuple[str, ...] = BREAKDOWNS,
                      memo: MetricMemo | None = None) -> MetricValue:
        found = await _waits(ctx, period, filters, memo, sources="source" in breakdowns)
        waits = [wait for row in found for wait in row["waits"]]
        by = {"source": _spread(found, "source", measure)} if "source" in breakdowns else {}
        return MetricValue(measure(waits) if waits else None, _spread(found, "assignee_id", measure), by)

    async def series(ctx: Context, period: Period, buckets: MetricBuckets, filters: Filters = None,
                     memo: MetricMemo | None = None) -> SeriesValue:
        return SeriesValue(_spread(await _waits(ctx, period, filters, memo, buckets.sql("created_at")), "b", measure))
    return compute, series


def _shares(tally: Iterable[Mapping[str, Any]], key: str | None) -> dict[Any, float]:
    """``{key value: share (%) of the leads due contacted within a day}``; a part with none due is left out.

    ``key`` ``None``: the share of all of them, under the key ``None``.
    """
    due: dict[Any, list[int]] = {}
    for row in tally:
        part = due.setdefault(row[key] if key else None, [0, 0])
        part[0] += row["in_time"]
        part[1] += row["received"] - row["fresh"]
    return {k: round(100 * good / n, 1) for k, (good, n) in due.items() if n}


async def _contacted_in_time(ctx: Context, period: Period, filters: Filters = None,
                             breakdowns: tuple[str, ...] = BREAKDOWNS, memo: MetricMemo | None = None) -> MetricValue:
    """Share (%) of the leads received whose first contact came within a day; a lead not yet due is left out."""
    tally = await _tally(ctx, period, filters, memo, sources="source" in breakdowns)
    by = {"source": _shares(tally, "source")} if "source" in breakdowns else {}
    return MetricValue(_shares(tally, None).get(None), _shares(tally, "assignee_id"), by)


async def _contacted_in_time_series(ctx: Context, period: Period, buckets: MetricBuckets, filters: Filters = None,
                                    memo: MetricMemo | None = None) -> SeriesValue:
    return SeriesValue(_shares(await _tally(ctx, period, filters, memo, buckets.sql("created_at")), "b"))


async def _standing(ctx: Context, filters: Filters, memo: MetricMemo | None) -> list[dict[str, Any]]:
    """The open leads now, and those of them waiting more than a day for a first contact, per assignee and source.

    From the standing rollup (:mod:`plugins.leads.standing`), not the
    dealer's leads: "waiting" is the New leads without a contact less those
    of them received within the last day — a short range of ``leads_lead``.
    """
    async def load() -> list[dict[str, Any]]:
        rows = await standing.counts(_where(ctx, None, filters, _in("status", OPEN)))
        recent = _where(ctx, None, filters, ("status = {} AND contacted_at IS NULL AND created_at >= {}",
                                              ("new", now() - CONTACT_WITHIN)))
        fresh = {(r["assignee_id"], r["source"]): r["n"] for r in await Lead.raw(
            f"SELECT assignee_id, source, COUNT(*) AS n FROM leads_lead WHERE {recent[0]} "
            "GROUP BY assignee_id, source", *recent[1])}
        return [{"assignee_id": r["assignee_id"], "source": r["source"], "open": r["leads"],
                 "waiting": r["uncontacted_new"] - fresh.get((r["assignee_id"], r["source"]), 0)} for r in rows]
    return await (memo or MetricMemo()).once(_memo_key("standing", ctx, None, filters), load)


def _snapshot(name: str) -> Any:
    async def compute(ctx: Context, period: Period, filters: Filters = None, breakdowns: tuple[str, ...] = BREAKDOWNS,
                      memo: MetricMemo | None = None) -> MetricValue:
        by_user, by_source = _parts(await _standing(ctx, filters, memo), name)
        return MetricValue(sum(by_user.values()), by_user, {"source": by_source} if "source" in breakdowns else {})
    return compute


def _cohort_metric(key: str, label: Any, description: Any, **extra: Any) -> Metric:
    compute, series = _cohort(key.split(".", 1)[1])
    return Metric(key, label, compute, description=description, breakdowns=BREAKDOWNS, filters=FILTERS,
                  series=series, memo=True, labels=LABELS, **extra)


def _declare() -> tuple[Metric, ...]:
    median, median_series = _response(statistics.median)
    slowest, slowest_series = _response(p90)
    return (
        _cohort_metric("leads.received", _l("Leads received"), _l("Leads that came in during the period, by assignee."),
                       funnel="leads", step=1),
        _cohort_metric("leads.contacted", _l("Leads contacted"),
                       _l("Of the leads received, those reached at least once."), funnel="leads", step=2),
        _cohort_metric("leads.visited", _l("Leads that visited"), _l(
            "Of the leads received, those who came to the showroom: contract signed or refused there, test drive, "
            "offer, negotiation or won."), funnel="leads", step=3),
        _cohort_metric("leads.contract_signed", _l("Contracts signed"),
                       _l("Of the leads received, those with a signed contract."), funnel="leads", step=4),
        _cohort_metric("leads.handled", _l("Leads handled"),
                       _l("Of the leads received, those the assignee has moved on from New.")),
        _cohort_metric("leads.qualified", _l("Sales opportunities"),
                       _l("Of the leads received, those qualified as a sales opportunity."),
                       funnel="opportunities", step=1),
        _cohort_metric("leads.won", _l("Opportunities won"), _l("Of the leads received, the opportunities won."),
                       funnel="opportunities", step=2),
        _cohort_metric("leads.lost", _l("Leads lost"), _l("Of the leads received, those lost, refused or discarded.")),
        Metric("leads.response_time", _l("Time to first contact (median)"), median, unit="seconds",
               description=_l("From a lead's arrival to its first successful contact (speed to lead)."),
               breakdowns=BREAKDOWNS, filters=FILTERS, series=median_series, empty=None, memo=True, labels=LABELS),
        Metric("leads.response_time_p90", _l("Time to first contact (90th percentile)"), slowest, unit="seconds",
               description=_l("Nine in ten of the leads contacted were reached within this time."),
               breakdowns=BREAKDOWNS, filters=FILTERS, series=slowest_series, empty=None, memo=True, labels=LABELS),
        Metric("leads.contacted_in_time", _l("Contacted within a day"), _contacted_in_time, unit="percent",
               description=_l("Share of the leads received whose first contact came within a day."),
               breakdowns=BREAKDOWNS, filters=FILTERS, series=_contacted_in_time_series, empty=None, memo=True,
               labels=LABELS),
        Metric("leads.open", _l("Open leads"), _snapshot("open"), snapshot=True, breakdowns=BREAKDOWNS,
               filters=FILTERS, memo=True, labels=LABELS, description=_l("Leads being worked on now, by assignee.")),
        Metric("leads.waiting", _l("Waiting more than a day for a first contact"), _snapshot("waiting"),
               snapshot=True, breakdowns=BREAKDOWNS, filters=FILTERS, memo=True, labels=LABELS,
               description=_l("New leads nobody has reached for more than a day, now.")),
    )


METRICS = _declare()
