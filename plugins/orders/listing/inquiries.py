"""The inquiry list's query: filters (a phone or number, status, manager, dates), newest first, keyset pages.

Served by the indexes ``(dealer_id, created_at, id)`` and ``(dealer_id,
status, created_at, id)``; a page never counts the table. Days are the
dealer's days (``day_start``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from forecourt import Keyset, day_start
from plugins.orders.search.inquiries import term_condition
from plugins.orders.tables import Inquiry

PAGE_SIZE = 50
NEWEST = Keyset(Inquiry.created_at, descending=True)


async def search(dealer_id: int, *, q: str = "", status: str = "", manager_id: int | None = None,
                 unassigned: bool = False, since: dt.date | None = None, until: dt.date | None = None, after: str = "",
                 limit: int = PAGE_SIZE) -> tuple[list[dict[str, Any]], str]:
    """One page of the dealer's inquiries (newest first) and the next page's token ("" at the end)."""
    query = Inquiry.scoped(dealer_id).select()
    if q.strip():
        query = query.where(term_condition(q.strip()))
    if status:
        query = query.where(Inquiry.status == status)
    if unassigned:
        query = query.where(Inquiry.manager_id.is_null())
    elif manager_id is not None:
        query = query.where(Inquiry.manager_id == manager_id)
    if since is not None:
        query = query.where(Inquiry.created_at >= day_start(since))
    if until is not None:
        query = query.where(Inquiry.created_at < day_start(until + dt.timedelta(days=1)))
    if (after_condition := NEWEST.where(after, Inquiry.id)) is not None:
        query = query.where(after_condition)
    rows = await NEWEST.order(query, Inquiry.id).limit(limit + 1)
    return NEWEST.page(rows, limit)
