"""The orders list's query: filters, the search term, keyset pages — one page at any size.

Every condition is a bound parameter on an indexed column, the dealer's
always first (the indexes of migration ``2026-12-02T02:53:22``); what a term
matches is :mod:`plugins.orders.search.orders`. A page never counts the
table. Hand-written SQL: the list is the page sales staff keep open all day,
and building it with the query builder cost more than running it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from forecourt import Keyset, day_start
from plugins.orders.search.orders import term_branches, term_sql
from plugins.orders.tables import Order

PAGE_SIZE = 50
#: a search term matching at most this many orders is read through its own indexes, then sorted here
NARROW = 1000

#: what the list, the CSV export and the customer card's panel show of an order
LIST_COLUMNS = ("id", "number", "status", "source", "manager_id", "customer_id", "contact_name", "contact_phone",
                "contact_email", "delivery_method", "payment_method", "waybill", "currency", "total", "created_at")
_SELECT = "SELECT " + ", ".join(LIST_COLUMNS) + " FROM orders_order WHERE dealer_id = {} AND "

#: the list's orders: key -> keyset; each is an index range on (dealer_id, created_at, id)
SORTS = {"new": Keyset(Order.created_at, descending=True), "old": Keyset(Order.created_at)}


@dataclass(frozen=True)
class Filters:
    """What the list is narrowed to; empty values filter nothing.

    ``manager`` is a user id, or ``"none"`` for orders nobody is responsible
    for. ``statuses`` may hold several. ``created_from``/``created_to`` are
    the dealer's calendar days, both included.
    """

    q: str = ""
    statuses: Sequence[str] = field(default_factory=tuple)
    delivery: str = ""
    manager: int | str | None = None
    customer_id: int | None = None
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    sort: str = "new"


def _conditions(filters: Filters) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []

    def cond(sql: str, values: Sequence[Any] = ()) -> None:
        where.append(sql)
        params.extend(values)

    if filters.statuses:
        cond("status IN (" + ", ".join(["{}"] * len(filters.statuses)) + ")", list(filters.statuses))
    if filters.delivery:
        cond("delivery_method = {}", [filters.delivery])
    if filters.manager == "none":
        cond("manager_id IS NULL")
    elif isinstance(filters.manager, int):
        cond("manager_id = {}", [filters.manager])
    if filters.customer_id is not None:
        cond("customer_id = {}", [filters.customer_id])
    if filters.created_from:
        cond("created_at >= {}", [day_start(filters.created_from)])
    if filters.created_to:
        cond("created_at < {}", [day_start(filters.created_to + dt.timedelta(days=1))])
    return where, params


async def search(dealer_id: int, filters: Filters, *, after: str = "",
                 limit: int = PAGE_SIZE) -> tuple[list[dict[str, Any]], str]:
    """One page of the dealer's orders, newest first (or :data:`SORTS`), and the next page's token ("" at the end).

    Guaranteed: only ``dealer_id``'s orders; across the pages every matching
    order comes exactly once; one query (two for a broad search term), whatever the page holds.
    """
    if not isinstance(dealer_id, int) or dealer_id <= 0:
        raise ValueError("a dealer id is required")
    keyset = SORTS.get(filters.sort, SORTS["new"])
    where, params = _conditions(filters)
    if (after_sql := keyset.sql(after)) is not None:  # the rows after the last one shown, in the same order
        where.append(after_sql[0])
        params.extend(after_sql[1])
    if filters.q.strip():
        branches = term_branches(filters.q)
        if not branches:
            return [], ""
        # Each branch of the term through its own index, united, with no ORDER BY to tempt the planner onto
        # the date index: at most NARROW + 1 hits, counted (a window over them) and sorted inside the
        # database, and one page of them joined back — one query. A broad term (more than NARROW hits) is
        # read along the date index like the plain list instead, where a page of it is found within a few
        # rows.
        direction = "DESC" if keyset.descending else "ASC"
        rest = "".join(f" AND {w}" for w in where)
        union = " UNION ".join(f"SELECT id, created_at FROM orders_order WHERE dealer_id = {{}} AND {sql}{rest}"
                               for sql, _ in branches)
        union_params = [v for _, values in branches for v in (dealer_id, *values, *params)]
        rows = await Order.raw(
            "SELECT " + ", ".join(f"o.{c}" for c in LIST_COLUMNS) + ", h.hits FROM ("
            f"SELECT id, created_at, COUNT(*) OVER () AS hits FROM (SELECT id, created_at FROM ({union}) AS u "
            f"LIMIT {{}}) AS found ORDER BY created_at {direction}, id {direction} LIMIT {{}}) AS h "
            f"JOIN orders_order o ON o.id = h.id ORDER BY h.created_at {direction}, h.id {direction}",
            *union_params, NARROW + 1, limit + 1)
        if not rows or rows[0]["hits"] <= NARROW:
            return keyset.page(rows, limit)
        term, term_params = term_sql(filters.q)
        where.insert(0, term)
        params[0:0] = term_params
    sql = _SELECT + (" AND ".join(where) or "TRUE") + f" ORDER BY {keyset.order_sql()} LIMIT {{}}"
    return keyset.page(await Order.raw(sql, dealer_id, *params, limit + 1), limit)


async def for_customer(dealer_id: int, customer_id: int, limit: int = 20) -> list[dict[str, Any]]:
    """The customer's latest orders (the customer card's panel), newest first."""
    rows, _token = await search(dealer_id, Filters(customer_id=customer_id), limit=limit)
    return rows


async def count_for_customer(dealer_id: int, customer_id: int) -> int:
    """How many orders are linked to the customer (their "held records")."""
    return await Order.scoped(dealer_id).count().where(Order.customer_id == customer_id)
