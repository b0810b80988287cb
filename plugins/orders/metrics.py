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
order's manager. Inquiries: those
received in the period by status, and how many of them became an order.

Each figure is one grouped query over an index range on ``(dealer_id,
created_at)``, ``(dealer_id, status, created_at)`` or ``(dealer_id, status,
paid_at)``; metrics only read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from babel.support import LazyProxy

from forecourt import Context, Metric, MetricValue, Period
from forecourt import lazy_gettext as _l
from plugins.orders.machines import INQUIRY_MACHINE, ORDER_MACHINE
from plugins.orders.sales.fields import SOURCES
from plugins.orders.tables import Order

#: statuses of orders that did not become a sale (left out of revenue and the average)
NOT_SOLD = ("refused_phone", "cancelled_site", "refused_pickup", "returned", "lost")

Compute = Callable[[Context, Period], Awaitable[MetricValue]]


def _money(value: Any) -> float:
    return float(round(Decimal(str(value or 0)), 2))


async def _grouped(ctx: Context, table: str, who: str, moment: str, period: Period, where: str = "",
                   params: tuple[Any, ...] = (), amount: str = "0") -> dict[int | None, tuple[int, float]]:
    """``{manager: (rows, sum of amount)}`` of ``table``'s rows of the dealer whose ``moment`` is in the period."""
    sql = (f"SELECT {who} AS who, COUNT(*) AS n, SUM({amount}) AS amount FROM {table} "
           f"WHERE dealer_id = {{}} AND {moment} >= {{}} AND {moment} < {{}}{where} GROUP BY {who}")
    rows = await Order.raw(sql, ctx.dealer_id, period.start, period.end, *params)
    return {row["who"]: (row["n"], _money(row["amount"])) for row in rows}


def _not_sold() -> tuple[str, tuple[str, ...]]:
    return " AND status NOT IN (" + ", ".join(["{}"] * len(NOT_SOLD)) + ")", NOT_SOLD


def _orders(where: str = "", params: tuple[Any, ...] = (), money: bool = False) -> Compute:
    async def compute(ctx: Context, period: Period) -> MetricValue:
        found = await _grouped(ctx, "orders_order", "manager_id", "created_at", period, where, params, "total")
        by_user = {who: (amount if money else n) for who, (n, amount) in found.items()}
        total = sum(by_user.values())
        return MetricValue(round(total, 2) if money else total, by_user)
    return compute


async def _average(ctx: Context, period: Period) -> MetricValue:
    where, params = _not_sold()
    found = await _grouped(ctx, "orders_order", "manager_id", "created_at", period, where, params, "total")
    count = sum(n for n, _amount in found.values())
    revenue = sum(amount for _n, amount in found.values())
    return MetricValue(round(revenue / count, 2) if count else None,
                       {who: round(amount / n, 2) for who, (n, amount) in found.items() if n})


async def _payments_received(ctx: Context, period: Period) -> MetricValue:
    sql = ("SELECT o.manager_id AS who, SUM(p.amount) AS amount FROM orders_payment p "
           "JOIN orders_order o ON o.id = p.order_id AND o.dealer_id = p.dealer_id "
           "WHERE p.dealer_id = {} AND p.status IN ('received', 'refunded') AND p.paid_at >= {} AND p.paid_at < {} "
           "GROUP BY o.manager_id")
    rows = await Order.raw(sql, ctx.dealer_id, period.start, period.end)
    by_user = {row["who"]: _money(row["amount"]) for row in rows}
    return MetricValue(round(sum(by_user.values()), 2), by_user)


def _inquiries(where: str = "", params: tuple[Any, ...] = ()) -> Compute:
    async def compute(ctx: Context, period: Period) -> MetricValue:
        found = await _grouped(ctx, "orders_inquiry", "manager_id", "created_at", period, where, params)
        by_user = {who: n for who, (n, _amount) in found.items()}
        return MetricValue(sum(by_user.values()), by_user)
    return compute


