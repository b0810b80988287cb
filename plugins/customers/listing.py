"""The customers list and search: keyset pages and index-friendly conditions at any size.

Every condition is a range on an indexed, normalised column (what a term
matches: :mod:`plugins.customers.search`); a page never counts the whole table.
A search term lists its prefix matches first and then the customers that hold
it elsewhere (:func:`forecourt.ranked_page`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from forecourt import Keyset, day_start, now, ranked_page
from plugins.customers.search import broad_condition, substring_condition, substring_fragments, term_condition
from plugins.customers.tables import Customer

PAGE_SIZE = 50

#: a search term matching at most this many customers is looked up through its own index first
NARROW = 1000

#: what lists and cards show (a list page converts only these)
LIST_COLUMNS = (Customer.id, Customer.number, Customer.name, Customer.phone, Customer.email, Customer.address,
                Customer.city, Customer.status, Customer.temperature, Customer.source, Customer.discount_pct,
                Customer.blacklisted, Customer.blacklist_reason, Customer.invalid, Customer.created_at,
                Customer.name_key)

SORTS = {
    "newest": Keyset(Customer.created_at, descending=True), "oldest": Keyset(Customer.created_at),
    "name": Keyset(Customer.name_key), "number": Keyset(Customer.number),
}


async def search(dealer_id: int, *, q: str = "", status: str = "", temperature: str = "", source: str = "",
                 model: str = "", followup: str = "", created_from: dt.date | None = None,
                 created_to: dt.date | None = None, invalid: bool = False, sort: str = "newest",
                 after: str = "", limit: int = PAGE_SIZE) -> tuple[list[dict[str, Any]], str]:
    """One page of the dealer's customers and the token of the next page ("" at the end).

    Keyset pagination on (sort column, id): every page costs the same at
    hundreds of thousands of customers, and no page counts the whole table.
    """
    keyset = SORTS.get(sort, SORTS["newest"])
    column = keyset.column
    where: list[Any] = [Customer.invalid == invalid]
    if status:
        where.append(Customer.status == status)
    if temperature:
        where.append(Customer.temperature == temperature)
    if source:
        where.append(Customer.source == source)
    if model.strip():
        where.append(Customer.intended_model.ilike(f"%{model.strip()}%"))
    moment = now()
    if followup == "overdue":
        where.append(Customer.next_followup_at < moment)
    elif followup == "planned":
        where.append(Customer.next_followup_at >= moment)
    elif followup == "none":
        where.append(Customer.next_followup_at.is_null())
    if created_from:
        where.append(Customer.created_at >= day_start(created_from))
    if created_to:
        where.append(Customer.created_at < day_start(created_to + dt.timedelta(days=1)))

    def select(conditions: list[Any], *columns: Any) -> Any:
        query = Customer.scoped(dealer_id).select(*columns)
        for condition in conditions:
            query = query.where(condition)
        return query

    def order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda r: (r[keyset.name], r["id"]), reverse=keyset.descending)

    def fetch(term: Any, broad: Any) -> Any:
        async def rows(token: str, n: int) -> list[dict[str, Any]]:
            conditions = list(where)
            if (after_condition := keyset.where(token, Customer.id)) is not None:
                conditions.append(after_condition)
            if term is not None:
                # The term's own indexes first, with no ORDER BY to tempt the planner elsewhere. A narrow
                # term (at most NARROW matches) is sorted here and only one page of rows is read; a broad
                # one is listed along the sort index, where a page of it is found within a few rows.
                keys = await select(conditions, Customer.id, column).where(term).limit(NARROW + 1)
                if len(keys) <= NARROW:
                    page_ids = [k["id"] for k in order(keys)[:n]]
                    return order(await Customer.scoped(dealer_id).select(*LIST_COLUMNS).where(
                        Customer.id.is_in(page_ids or [-1])))
                conditions.append(broad)
            return await keyset.order(select(conditions, *LIST_COLUMNS), Customer.id).limit(n)
        return rows

    if not q.strip():
        return await ranked_page(keyset, after, limit, fetch(None, None), None)

    async def others(token: str, n: int) -> list[dict[str, Any]]:  # looked up only when the prefix matches leave room
        inside = await substring_condition(q)
        return [] if inside is None else await fetch(inside, inside)(token, n)

    return await ranked_page(keyset, after, limit, fetch(term_condition(q), broad_condition(q)),
                             None if substring_fragments(q) is None else others)
