"""The orders plugin's figures for reports (``report_metrics``): orders, revenue, payments, inquiries.

Order figures are about the orders *placed* in the period (a cohort, by
``created_at``), as they stand now: of November's orders, how many are
delivered, what they are worth. Every figure is attributed to the order's
(or inquiry's) responsible manager — ``by_user``, ``None`` for nobody — so
"by manager" is each figure's breakdown. Revenue is the total of the orders
placed, leaving out those refused, cancelled, returned or lost
(:data:`NOT_SOLD`); the average order is that revenue per such order.
Payments received are the money that came in during the period: payments
whose payment date (``paid_at``) falls in it, also when refunded later (the
refund is money going out on its own day) — the cash desk page's meaning
(:func:`plugins.orders.payments.services.totals`) — attributed to their
order's manager. Inquiries: those received in the period by status, and how
many of them became an order.

Breakdowns (``MetricValue.by``): orders and revenue by ``status``,
``source`` and ``category`` (the product kind of the order's lines: an order
with a vehicle and an accessory counts once under each, and the category's
revenue is its lines' totals, so categories need not add up to the total);
payments by ``method`` and ``desk`` (cash desk: cash, card; bank: transfer,
online). Filters ``user_id`` (the manager) and ``source`` (the order's, for
payments their order's; the inquiry's for inquiries). Money is in the
dealer's currency (``MetricValue.currency``; see
:mod:`plugins.orders.metric_queries`), with other currencies in the
``currency`` breakdown. Every period figure has a series (one query).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from babel.support import LazyProxy

from forecourt import Context, Metric, MetricBuckets, MetricMemo, MetricValue, Period, SeriesValue, dealer_currency
from forecourt import lazy_gettext as _l
from plugins.orders.catalogue.fields import KINDS
from plugins.orders.machines import INQUIRY_MACHINE, ORDER_MACHINE
from plugins.orders.metric_queries import INQUIRIES, ORDERS, PAYMENTS, Rows, choose, currencies, in_currency, tally
from plugins.orders.payments.services import DESK
from plugins.orders.sales.fields import PAYMENT_METHODS, SOURCES

#: statuses of orders that did not become a sale (left out of revenue and the average)
NOT_SOLD = ("refused_phone", "cancelled_site", "refused_pickup", "returned", "lost")
FILTERS = ("user_id", "source")
ORDER_BREAKDOWNS = ("status", "source", "category")
MONEY_BREAKDOWNS = (*ORDER_BREAKDOWNS, "currency")
#: what people read for the codes of each breakdown
LABELS = {"status": {state.key: state.label for state in ORDER_MACHINE.states}, "source": SOURCES,
          "category": KINDS, "method": PAYMENT_METHODS, "desk": {"cash": _l("Cash desk"), "bank": _l("Bank account")}}

#: dimensions of a table's groups that figures only break down by (status and currency decide what they count)
DROPPABLE = ("source",)
Compute = Callable[..., Awaitable[MetricValue]]
Group = Mapping[str, Any]
#: which of a table's groups a figure counts (its status, source …)
Keep = Callable[[Group], bool]


def _every(group: Group) -> bool:
    return True


def _sold(group: Group) -> bool:
    return group["status"] not in NOT_SOLD


def _where(name: str, value: str, sold: bool = False) -> Keep:
    """The groups whose ``name`` is ``value`` (and, with ``sold``, that are a sale)."""
    return lambda group: group[name] == value and (not sold or _sold(group))


async def _own(ctx: Context, memo: MetricMemo) -> str:
    return await memo.once(("dealer currency",), lambda: dealer_currency(ctx.dealer_id))


async def _in_money(ctx: Context, groups: list[Group], memo: MetricMemo) -> tuple[list[Group], str, dict[str, Any]]:
    """``(the groups in the figure's currency, that currency, {currency: (rows, sum)} of them all)``."""
    own = await _own(ctx, memo)
    codes = currencies(groups, own)
    chosen = choose(codes, own)
    return [g for g in groups if in_currency(g, chosen, own)], chosen, codes


def _unread(reads: tuple[str, ...], breakdowns: tuple[str, ...] = ()) -> frozenset[str]:
    """The dimensions a figure can do without: ``source`` unless its rule (``reads``) or a breakdown needs it."""
    return frozenset(d for d in DROPPABLE if d not in reads and d not in breakdowns)


def _figure(rows: Rows, keep: Keep, is_money: bool, offered: tuple[str, ...],
            reads: tuple[str, ...]) -> tuple[Compute, Any]:
    """``(compute, series)`` counting (or summing ``amount`` of) the groups of ``rows`` that ``keep`` keeps.

    ``reads``: the dimensions ``keep`` looks at.
    """
    pick = 1 if is_money else 0

    async def compute(ctx: Context, period: Period, filters: Mapping[str, Any] | None = None,
                      breakdowns: tuple[str, ...] = offered, memo: MetricMemo | None = None) -> MetricValue:
        memo = memo or MetricMemo()
        mine = [g for g in await rows.groups(ctx, period, filters, memo, drop=_unread(reads, breakdowns)) if keep(g)]
        chosen, codes = "", {}
        if is_money:
            mine, chosen, codes = await _in_money(ctx, mine, memo)
        by_user = {who: values[pick] for who, values in tally(mine, "who").items()}
        by: dict[str, dict[Any, Any]] = {}
        for name in breakdowns:
            if name == "currency":
                by[name] = {code: values[1] for code, values in codes.items()}
            elif name == "desk":
                desks: dict[Any, float] = {}
                for method, values in tally(mine, "method").items():
                    desk = DESK.get(method, "bank")
                    desks[desk] = round(desks.get(desk, 0) + values[pick], 2)
                by[name] = desks
            elif name == "category":
                lines = [g for g in await rows.groups(ctx, period, filters, memo, lines=True) if keep(g)]
                if is_money:
                    own = await _own(ctx, memo)
                    lines = [g for g in lines if in_currency(g, chosen, own)]
                by[name] = {key: values[pick] for key, values in tally(lines, "category").items()}
            else:
                by[name] = {key: values[pick] for key, values in tally(mine, name).items()}
        total = sum(by_user.values())
        return MetricValue(round(total, 2) if is_money else total, by_user, by, chosen)

    async def series(ctx: Context, period: Period, buckets: MetricBuckets, filters: Mapping[str, Any] | None = None,
                     memo: MetricMemo | None = None) -> SeriesValue:
        memo = memo or MetricMemo()
        mine = [g for g in await rows.groups(ctx, period, filters, memo, buckets, drop=_unread(reads))
                if keep(g)]
        chosen = ""
        if is_money:
            mine, chosen, _codes = await _in_money(ctx, mine, memo)
        return SeriesValue({day: values[pick] for day, values in tally(mine, "b").items()}, chosen)
    return compute, series


def _metric(key: str, label: Any, rows: Rows, description: Any, keep: Keep = _every, is_money: bool = False,
            offered: tuple[str, ...] = (), reads: tuple[str, ...] = (), **extra: Any) -> Metric:
    compute, series = _figure(rows, keep, is_money, offered, reads)
    return Metric(key, label, compute, unit="money" if is_money else "count", description=description,
                  breakdowns=offered, filters=FILTERS, series=series, memo=True,
                  labels={name: LABELS[name] for name in offered if name in LABELS}, **extra)


def _averages(groups: list[Group], key: str) -> dict[Any, float]:
    return {k: round(amount / n, 2) for k, (n, amount) in tally(groups, key).items() if n}


async def _average(ctx: Context, period: Period, filters: Mapping[str, Any] | None = None,
                   breakdowns: tuple[str, ...] = ("source",), memo: MetricMemo | None = None) -> MetricValue:
    memo = memo or MetricMemo()
    groups = await ORDERS.groups(ctx, period, filters, memo, drop=_unread((), breakdowns))
    sold, chosen, _codes = await _in_money(ctx, [g for g in groups if _sold(g)], memo)
    count, revenue = sum(g["n"] for g in sold), sum(g["amount"] for g in sold)
    by = {"source": _averages(sold, "source")} if "source" in breakdowns else {}
    return MetricValue(round(revenue / count, 2) if count else None, _averages(sold, "who"), by, chosen)


async def _average_series(ctx: Context, period: Period, buckets: MetricBuckets,
                          filters: Mapping[str, Any] | None = None, memo: MetricMemo | None = None) -> SeriesValue:
    memo = memo or MetricMemo()
    groups = await ORDERS.groups(ctx, period, filters, memo, buckets, drop=_unread(()))
    sold, chosen, _codes = await _in_money(ctx, [g for g in groups if _sold(g)], memo)
    return SeriesValue(_averages(sold, "b"), chosen)


def _shares(groups: list[Group], key: str) -> dict[Any, float]:
    """``{value of key: share (%) of the inquiries that became an order}``."""
    every, made = tally(groups, key), tally([g for g in groups if g["status"] == "order_created"], key)
    return {k: round(100 * made.get(k, (0, 0))[0] / n, 1) for k, (n, _amount) in every.items() if n}


async def _conversion(ctx: Context, period: Period, filters: Mapping[str, Any] | None = None,
                      memo: MetricMemo | None = None) -> MetricValue:
    """Share (%) of the inquiries received that became an order ("Order created" / all)."""
    groups = await INQUIRIES.groups(ctx, period, filters, memo or MetricMemo())
    total = sum(g["n"] for g in groups)
    won = sum(g["n"] for g in groups if g["status"] == "order_created")
    return MetricValue(round(100 * won / total, 1) if total else None, _shares(groups, "who"))


async def _conversion_series(ctx: Context, period: Period, buckets: MetricBuckets,
                             filters: Mapping[str, Any] | None = None, memo: MetricMemo | None = None) -> SeriesValue:
    groups = await INQUIRIES.groups(ctx, period, filters, memo or MetricMemo(), buckets)
    return SeriesValue(_shares(groups, "b"))


def _label(message: Any, part: Any) -> LazyProxy:
    """The lazy ``message`` with ``%(part)s`` filled by a lazy label, both translated only when shown."""
    return LazyProxy(lambda: str(message) % {"part": str(part)}, enable_cache=False)


def _declare() -> tuple[Metric, ...]:
    metrics = [
        _metric("orders.placed", _l("Orders placed"), ORDERS, _l(
            "Orders placed in the period, by responsible manager."), offered=ORDER_BREAKDOWNS),
        _metric("orders.revenue", _l("Revenue"), ORDERS, _l(
            "Total of the orders placed in the period, except those refused, cancelled, returned or lost."),
            _sold, is_money=True, offered=MONEY_BREAKDOWNS),
        Metric("orders.average", _l("Average order"), _average, unit="money", description=_l(
            "Revenue per order placed in the period (refused, cancelled, returned and lost orders left out)."),
            breakdowns=("source",), filters=FILTERS, series=_average_series, empty=None, memo=True,
            labels={"source": SOURCES}),
        _metric("orders.payments_received", _l("Payments received"), PAYMENTS, _l(
            "Payments whose money was received in the period, by the order's manager."), is_money=True,
            offered=("method", "desk", "currency")),
        _metric("orders.inquiries", _l("Inquiries received"), INQUIRIES, _l(
            "Inquiries received in the period, by responsible manager."), funnel="inquiries", step=1),
        _metric("orders.inquiries_ordered", _l("Inquiries that became an order"), INQUIRIES, _l(
            "Of the inquiries received in the period, those that became an order."),
            _where("status", "order_created"), funnel="inquiries", step=2),
        Metric("orders.inquiry_conversion", _l("Inquiry conversion to orders"), _conversion, unit="percent",
               description=_l("Share of the inquiries received in the period that became an order."),
               filters=FILTERS, series=_conversion_series, empty=None, memo=True),
    ]
    for state in ORDER_MACHINE.states:
        metrics.append(_metric(f"orders.status.{state.key}", _label(_l("Orders: %(part)s"), state.label), ORDERS,
                               _l("Orders placed in the period that are in this status now."),
                               _where("status", state.key)))
        metrics.append(_metric(f"orders.revenue.status.{state.key}", _label(_l("Revenue: %(part)s"), state.label),
                               ORDERS, _l("Total of the orders placed in the period that are in this status now."),
                               _where("status", state.key), is_money=True))
    for key, label in SOURCES.items():
        metrics.append(_metric(f"orders.source.{key}", _label(_l("Orders from: %(part)s"), label), ORDERS,
                               _l("Orders placed in the period that came from this source."), _where("source", key),
                               reads=("source",)))
        metrics.append(_metric(f"orders.revenue.source.{key}", _label(_l("Revenue from: %(part)s"), label), ORDERS,
                               _l("Revenue of the orders placed in the period that came from this source."),
                               _where("source", key, sold=True), is_money=True, reads=("source",)))
    for state in INQUIRY_MACHINE.states:
        metrics.append(_metric(f"orders.inquiries.status.{state.key}",
                               _label(_l("Inquiries: %(part)s"), state.label), INQUIRIES,
                               _l("Inquiries received in the period that are in this status now."),
                               _where("status", state.key)))
    return tuple(metrics)


METRICS = _declare()
