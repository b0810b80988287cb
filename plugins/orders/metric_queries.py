"""The grouped queries behind the orders plugin's figures (:mod:`plugins.orders.metrics`).

Each function is one grouped query over an index range of one dealer's
rows: ``(dealer_id, created_at)`` / ``(dealer_id, manager_id, created_at)``
/ ``(dealer_id, status, created_at)`` for orders and inquiries,
``(dealer_id, status, paid_at)`` for payments. The WHERE is built here
only, so a figure, its breakdowns and its series always count the same rows.

Money: sums of different currencies mean nothing, so a money figure is in
one currency (:func:`choose`): the dealer's own when any of its rows are in
it (a row without a currency of its own is in the dealer's), otherwise the
currency most of its rows are in. Its total, ``by_user``, breakdowns and
series count only the rows in that currency; what came in others is in the
``currency`` breakdown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from forecourt import Context, MetricBuckets, Period
from plugins.orders.tables import Order

Where = tuple[str, tuple[Any, ...]]
NONE: Where = ("", ())


def money(value: Any) -> float:
    return float(round(Decimal(str(value or 0)), 2))


def in_(column: str, values: tuple[str, ...]) -> Where:
    return f"{column} IN ({', '.join(['{}'] * len(values))})", values


def not_in(column: str, values: tuple[str, ...]) -> Where:
    return f"{column} NOT IN ({', '.join(['{}'] * len(values))})", values


@dataclass(frozen=True)
class Rows:
    """Which rows a figure counts: ``table`` (alias ``t``) of the dealer, ``moment`` in the period, and more.

    ``who`` is the column attributing a row to a manager (``o.manager_id``
    through the order for payments: ``join`` adds ``o``), ``source`` the
    column the ``source`` filter narrows, ``currency`` the column a money
    figure is restricted to the dealer's currency by (``""``: not money).
    """

    table: str
    moment: str
    who: str = "t.manager_id"
    source: str = "t.source"
    join: str = ""
    condition: Where = NONE
    currency: str = ""

    def where(self, ctx: Context, period: Period, filters: Mapping[str, Any] | None,
              dealer_currency: tuple[str, str] | None = None) -> Where:
        """The WHERE; ``dealer_currency`` = ``(chosen, the dealer's own)`` restricts a money figure to one currency."""
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
        if dealer_currency is not None and self.currency:
            chosen, own = dealer_currency
            if chosen == own:
                parts.append(f"({self.currency} = '' OR {self.currency} = {{}})")
            else:
                parts.append(f"{self.currency} = {{}}")
            params.append(chosen)
        return " AND ".join(parts), tuple(params)

    async def grouped(self, ctx: Context, period: Period, filters: Mapping[str, Any] | None, by: str,
                      amount: str = "0", dealer_currency: tuple[str, str] | None = None, lines: bool = False,
                      head: Where = NONE) -> dict[Any, tuple[int, float]]:
        """``{value of by: (rows, sum of amount)}``; ``lines`` joins order lines and products (``l``, ``p``).

        ``head``: an SQL expression (and its parameters) selected as ``by``
        instead of a column — a series' bucket; its parameters come first.
        """
        where, params = self.where(ctx, period, filters, dealer_currency)
        join = self.join
        count = "COUNT(*)"
        if lines:
            join += (" JOIN orders_order_line l ON l.dealer_id = t.dealer_id AND l.order_id = t.id"
                     " LEFT JOIN orders_product p ON p.dealer_id = t.dealer_id AND p.id = l.product_id")
            count = "COUNT(DISTINCT t.id)"
        select = head[0] if head[0] else by
        sql = (f"SELECT {select} AS k, {count} AS n, SUM({amount}) AS amount FROM {self.table} t{join} "
               f"WHERE {where} GROUP BY {'1' if head[0] else by}")
        rows = await Order.raw(sql, *head[1], *params)
        return {row["k"]: (row["n"], money(row["amount"])) for row in rows}

    async def currencies(self, ctx: Context, period: Period, filters: Mapping[str, Any] | None,
                         own: str) -> dict[str, tuple[int, float]]:
        """``{currency: (rows, sum)}`` of a money figure's rows, rows without one counted in ``own``."""
        amount = "t.total" if self.table == "orders_order" else "t.amount"
        found: dict[str, tuple[int, float]] = {}
        for code, (n, total) in (await self.grouped(ctx, period, filters, self.currency, amount)).items():
            code = code or own
            before = found.get(code, (0, 0.0))
            found[code] = (before[0] + n, round(before[1] + total, 2))
        return found


    async def series(self, ctx: Context, period: Period, buckets: MetricBuckets,
                     filters: Mapping[str, Any] | None, amount: str = "0",
                     dealer_currency: tuple[str, str] | None = None) -> dict[Any, tuple[int, float]]:
        """``{bucket: (rows, sum of amount)}`` by ``moment``'s bucket in the dealer's zone: one query."""
        return await self.grouped(ctx, period, filters, "k", amount, dealer_currency,
                                  head=buckets.sql(self.moment))


def choose(found: Mapping[str, tuple[int, float]], own: str) -> str:
    """The currency a money figure is in: the dealer's ``own`` if any row is in it, else the most rows' one."""
    if own in found or not found:
        return own
    return sorted(found, key=lambda code: (-found[code][0], code))[0]


ORDERS = Rows("orders_order", "t.created_at", currency="t.currency")
INQUIRIES = Rows("orders_inquiry", "t.created_at")
PAYMENTS = Rows("orders_payment", "t.paid_at", who="o.manager_id", source="o.source",
                join=" JOIN orders_order o ON o.id = t.order_id AND o.dealer_id = t.dealer_id",
                condition=("t.status IN ('received', 'refunded')", ()), currency="t.currency")
