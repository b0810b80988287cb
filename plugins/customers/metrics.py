"""The customers plugin's figures for reports (``report_metrics``): the customer base and follow-up discipline.

Customers are attributed to their owner (``by_user``; ``None``: nobody);
customers marked invalid (merged, test rows) are never counted. ``new``
counts the customers created in the period; the snapshots (``total``,
``current``, ``potential``, ``blacklisted``, ``followups_overdue_now``)
describe the base as it stands now. Customer figures break down by
``status``, ``temperature`` and ``source``, and honour the filters
``user_id`` (the owner; ``None`` = nobody) and ``source`` (the customer's).

Follow-ups: ``followups_done`` are those recorded in the period, by who
recorded them (``by["method"]``: call, visit, ...). A follow-up recorded
with a next time plans one: ``followups_due`` are the planned ones whose
time falls in the period, by the customer's owner. One is *done on time*
when the customer's next follow-up was recorded no later than
:data:`FOLLOWUP_GRACE` after the planned time (early counts), and *overdue*
when that moment has passed without one. ``followups_on_time_share`` is on
time / (on time + overdue); those still within their grace are left out.
Every query is an index range on ``(dealer_id, invalid, created_at)``,
``(dealer_id, at)``, ``(dealer_id, next_at)`` or ``(dealer_id, invalid,
next_followup_at)``; counts have a series (one query).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from forecourt import Context, Metric, MetricBuckets, MetricMemo, MetricValue, Period, SeriesValue, now
from forecourt import lazy_gettext as _l
from plugins.customers.fields import METHODS, SOURCES, TEMPERATURES
from plugins.customers.machine import CUSTOMER
from plugins.customers.tables import Customer

#: a planned follow-up is on time when it is made at most this long after its planned time
FOLLOWUP_GRACE = dt.timedelta(days=1)
FILTERS = ("user_id", "source")
BREAKDOWNS = ("status", "temperature", "source")
#: what people read for the codes of each breakdown
LABELS = {"status": {state.key: state.label for state in CUSTOMER.states}, "temperature": TEMPERATURES,
          "source": SOURCES, "method": METHODS}
Where = tuple[str, tuple[Any, ...]]


def _customers(ctx: Context, period: Period | None, filters: Mapping[str, Any] | None, condition: Where = ("", ()),
               alias: str = "c", moment: str = "created_at") -> Where:
    """The WHERE over valid customers ``alias`` of the dealer (created in ``period`` if given), filtered."""
    parts, params = [f"{alias}.dealer_id = {{}}", f"{alias}.invalid = {{}}"], [ctx.dealer_id, False]
    if period is not None:
        parts.append(f"{moment} >= {{}} AND {moment} < {{}}")
        params += [period.start, period.end]
    filters = filters or {}
    if "user_id" in filters:
        if filters["user_id"] is None:
            parts.append(f"{alias}.owner_id IS NULL")
        else:
            parts.append(f"{alias}.owner_id = {{}}")
            params.append(int(filters["user_id"]))
    if filters.get("source"):
        parts.append(f"{alias}.source = {{}}")
        params.append(str(filters["source"]))
    if condition[0]:
        parts.append(f"({condition[0]})")
        params += list(condition[1])
    return " AND ".join(parts), tuple(params)


async def _grouped(sql_from: str, by: str, where: Where, head: Where = ("", ())) -> dict[Any, int]:
    select = head[0] or by
    rows = await Customer.raw(f"SELECT {select} AS k, COUNT(*) AS n FROM {sql_from} WHERE {where[0]} "
                              f"GROUP BY {'1' if head[0] else by}", *head[1], *where[1])
    return {row["k"]: row["n"] for row in rows}


async def _counted(sql_from: str, who: str, where: Where, breakdowns: Iterable[str],
                   columns: Mapping[str, str]) -> MetricValue:
    by_user = await _grouped(sql_from, who, where)
    by = {name: await _grouped(sql_from, columns[name], where) for name in breakdowns if name in columns}
    return MetricValue(sum(by_user.values()), by_user, by)


_COLUMNS = {"status": "c.status", "temperature": "c.temperature", "source": "c.source"}


def _base(snapshot: bool, condition: Where = ("", ())) -> tuple[Any, Any]:
    """``(compute, series)`` counting customers (created in the period unless ``snapshot``)."""
    async def compute(ctx: Context, period: Period, filters: Mapping[str, Any] | None = None,
                      breakdowns: tuple[str, ...] = BREAKDOWNS) -> MetricValue:
        where = _customers(ctx, None if snapshot else period, filters, condition, moment="c.created_at")
        return await _counted("customers_customer c", "c.owner_id", where, breakdowns, _COLUMNS)

    async def series(ctx: Context, period: Period, buckets: MetricBuckets,
                     filters: Mapping[str, Any] | None = None) -> SeriesValue:
        where = _customers(ctx, period, filters, condition, moment="c.created_at")
        return SeriesValue(await _grouped("customers_customer c", "k", where, buckets.sql("c.created_at")))
    return compute, (None if snapshot else series)


_FOLLOWUPS = "customers_followup f JOIN customers_customer c ON c.id = f.customer_id AND c.dealer_id = f.dealer_id"


async def _done(ctx: Context, period: Period, filters: Mapping[str, Any] | None = None,
                breakdowns: tuple[str, ...] = ("method",)) -> MetricValue:
    where = _done_where(ctx, period, filters)
    return await _counted(_FOLLOWUPS, "f.author_id", where, breakdowns, {"method": "f.method"})


def _done_where(ctx: Context, period: Period, filters: Mapping[str, Any] | None) -> Where:
    """Follow-ups recorded in the period; ``user_id`` is who recorded them, ``source`` the customer's."""
    filters = dict(filters or {})
    who = ("user_id" in filters, filters.pop("user_id", None))
    where = _customers(ctx, None, filters, ("f.at >= {} AND f.at < {}", (period.start, period.end)))
    if who[0]:
        extra = ("f.author_id IS NULL", ()) if who[1] is None else ("f.author_id = {}", (int(who[1]),))
        where = (f"{where[0]} AND {extra[0]}", (*where[1], *extra[1]))
    return where