async def _conversion(ctx: Context, period: Period) -> MetricValue:
    """Share (%) of the inquiries received that became an order ("Order created" / all)."""
    every = await _grouped(ctx, "orders_inquiry", "manager_id", "created_at", period)
    made = await _grouped(ctx, "orders_inquiry", "manager_id", "created_at", period, " AND status = {}",
                          ("order_created",))
    total = sum(n for n, _amount in every.values())
    won = sum(n for n, _amount in made.values())
    return MetricValue(round(100 * won / total, 1) if total else None,
                       {who: round(100 * made.get(who, (0, 0))[0] / n, 1) for who, (n, _amount) in every.items()})


def _label(message: Any, part: Any) -> LazyProxy:
    """The lazy ``message`` with ``%(part)s`` filled by a lazy label, both translated only when shown."""
    return LazyProxy(lambda: str(message) % {"part": str(part)}, enable_cache=False)


def _declare() -> tuple[Metric, ...]:
    not_sold, not_sold_params = _not_sold()
    metrics = [
        Metric("orders.placed", _l("Orders placed"), _orders(), description=_l(
            "Orders placed in the period, by responsible manager.")),
        Metric("orders.revenue", _l("Revenue"), _orders(not_sold, not_sold_params, money=True), unit="money",
               description=_l("Total of the orders placed in the period, except those refused, cancelled, "
                              "returned or lost.")),
        Metric("orders.average", _l("Average order"), _average, unit="money", description=_l(
            "Revenue per order placed in the period (refused, cancelled, returned and lost orders left out).")),
        Metric("orders.payments_received", _l("Payments received"), _payments_received, unit="money",
               description=_l("Payments whose money was received in the period, by the order's manager.")),
        Metric("orders.inquiries", _l("Inquiries received"), _inquiries(), funnel="inquiries", step=1,
               description=_l("Inquiries received in the period, by responsible manager.")),
        Metric("orders.inquiries_ordered", _l("Inquiries that became an order"),
               _inquiries(" AND status = {}", ("order_created",)), funnel="inquiries", step=2,
               description=_l("Of the inquiries received in the period, those that became an order.")),
        Metric("orders.inquiry_conversion", _l("Inquiry conversion to orders"), _conversion, unit="percent",
               description=_l("Share of the inquiries received in the period that became an order.")),
    ]
    for state in ORDER_MACHINE.states:
        metrics.append(Metric(f"orders.status.{state.key}", _label(_l("Orders: %(part)s"), state.label),
                              _orders(" AND status = {}", (state.key,)),
                              description=_l("Orders placed in the period that are in this status now.")))
        metrics.append(Metric(f"orders.revenue.status.{state.key}", _label(_l("Revenue: %(part)s"), state.label),
                              _orders(" AND status = {}", (state.key,), money=True), unit="money",
                              description=_l("Total of the orders placed in the period that are in this "
                                             "status now.")))
    for key, label in SOURCES.items():
        metrics.append(Metric(f"orders.source.{key}", _label(_l("Orders from: %(part)s"), label),
                              _orders(" AND source = {}", (key,)),
                              description=_l("Orders placed in the period that came from this source.")))
        metrics.append(Metric(f"orders.revenue.source.{key}", _label(_l("Revenue from: %(part)s"), label),
                              _orders(" AND source = {}" + not_sold, (key, *not_sold_params), money=True),
                              unit="money", description=_l(
                                  "Revenue of the orders placed in the period that came from this source.")))
    for state in INQUIRY_MACHINE.states:
        metrics.append(Metric(f"orders.inquiries.status.{state.key}", _label(_l("Inquiries: %(part)s"), state.label),
                              _inquiries(" AND status = {}", (state.key,)),
                              description=_l("Inquiries received in the period that are in this status now.")))
    return tuple(metrics)


METRICS = _declare()
