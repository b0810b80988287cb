"""The leads list: one keyset page of the dealer's leads, filtered and sorted, at any size.

Every condition is a bound parameter on an indexed column (the search term's
in :mod:`plugins.leads.search`); a page never counts the whole table. A
search term lists its prefix matches first and then the leads that hold it
elsewhere (:func:`forecourt.ranked_page`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from forecourt import Keyset, day_start, ranked_page, read_id
from plugins.leads.search import SUBSTRING, substring_fragments, term_sql
from plugins.leads.tables import Lead

PAGE_SIZE = 50
#: what the list (and a customer's card) shows of a lead
LIST_COLUMNS = (Lead.id, Lead.surname, Lead.first_name, Lead.email, Lead.phone, Lead.price, Lead.status,
                Lead.source, Lead.model, Lead.created_at, Lead.assignee_name, Lead.customer_id, Lead.contacted_at)
_LIST_SQL = ("SELECT " + ", ".join(c._meta.db_column_name for c in (*LIST_COLUMNS, Lead.name_key))
             + " FROM leads_lead WHERE dealer_id = {} AND %s ORDER BY %s LIMIT {}")
#: the list's orders: key -> keyset (column, descending); each is an index range on (dealer_id, column)
SORTS = {"new": Keyset(Lead.created_at, descending=True), "old": Keyset(Lead.created_at),
         "name": Keyset(Lead.name_key)}


async def search(dealer_id: int, *, q: str = "", status: str = "", source: str = "", assignee: str = "",
                 created_from: dt.date | None = None, created_to: dt.date | None = None,
                 after: str = "", sort: str = "new", limit: int = PAGE_SIZE) -> tuple[list[dict[str, Any]], str]:
    """One page of the dealer's leads in ``sort`` order (:data:`SORTS`), and the next page's token ("" at the end).

    Hand-written SQL (every condition a bound parameter, the dealer's always first): the list is the page
    dealers open all day, and building it with the query builder cost more than running it.
    """
    if not isinstance(dealer_id, int) or dealer_id <= 0:
        raise ValueError("a dealer id is required")
    where: list[str] = []
    params: list[Any] = []

    def cond(sql: str, *values: Any) -> None:
        where.append(sql)
        params.extend(values)

    if status:
        cond("status = {}", status)
    if source:
        cond("source = {}", source)
    if assignee == "none":
        cond("assignee_id IS NULL")
    elif read_id(assignee) is not None:
        cond("assignee_id = {}", read_id(assignee))
    if created_from:
        cond("created_at >= {}", day_start(created_from))
    if created_to:
        cond("created_at < {}", day_start(created_to + dt.timedelta(days=1)))
    keyset = SORTS.get(sort, SORTS["new"])

    def fetch(term: tuple[str, tuple[Any, ...]] | None) -> Any:
        async def rows(token: str, n: int) -> Any:
            conds, values = list(where), list(params)
            for extra in (term, keyset.sql(token)):  # the term; the rows after the last one shown
                if extra is not None:
                    conds.append(extra[0])
                    values.extend(extra[1])
            sql = _LIST_SQL % (" AND ".join(conds) or "TRUE", keyset.order_sql())
            return await Lead.raw(sql, dealer_id, *values, n)
        return rows

    if not q.strip():
        return await ranked_page(keyset, after, limit, fetch(None), None)
    prefix = term_sql(q)
    fragments = substring_fragments(q)

    async def others(token: str, n: int) -> Any:  # looked up only when the prefix matches leave room
        inside = await SUBSTRING.lookup_sql(fragments or {})
        if inside is None:
            return []
        return await fetch((f"{inside[0]} AND NOT ({prefix[0]})", (*inside[1], *prefix[1])))(token, n)

    return await ranked_page(keyset, after, limit, fetch(prefix), None if fragments is None else others)