async def _done_series(ctx: Context, period: Period, buckets: MetricBuckets,
                       filters: Mapping[str, Any] | None = None) -> SeriesValue:
    return SeriesValue(await _grouped(_FOLLOWUPS, "k", _done_where(ctx, period, filters), buckets.sql("f.at")))


def _due_where(ctx: Context, period: Period, filters: Mapping[str, Any] | None) -> Where:
    return _customers(ctx, None, filters, ("f.next_at >= {} AND f.next_at < {}", (period.start, period.end)))


async def _due(ctx: Context, period: Period, filters: Mapping[str, Any] | None = None) -> MetricValue:
    by_user = await _grouped(_FOLLOWUPS, "c.owner_id", _due_where(ctx, period, filters))
    return MetricValue(sum(by_user.values()), by_user)


async def _due_series(ctx: Context, period: Period, buckets: MetricBuckets,
                      filters: Mapping[str, Any] | None = None) -> SeriesValue:
    return SeriesValue(await _grouped(_FOLLOWUPS, "k", _due_where(ctx, period, filters), buckets.sql("f.next_at")))


def _stored(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def _outcomes(ctx: Context, period: Period, filters: Mapping[str, Any] | None,
                    memo: MetricMemo | None = None) -> list[tuple[Any, str]]:
    """``[(owner, "on_time" | "overdue" | "pending"), ...]`` for each follow-up due in the period (two queries).

    With the call's ``memo`` the three figures counting them (on time, overdue, the share) read them once.
    """
    if memo is not None:
        key = ("follow-up outcomes", period, tuple(sorted((filters or {}).items())))
        return await memo.once(key, lambda: _outcomes(ctx, period, filters))
    due = await Customer.raw(f"SELECT f.customer_id AS customer, f.at AS at, f.next_at AS due, c.owner_id AS owner "
                             f"FROM {_FOLLOWUPS} WHERE {_due_where(ctx, period, filters)[0]}",
                             *_due_where(ctx, period, filters)[1])
    if not due:
        return []
    earliest = min(_stored(row["at"]) for row in due)
    later = await Customer.raw("SELECT customer_id AS customer, at FROM customers_followup "
                               "WHERE dealer_id = {} AND at > {} AND at <= {}", ctx.dealer_id, earliest,
                               period.end + FOLLOWUP_GRACE)
    made: dict[Any, list[dt.datetime]] = {}
    for row in later:
        made.setdefault(row["customer"], []).append(_stored(row["at"]))
    moment, found = now(), []
    for row in due:
        planned_at, deadline = _stored(row["at"]), _stored(row["due"]) + FOLLOWUP_GRACE
        if any(planned_at < at <= deadline for at in made.get(row["customer"], ())):
            found.append((row["owner"], "on_time"))
        else:
            found.append((row["owner"], "overdue" if deadline <= moment else "pending"))
    return found


def _tally(outcome: str) -> Any:
    async def compute(ctx: Context, period: Period, filters: Mapping[str, Any] | None = None,
                      memo: MetricMemo | None = None) -> MetricValue:
        by_user: dict[Any, int] = {}
        for owner, result in await _outcomes(ctx, period, filters, memo):
            if result == outcome:
                by_user[owner] = by_user.get(owner, 0) + 1
        return MetricValue(sum(by_user.values()), by_user)
    return compute


async def _on_time_share(ctx: Context, period: Period, filters: Mapping[str, Any] | None = None,
                         memo: MetricMemo | None = None) -> MetricValue:
    tally: dict[Any, list[int]] = {}
    for owner, result in await _outcomes(ctx, period, filters, memo):
        if result != "pending":
            tally.setdefault(owner, [0, 0])[0 if result == "on_time" else 1] += 1
    good, late = sum(t[0] for t in tally.values()), sum(t[1] for t in tally.values())
    return MetricValue(round(100 * good / (good + late), 1) if good + late else None,
                       {owner: round(100 * g / (g + b), 1) for owner, (g, b) in tally.items()})


async def _overdue_now(ctx: Context, period: Period, filters: Mapping[str, Any] | None = None,
                       breakdowns: tuple[str, ...] = BREAKDOWNS) -> MetricValue:
    where = _customers(ctx, None, filters, ("c.next_followup_at < {} AND c.blacklisted = {}", (now(), False)))
    return await _counted("customers_customer c", "c.owner_id", where, breakdowns, _COLUMNS)


def _customer_metric(key: str, label: Any, description: Any, snapshot: bool = False,
                     condition: Where = ("", ())) -> Metric:
    compute, series = _base(snapshot, condition)
    return Metric(key, label, compute, description=description, snapshot=snapshot, breakdowns=BREAKDOWNS,
                  filters=FILTERS, series=series, labels=LABELS)


METRICS = (
    _customer_metric("customers.new", _l("New customers"), _l("Customers created in the period, by owner.")),
    _customer_metric("customers.total", _l("Customers"), _l("All customers now, by owner."), snapshot=True),
    _customer_metric("customers.current", _l("Current customers"), _l("Customers who have bought, now."),
                     snapshot=True, condition=("c.status = {}", ("current",))),
    _customer_metric("customers.potential", _l("Potential customers"), _l("Customers who have not bought yet, now."),
                     snapshot=True, condition=("c.status = {}", ("potential",))),
    _customer_metric("customers.blacklisted", _l("Blacklisted customers"), _l("Customers on the blacklist, now."),
                     snapshot=True, condition=("c.blacklisted = {}", (True,))),
    Metric("customers.followups_done", _l("Follow-ups made"), _done, breakdowns=("method",), filters=FILTERS,
           series=_done_series, labels=LABELS,
           description=_l("Follow-ups recorded in the period, by who recorded them.")),
    Metric("customers.followups_due", _l("Follow-ups due"), _due, filters=FILTERS, series=_due_series,
           description=_l("Planned follow-ups whose time fell in the period, by the customer's owner.")),
    Metric("customers.followups_on_time", _l("Follow-ups done on time"), _tally("on_time"), filters=FILTERS, memo=True,
           description=_l("Of the follow-ups due in the period, those made by a day after their time.")),
    Metric("customers.followups_overdue", _l("Follow-ups overdue"), _tally("overdue"), filters=FILTERS, memo=True,
           description=_l("Of the follow-ups due in the period, those not made by a day after their time.")),
    Metric("customers.followups_on_time_share", _l("Follow-ups on time"), _on_time_share, unit="percent",
           filters=FILTERS, empty=None, memo=True,
           description=_l("Share of the follow-ups due in the period that were made on time.")),
    Metric("customers.followups_overdue_now", _l("Customers with an overdue follow-up"), _overdue_now,
           snapshot=True, breakdowns=BREAKDOWNS, filters=FILTERS, labels=LABELS,
           description=_l("Customers whose next follow-up time has passed, now (blacklisted left out).")),
)
