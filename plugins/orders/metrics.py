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
from dataclasses import replace
from typing import Any

from babel.support import LazyProxy

from forecourt import Context, Metric, MetricBuckets, MetricValue, Period, SeriesValue, dealer_currency
from forecourt import lazy_gettext as _l
from plugins.orders.machines import INQUIRY_MACHINE, ORDER_MACHINE
from plugins.orders.metric_queries import INQUIRIES, ORDERS, PAYMENTS, Rows, Where, choose, not_in
from plugins.orders.payments.services import DESK
from plugins.orders.sales.fields import SOURCES

#: statuses of orders that did not become a sale (left out of revenue and the average)
NOT_SOLD = ("refused_phone", "cancelled_site", "refused_pickup", "returned", "lost")
FILTERS = ("user_id", "source")
ORDER_BREAKDOWNS = ("status", "source", "category")
MONEY_BREAKDOWNS = (*ORDER_BREAKDOWNS, "currency")
#: the SQL of each breakdown dimension (orders ``t``, lines ``l``, products ``p``)
_BY = {"status": "t.status", "source": "t.source", "category": "p.kind", "method": "t.method",
       "currency": "t.currency"}

Compute = Callable[..., Awaitable[MetricValue]]


def _and(first: Where, second: Where) -> Where:
    if not first[0] or not second[0]:
        return first if first[0] else second
    return f"({first[0]}) AND ({second[0]})", (*first[1], *second[1])


def _sold() -> Where:
    return not_in("t.status", NOT_SOLD)


async def _currency(ctx: Context, rows: Rows, period: Period,
                    filters: Mapping[str, Any] | None) -> tuple[tuple[str, str], dict[str, tuple[int, float]]]:
    """``((chosen currency, the dealer's own), {currency: (rows, sum)})`` of a money figure (one small query)."""
    own = await dealer_currency(ctx.dealer_id)
    found = await rows.currencies(ctx, period, filters, own)
    return (choose(found, own), own), found


def _figure(rows: Rows, is_money: bool, offered: tuple[str, ...]) -> tuple[Compute, Any]:
    """``(compute, series)`` counting (or summing ``total``/``amount`` of) ``rows``."""
    amount = {PAYMENTS.table: "t.amount", ORDERS.table: "t.total"}.get(rows.table, "0")

    async def compute(ctx: Context, period: Period, filters: Mapping[str, Any] | None = None,
                      breakdowns: tuple[str, ...] = offered) -> MetricValue:
        currency, codes = await _currency(ctx, rows, period, filters) if is_money else (None, {})
        pick = 1 if is_money else 0
        found = await rows.grouped(ctx, period, filters, rows.who, amount, currency)
        by_user = {who: values[pick] for who, values in found.items()}
        by: dict[str, dict[Any, Any]] = {}
        for name in breakdowns:
            if name == "currency":
                by[name] = {code: values[1] for code, values in codes.items()}
            elif name == "desk":
                methods = await rows.grouped(ctx, period, filters, _BY["method"], amount, currency)
                desks: dict[Any, float] = {}
                for method, values in methods.items():
                    desk = DESK.get(method, "bank")
                    desks[desk] = round(desks.get(desk, 0) + values[pick], 2)
                by[name] = desks
            else:
                lines = name == "category"
                part = await rows.grouped(ctx, period, filters, _BY[name], "l.line_total" if lines else amount,
                                          currency, lines=lines)
                by[name] = {key: values[pick] for key, values in part.items()}
        total = sum(by_user.values())
        return MetricValue(round(total, 2) if is_money else total, by_user, by, currency[0] if currency else "")

    async def series(ctx: Context, period: Period, buckets: MetricBuckets,
                     filters: Mapping[str, Any] | None = None) -> SeriesValue:
        currency = (await _currency(ctx, rows, period, filters))[0] if is_money else None
        found = await rows.series(ctx, period, buckets, filters, amount, currency)
        return SeriesValue({day: values[1 if is_money else 0] for day, values in found.items()},
                           currency[0] if currency else "")
    return compute, series


def _metric(key: str, label: Any, rows: Rows, description: Any, is_money: bool = False,
            offered: tuple[str, ...] = (), **extra: Any) -> Metric:
    compute, series = _figure(rows, is_money, offered)
    return Metric(key, label, compute, unit="money" if is_money else "count", description=description,
                  breakdowns=offered, filters=FILTERS, series=series, **extra)


async def _average(ctx: Context, period: Period, filters: Mapping[str, Any] | None = None,
                   breakdowns: tuple[str, ...] = ("source",)) -> MetricValue:
    rows = replace(ORDERS, condition=_sold())
    currency, _codes = await _currency(ctx, rows, period, filters)
    found = await rows.grouped(ctx, period, filters, rows.who, "t.total", currency)
    count = sum(n for n, _amount in found.values())
    revenue = sum(amount for _n, amount in found.values())
    by = {}
    if "source" in breakdowns:
        part = await rows.grouped(ctx, period, filters, "t.source", "t.total", currency)
        by["source"] = {key: round(amount / n, 2) for key, (n, amount) in part.items() if n}
    return MetricValue(round(revenue / count, 2) if count else None,
                       {who: round(amount / n, 2) for who, (n, amount) in found.items() if n}, by, currency[0])


