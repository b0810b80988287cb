"""Every orders figure against an independent SQL count on a seeded dealer (both engines): orders, revenue
(by manager, status, source, product category, currency), the average order, payments (cash desk vs bank),
inquiries, filters by manager and source, series by week in the dealer's zone."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

import plugins.orders.metric_queries as queries
from core.tables import Dealer
from forecourt import Period, compute_metric_series, compute_metrics, system_context
from plugins.orders.tables import Inquiry, Order, OrderLine, Payment, Product

PRAGUE = ZoneInfo("Europe/Prague")
UTC = dt.UTC
SOLD = "status NOT IN ('refused_phone', 'cancelled_site', 'refused_pickup', 'returned', 'lost')"
OWN = "(currency = '' OR currency = 'CZK')"


async def _seed(dealer_id: int, users: list[int | None], start: dt.datetime, days: int, count: int) -> None:
    rng = random.Random(dealer_id)
    products = []
    for n, kind in enumerate(("vehicle", "accessory", "service")):
        row = await Product.scoped(dealer_id).insert(sku=f"S{n}", sku_key=f"s{n}", name=kind, name_key=kind,
                                                     kind=kind, created_at=start, updated_at=start)
        products.append(row.id)
    for number in range(1, count + 1):
        created = start + dt.timedelta(minutes=rng.randrange(days * 24 * 60))
        currency = rng.choice(("", "", "CZK", "CZK", "USD"))
        lines = [(rng.choice([*products, None]), Decimal(rng.randrange(100, 90000)) / 4) for _ in
                 range(rng.randrange(1, 4))]
        total = sum(amount for _p, amount in lines)
        order = await Order.scoped(dealer_id).insert(
            number=number, status=rng.choice(("new", "confirmed", "delivered", "refused_phone", "lost")),
            source=rng.choice(("form", "inquiry", "quicklink")), manager_id=rng.choice(users), currency=currency,
            total=total, created_at=created, updated_at=created)
        for position, (product, amount) in enumerate(lines):
            await OrderLine.scoped(dealer_id).insert(order_id=order.id, position=position, product_id=product,
                                                     line_total=amount, unit_price=amount)
        for _ in range(rng.randrange(0, 3)):
            paid = created + dt.timedelta(hours=rng.randrange(1, 200))
            status = rng.choice(("received", "refunded", "hold", "not_paid"))
            await Payment.scoped(dealer_id).insert(
                order_id=order.id, status=status, method=rng.choice(("cash", "card", "bank_transfer", "online")),
                amount=Decimal(rng.randrange(100, 50000)) / 4, currency=currency, created_at=created,
                paid_at=paid if status in ("received", "refunded") else None)
        await Inquiry.scoped(dealer_id).insert(number=number, status=rng.choice(("new", "order_created", "prank")),
                                               source=rng.choice(("call", "manual")), manager_id=rng.choice(users),
                                               created_at=created, updated_at=created)


async def _sql(sql: str, *params) -> list[dict]:
    return await Order.raw(sql, *params)


def _money(value) -> float:
    return float(round(Decimal(str(value or 0)), 2))


def _aware(value) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _monday(value) -> dt.date:
    day = _aware(value).astimezone(PRAGUE).date()
    return day - dt.timedelta(days=day.weekday())


async def test_every_order_figure_equals_an_sql_count(make_dealer, monkeypatch):
    dealer, other = await make_dealer(modules=["orders"]), await make_dealer(modules=["orders"])
    await Dealer.update({Dealer.currency: "CZK"}).where(Dealer.id == dealer.id)
    me, boss = dealer.users["manager"].id, dealer.users["dealer_admin"].id
    period = Period.days(dt.date(2026, 3, 16), dt.date(2026, 4, 12), PRAGUE)
    begin = period.start - dt.timedelta(days=5)
    await _seed(dealer.id, [me, boss, None], begin, 38, 120)
    await _seed(other.id, [None], begin, 38, 30)
    ctx = system_context(dealer.id, frozenset(dealer.modules), timezone="Europe/Prague")
    figures = {f.metric.key: f.value for f in await compute_metrics(ctx, period)}
    mine = {f.metric.key: f.value for f in await compute_metrics(ctx, period, filters={"user_id": me,
                                                                                        "source": "form"})}
    # without breakdowns (the efficiency page): grouped by fewer keys, the same totals and per-manager parts
    for f in await compute_metrics(ctx, period, breakdowns=()):
        assert (f.value.total, dict(f.value.by_user), f.value.by) == (
            figures[f.metric.key].total, dict(figures[f.metric.key].by_user), {}), f.metric.key
    weekly = {s.metric.key: s for s in await compute_metric_series(ctx, period, "week")}
    where = "dealer_id = {} AND created_at >= {} AND created_at < {}"
    base = (dealer.id, period.start, period.end)

    # orders placed: by manager, status, source, product category (an order once per category)
    placed = figures["orders.placed"]
    assert placed.total == (await _sql(f"SELECT COUNT(*) AS n FROM orders_order WHERE {where}", *base))[0]["n"]
    for name, column in (("status", "status"), ("source", "source")):
        rows = await _sql(f"SELECT {column} AS k, COUNT(*) AS n FROM orders_order WHERE {where} GROUP BY {column}",
                          *base)
        assert dict(placed.by[name]) == {r["k"]: r["n"] for r in rows}, name
    rows = await _sql(f"SELECT manager_id AS k, COUNT(*) AS n FROM orders_order WHERE {where} GROUP BY manager_id",
                      *base)
    assert dict(placed.by_user) == {r["k"]: r["n"] for r in rows}
    kinds = await _sql("SELECT p.kind AS k, COUNT(DISTINCT o.id) AS n FROM orders_order o JOIN orders_order_line l "
                       "ON l.order_id = o.id LEFT JOIN orders_product p ON p.id = l.product_id WHERE o.dealer_id = {} "
                       "AND o.created_at >= {} AND o.created_at < {} GROUP BY p.kind", *base)
    assert dict(placed.by["category"]) == {r["k"]: r["n"] for r in kinds} and None in placed.by["category"]
    assert mine["orders.placed"].total == (await _sql(
        f"SELECT COUNT(*) AS n FROM orders_order WHERE {where} AND manager_id = {{}} AND source = 'form'",
        *base, me))[0]["n"]

    # revenue: sold orders in the dealer's currency (no currency of their own = the dealer's)
    revenue = figures["orders.revenue"]
    assert revenue.currency == "CZK"
    expected = await _sql(f"SELECT SUM(total) AS s, COUNT(*) AS n FROM orders_order WHERE {where} AND {SOLD} "
                          f"AND {OWN}", *base)
    assert revenue.total == pytest.approx(_money(expected[0]["s"]), abs=0.01)
    usd = await _sql(f"SELECT SUM(total) AS s FROM orders_order WHERE {where} AND {SOLD} AND currency = 'USD'", *base)
    assert revenue.by["currency"]["USD"] == pytest.approx(_money(usd[0]["s"]), abs=0.01)
    assert revenue.by["currency"]["CZK"] == pytest.approx(revenue.total, abs=0.01)
    rows = await _sql(f"SELECT status AS k, SUM(total) AS s FROM orders_order WHERE {where} AND {SOLD} AND {OWN} "
                      "GROUP BY status", *base)
    assert {k: pytest.approx(v, abs=0.01) for k, v in revenue.by["status"].items()} == {
        r["k"]: _money(r["s"]) for r in rows}
    lines = await _sql("SELECT p.kind AS k, SUM(l.line_total) AS s FROM orders_order o JOIN orders_order_line l "
                       "ON l.order_id = o.id LEFT JOIN orders_product p ON p.id = l.product_id WHERE o.dealer_id = {} "
                       f"AND o.created_at >= {{}} AND o.created_at < {{}} AND o.{SOLD} AND (o.currency = '' OR "
                       "o.currency = 'CZK') GROUP BY p.kind", *base)
    assert {k: pytest.approx(v, abs=0.01) for k, v in revenue.by["category"].items()} == {
        r["k"]: _money(r["s"]) for r in lines}
    mine_revenue = await _sql(f"SELECT SUM(total) AS s FROM orders_order WHERE {where} AND {SOLD} AND {OWN} "
                              "AND manager_id = {} AND source = 'form'", *base, me)
    assert mine["orders.revenue"].total == pytest.approx(_money(mine_revenue[0]["s"]), abs=0.01)
    average = figures["orders.average"]
    assert average.total == pytest.approx(round(_money(expected[0]["s"]) / expected[0]["n"], 2), abs=0.01)
    assert average.currency == "CZK"

    # payments received in the period (also when refunded later), cash desk vs bank, in CZK
    paid = ("dealer_id = {} AND status IN ('received', 'refunded') AND paid_at >= {} AND paid_at < {} AND " + OWN)
    rows = await _sql(f"SELECT method AS k, SUM(amount) AS s FROM orders_payment WHERE {paid} GROUP BY method", *base)
    methods = {r["k"]: _money(r["s"]) for r in rows}
    payments = figures["orders.payments_received"]
    assert payments.total == pytest.approx(sum(methods.values()), abs=0.01) and payments.currency == "CZK"
    assert payments.by["desk"]["cash"] == pytest.approx(methods.get("cash", 0) + methods.get("card", 0), abs=0.01)
    assert payments.by["desk"]["bank"] == pytest.approx(methods.get("bank_transfer", 0) + methods.get("online", 0),
                                                        abs=0.01)
    assert {k: pytest.approx(v, abs=0.01) for k, v in payments.by["method"].items()} == methods

    # inquiries and their conversion
    inquiries = (await _sql(f"SELECT COUNT(*) AS n FROM orders_inquiry WHERE {where}", *base))[0]["n"]
    ordered = (await _sql(f"SELECT COUNT(*) AS n FROM orders_inquiry WHERE {where} AND status = 'order_created'",
                          *base))[0]["n"]
    assert figures["orders.inquiries"].total == inquiries and figures["orders.inquiries_ordered"].total == ordered
    assert figures["orders.inquiry_conversion"].total == round(100 * ordered / inquiries, 1)

    # series by week: orders and revenue
    rows = await _sql(f"SELECT created_at, total, status, currency FROM orders_order WHERE {where}", *base)
    counts: dict[dt.date, int] = {}
    sums: dict[dt.date, Decimal] = {}
    for r in rows:
        counts[_monday(r["created_at"])] = counts.get(_monday(r["created_at"]), 0) + 1
        if r["status"] not in ("refused_phone", "lost") and r["currency"] in ("", "CZK"):
            sums[_monday(r["created_at"])] = sums.get(_monday(r["created_at"]), Decimal(0)) + Decimal(str(r["total"]))
    points = weekly["orders.placed"].points
    assert len(points) == 4 and [v for _d, v in points] == [counts.get(d, 0) for d, _v in points]
    assert [v for _d, v in weekly["orders.revenue"].points] == pytest.approx(
        [float(sums.get(d, 0)) for d, _v in weekly["orders.revenue"].points], abs=0.01)
    assert weekly["orders.revenue"].currency == "CZK"
    assert sum(v for _d, v in weekly["orders.payments_received"].points) == pytest.approx(payments.total, abs=0.01)
    # by local day (28 buckets across the change to summer time), and each series read over the bucket's CASE
    # (PostgreSQL's way, SQLite's for long series) equal to the one read as a range per bucket
    daily = {s.metric.key: s.points for s in await compute_metric_series(ctx, period, "day")}
    by_day: dict[dt.date, int] = {}
    for r in rows:
        local = _aware(r["created_at"]).astimezone(PRAGUE).date()
        by_day[local] = by_day.get(local, 0) + 1
    assert len(daily["orders.placed"]) == 28 and dict(daily["orders.placed"]) == {
        d: by_day.get(d, 0) for d, _v in daily["orders.placed"]}
    monkeypatch.setattr(queries, "UNION_BUCKETS", 0)
    assert {s.metric.key: s.points for s in await compute_metric_series(ctx, period, "week")} == {
        key: series.points for key, series in weekly.items()}
    assert {s.metric.key: s.points for s in await compute_metric_series(ctx, period, "day")} == daily


def test_money_rounds_sums_of_cents_as_decimal_arithmetic_does():
    """The figures' money() (a float fast path) gives what exact decimal arithmetic gives, on both engines' types."""
    import random
    from decimal import ROUND_HALF_EVEN, Decimal

    from plugins.orders.metric_queries import money

    rng = random.Random(2026)
    for _ in range(2000):
        cents = [rng.randint(-50_000_00, 5_000_000_00) for _ in range(rng.randint(1, 400))]
        exact = Decimal(sum(cents)) / 100
        as_float = sum(c / 100 for c in cents)  # what SQLite's SUM over REAL amounts returns
        assert money(as_float) == float(exact), cents
        assert money(exact) == float(exact)  # PostgreSQL's numeric SUM
    assert money(None) == 0.0 and money(12) == 12.0 and money(Decimal("2.675")) == 2.68
    assert money(Decimal("2.665")) == float(Decimal("2.665").quantize(Decimal("0.01"), ROUND_HALF_EVEN))
