"""Which orders belong to blacklisted customers — asked of the customers plugin, never read from its tables.

Orders works without the customers module: where the dealer has it off (or
it is not installed) nothing is blacklisted. Where it is on, one call of its
public service ``customers_blacklist`` answers for a whole page of orders, so
the list highlights them without a query per row. (The order card reads
its one customer through ``customers_get``, whose answer says it too.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from forecourt import Context, call_hook, hook_owner_enabled


async def blacklisted(ctx: Context, customer_ids: Iterable[int | None]) -> dict[int, str]:
    """``{customer id: reason}`` of the blacklisted customers among ``customer_ids`` (``None``s are skipped)."""
    ids = sorted({i for i in customer_ids if i})
    if not ids or not hook_owner_enabled("customers_blacklist", ctx):
        return {}
    return await call_hook("customers_blacklist", ctx=ctx, customer_ids=ids) or {}


async def mark(ctx: Context, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Set ``row["blacklisted"]`` (the reason, or ``None``) on each order row, with one call for all of them."""
    found = await blacklisted(ctx, (row.get("customer_id") for row in rows))
    for row in rows:
        row["blacklisted"] = found.get(row.get("customer_id"))
    return rows