async def _average_series(ctx: Context, period: Period, buckets: MetricBuckets,
                          filters: Mapping[str, Any] | None = None) -> SeriesValue:
    rows = replace(ORDERS, condition=_sold())
    currency, _codes = await _currency(ctx, rows, period, filters)
    found = await rows.series(ctx, period, buckets, filters, "t.total", currency)
    return SeriesValue({day: round(amount / n, 2) for day, (n, amount) in found.items() if n}, currency[0])


def _conversion_of(every: Mapping[Any, tuple[int, float]], made: Mapping[Any, tuple[int, float]]) -> dict[Any, float]:
    return {key: round(100 * made.get(key, (0, 0))[0] / n, 1) for key, (n, _amount) in every.items() if n}


async def _conversion(ctx: Context, period: Period, filters: Mapping[str, Any] | None = None) -> MetricValue:
    """Share (%) of the inquiries received that became an order ("Order created" / all)."""
    made_rows = replace(INQUIRIES, condition=("t.status = {}", ("order_created",)))
    every = await INQUIRIES.grouped(ctx, period, filters, INQUIRIES.who)
    made = await made_rows.grouped(ctx, period, filters, INQUIRIES.who)
    total = sum(n for n, _amount in every.values())
    won = sum(n for n, _amount in made.values())
    return MetricValue(round(100 * won / total, 1) if total else None, _conversion_of(every, made))


async def _conversion_series(ctx: Context, period: Period, buckets: MetricBuckets,
                             filters: Mapping[str, Any] | None = None) -> SeriesValue:
    found = await INQUIRIES.series(ctx, period, buckets, filters, "CASE WHEN t.status = 'order_created' "
                                   "THEN 1 ELSE 0 END")
    return SeriesValue({day: round(100 * made / n, 1) for day, (n, made) in found.items() if n})


def _label(message: Any, part: Any) -> LazyProxy:
    """The lazy ``message`` with ``%(part)s`` filled by a lazy label, both translated only when shown."""
    return LazyProxy(lambda: str(message) % {"part": str(part)}, enable_cache=False)


def _declare() -> tuple[Metric, ...]:
    sold = replace(ORDERS, condition=_sold())
    metrics = [
        _metric("orders.placed", _l("Orders placed"), ORDERS, _l(
            "Orders placed in the period, by responsible manager."), offered=ORDER_BREAKDOWNS),
        _metric("orders.revenue", _l("Revenue"), sold, _l(
            "Total of the orders placed in the period, except those refused, cancelled, returned or lost."),
            is_money=True, offered=MONEY_BREAKDOWNS),
        Metric("orders.average", _l("Average order"), _average, unit="money", description=_l(
            "Revenue per order placed in the period (refused, cancelled, returned and lost orders left out)."),
            breakdowns=("source",), filters=FILTERS, series=_average_series, empty=None),
        _metric("orders.payments_received", _l("Payments received"), PAYMENTS, _l(
            "Payments whose money was received in the period, by the order's manager."), is_money=True,
            offered=("method", "desk", "currency")),
        _metric("orders.inquiries", _l("Inquiries received"), INQUIRIES, _l(
            "Inquiries received in the period, by responsible manager."), funnel="inquiries", step=1),
        _metric("orders.inquiries_ordered", _l("Inquiries that became an order"),
                replace(INQUIRIES, condition=("t.status = {}", ("order_created",))), _l(
                    "Of the inquiries received in the period, those that became an order."),
                funnel="inquiries", step=2),
        Metric("orders.inquiry_conversion", _l("Inquiry conversion to orders"), _conversion, unit="percent",
               description=_l("Share of the inquiries received in the period that became an order."),
               filters=FILTERS, series=_conversion_series, empty=None),
    ]
    status = "t.status = {}"
    for state in ORDER_MACHINE.states:
        metrics.append(_metric(f"orders.status.{state.key}", _label(_l("Orders: %(part)s"), state.label),
                               replace(ORDERS, condition=(status, (state.key,))),
                               _l("Orders placed in the period that are in this status now.")))
        metrics.append(_metric(f"orders.revenue.status.{state.key}", _label(_l("Revenue: %(part)s"), state.label),
                               replace(ORDERS, condition=(status, (state.key,))),
                               _l("Total of the orders placed in the period that are in this status now."),
                               is_money=True))
    for key, label in SOURCES.items():
        metrics.append(_metric(f"orders.source.{key}", _label(_l("Orders from: %(part)s"), label),
                               replace(ORDERS, condition=("t.source = {}", (key,))),
                               _l("Orders placed in the period that came from this source.")))
        metrics.append(_metric(f"orders.revenue.source.{key}", _label(_l("Revenue from: %(part)s"), label),
                               replace(ORDERS, condition=_and(("t.source = {}", (key,)), _sold())),
                               _l("Revenue of the orders placed in the period that came from this source."),
                               is_money=True))
    for state in INQUIRY_MACHINE.states:
        metrics.append(_metric(f"orders.inquiries.status.{state.key}",
                               _label(_l("Inquiries: %(part)s"), state.label),
                               replace(INQUIRIES, condition=(status, (state.key,))),
                               _l("Inquiries received in the period that are in this status now.")))
    return tuple(metrics)


METRICS = _declare()
