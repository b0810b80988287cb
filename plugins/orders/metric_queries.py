"""The grouped queries behind the orders plugin's figures (:mod:`plugins.orders.metrics`).

A report page asks for dozens of order figures (placed, revenue, per
status, per source, the average …) of the same rows; each table's rows of
the period are read once per page, grouped by manager, status, source and
currency (:meth:`Rows.groups`, shared through the call's ``MetricMemo``),
and every figure sums the groups it counts. The ranges are on
``(dealer_id, created_at)`` for orders (an index that covers the columns
grouped by) and inquiries, ``(dealer_id, status, paid_at)`` for payments.
The WHERE is built here only, so a figure, its breakdowns and its series
always count the same rows.

Money: sums of different currencies mean nothing, so a money figure is in
one currency (:func:`choose`): the dealer's own when any of its rows are in
it (a row without a currency of its own is in the dealer's), otherwise the
currency most of its rows are in. Its total, ``by_user``, breakdowns and
series count only the rows in that currency; what came in others is in the
``currency`` breakdown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from forecourt import Context, MetricBuckets, MetricMemo, Period, engine_kind
from plugins.orders.tables import Order

Where = tuple[str, tuple[Any, ...]]
NONE: Where = ("", ())
#: a series of at most this many buckets is read as one grouped range per bucket on SQLite (see Rows.groups)
UNION_BUCKETS = 62


def money(value: Any) -> float:
    """A sum of amounts in cents as a float with two decimals: ``Decimal`` on PostgreSQL, int or float on SQLite.

    A float sum of cent amounts is within ~1e-9 of a whole number of cents, so ``round(x, 2)`` is that number
    (what ``Decimal(str(x))`` rounded gives, at a tenth of its cost: one per group a page reads).
    """
    if value is None:
        return 0.0
    if isinstance(value, Decimal):
        return float(round(value, 2))
    return round(float(value), 2)


def in_(column: str, values: tuple[str, ...]) -> Where:
    return f"{column} IN ({', '.join(['{}'] * len(values))})", values


def not_in(column: str, values: tuple[str, ...]) -> Where:
    return f"{column} NOT IN ({', '.join(['{}'] * len(values))})", values


@dataclass(frozen=True)
class Rows:
    """Which rows the figures of one table count: ``table`` (alias ``t``) of the dealer, ``moment`` in the period.

    ``who`` is the column attributing a row to a manager (``o.manager_id``
    through the order for payments: ``join`` adds ``o``), ``source`` the
    column the ``source`` filter narrows, ``condition`` what every row
    counted must meet, ``amount`` what money figures sum, ``dims`` the
    columns rows are grouped by (``(name, SQL)``: a figure's own condition
    and breakdowns are applied to the groups, see :meth:`groups`).
    """

    table: str
    moment: str
    dims: tuple[tuple[str, str], ...]
    who: str = "t.manager_id"
    source: str = "t.source"
    join: str = ""
    condition: Where = NONE
    amount: str = "0"

    def where(self, ctx: Context, period: Period, filters: Mapping[str, Any] | None) -> Where:
        parts = ["t.dealer_id = {}", f"{self.moment} >= {{}}", f"{self.moment} < {{}}"]
        params: list[Any] = [ctx.dealer_id, period.start, period.end]
        filters = filters or {}
        if "user_id" in filters:
            if filters["user_id"] is None:
                parts.append(f"{self.who} IS NULL")
            else:
                parts.append(f"{self.who} = {{}}")
                params.append(int(filters["user_id"]))
        if filters.get("source"):
            parts.append(f"{self.source} = {{}}")
            params.append(str(filters["source"]))
        if self.condition[0]:
            parts.append(f"({self.condition[0]})")
            params += self.condition[1]
        return " AND ".join(parts), tuple(params)

    async def groups(self, ctx: Context, period: Period, filters: Mapping[str, Any] | None, memo: MetricMemo,
                     buckets: MetricBuckets | None = None, lines: bool = False,
                     drop: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
        """The period's rows grouped by ``who`` and :attr:`dims`: each group's ``n`` (rows) and ``amount`` (sum).

        One query per call of ``compute_metrics`` whatever the number of
        figures asking (``memo``). ``buckets`` (a series') groups by the
        bucket (``b``, its first day as text) instead of by ``who``; on
        SQLite, for up to :data:`UNION_BUCKETS` buckets, as one grouped
        index range per bucket (``UNION ALL``) rather than a pass over the
        bucket's ``CASE`` (see :meth:`MetricBuckets.ranges`). ``lines`` joins
        order lines and products: ``category`` (the product kind) is a
        dimension, ``amount`` the lines' totals, ``n`` the orders. ``drop``:
        dimensions left out of the grouping (no figure asking reads them) —
        fewer keys to sort the period's rows by; the groups have no such key.
        """
        async def load() -> list[dict[str, Any]]:
            where, params = self.where(ctx, period, filters)
            dims = [f"{sql} AS {name}" for name, sql in self.dims if name not in drop]
            join, count, amount = self.join, "COUNT(*)", self.amount
            if lines:
                join += (" JOIN orders_order_line l ON l.dealer_id = t.dealer_id AND l.order_id = t.id"
                         " LEFT JOIN orders_product p ON p.dealer_id = t.dealer_id AND p.id = l.product_id")
                count, amount = "COUNT(DISTINCT t.id)", "l.line_total"
                dims.append("p.kind AS category")
            body = f", {count} AS n, SUM({amount}) AS amount FROM {self.table} t{join} WHERE "
            # the manager (or bucket) last: SQLite sorts the rows to group them, and a sort whose first key
            # has more distinct values (status) settles most comparisons there (~15 % of the pass)
            by = [str(n) for n in range(2, len(dims) + 2)]
            grouped = f" GROUP BY {', '.join([*by, '1'])}"  # by the manager or the bucket's CASE (column 1) too
            if buckets is None:
                rows = await Order.raw(f"SELECT {', '.join([f'{self.who} AS who', *dims])}{body}{where}{grouped}",
                                       *params)
            elif engine_kind() == "sqlite" and len(ranges := buckets.ranges()) <= UNION_BUCKETS:
                arms, values = [], []
                each = f" GROUP BY {', '.join(by)}" if by else " HAVING COUNT(*) > 0"  # the bucket is a constant
                for day, since, until in ranges:  # each bucket's part of the period: one index range each
                    arm = (max(since or period.start, period.start), min(until or period.end, period.end))
                    if arm[0] < arm[1]:
                        arm_where, arm_params = self.where(ctx, Period(*arm), filters)
                        arms.append(f"SELECT {', '.join([repr(day) + ' AS b', *dims])}{body}{arm_where}{each}")
                        values += arm_params
                rows = await Order.raw(" UNION ALL ".join(arms), *values)
            else:
                bucket, bucket_params = buckets.sql(self.moment)
                rows = await Order.raw(f"SELECT {', '.join([f'{bucket} AS b', *dims])}{body}{where}{grouped}",
                                       *bucket_params, *params)
            for row in rows:
                row["amount"] = money(row["amount"])
            return rows
        drop = drop & {name for name, _sql in self.dims}  # a dimension it has not drops nothing: one read
        return await memo.once((self, period, tuple(sorted((filters or {}).items())), buckets, lines, drop), load)


def currencies(groups: Iterable[Mapping[str, Any]], own: str) -> dict[str, tuple[int, float]]:
    """``{currency: (rows, sum)}`` of a money figure's groups, rows without a currency counted in ``own``."""
    found: dict[str, tuple[int, float]] = {}
    for group in groups:
        code = group["currency"] or own
        before = found.get(code, (0, 0.0))
        found[code] = (before[0] + group["n"], round(before[1] + group["amount"], 2))
    return found


def choose(found: Mapping[str, tuple[int, float]], own: str) -> str:
    """The currency a money figure is in: the dealer's ``own`` if any row is in it, else the most rows' one."""
    if own in found or not found:
        return own
    return sorted(found, key=lambda code: (-found[code][0], code))[0]


def in_currency(group: Mapping[str, Any], chosen: str, own: str) -> bool:
    """Whether ``group`` counts in a figure in ``chosen``: a row without a currency is in the dealer's ``own``."""
    return (group["currency"] or own) == chosen


def tally(groups: Iterable[Mapping[str, Any]], key: str) -> dict[Any, tuple[int, float]]:
    """``{value of key: (rows, sum)}`` over ``groups``; a value without rows does not appear."""
    found: dict[Any, tuple[int, float]] = {}
    for group in groups:
        before = found.get(group[key], (0, 0.0))
        found[group[key]] = (before[0] + group["n"], before[1] + group["amount"])
    return {k: (n, round(amount, 2)) for k, (n, amount) in found.items()}


ORDERS = Rows("orders_order", "t.created_at", (("status", "t.status"), ("source", "t.source"),
                                                ("currency", "t.currency")), amount="t.total")
INQUIRIES = Rows("orders_inquiry", "t.created_at", (("status", "t.status"),))
PAYMENTS = Rows("orders_payment", "t.paid_at", (("method", "t.method"), ("currency", "t.currency")),
                who="o.manager_id", source="o.source",
                join=" JOIN orders_order o ON o.id = t.order_id AND o.dealer_id = t.dealer_id",
                condition=("t.status IN ('received', 'refunded')", ()), amount="t.amount")
