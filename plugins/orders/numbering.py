"""Gap-free numbers per dealer (orders, inquiries), taken inside the creating transaction.

:func:`take_turn` makes the dealer's concurrent creations of one kind wait
for each other until the transaction ends: on PostgreSQL a
transaction-scoped advisory lock (``space`` tells the kinds apart), on
SQLite nothing, since write transactions are already one at a time
(``BEGIN IMMEDIATE``). :func:`next_number` is then the dealer's largest
number plus one: taken and used with the row, or rolled back with it, so
numbers run 1, 2, 3 … without gaps; a unique index on ``(dealer_id,
number)`` backs it.
"""

from __future__ import annotations

from typing import Any

from forecourt import engine_kind

ORDERS = 8011  #: the advisory lock space of order numbering
INQUIRIES = 4_120_611  #: the advisory lock space of inquiry numbering (and of the look for a caller's inquiry)


async def take_turn(table: Any, space: int, dealer_id: int) -> None:
    """Wait for the dealer's other creations in ``space`` until this transaction ends (PostgreSQL)."""
    if engine_kind() == "postgres":
        await table.raw("SELECT pg_advisory_xact_lock({}, {})", space, dealer_id)


async def next_number(table: Any, dealer_id: int) -> int:
    """The dealer's next number in ``table`` (call it after :func:`take_turn`, in the same transaction)."""
    rows = await table.raw(f"SELECT COALESCE(MAX(number), 0) + 1 AS n FROM {table._meta.tablename} "
                           "WHERE dealer_id = {}", dealer_id)
    return int(rows[0]["n"])
