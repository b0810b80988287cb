"""A reason is in a dealer's list once: duplicates made by racing first views are merged, then a unique index."""

from core.migrations import sql_migration

ID = "2026-12-01T22:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique reason labels per dealer and list"

STATEMENTS = [
    "DELETE FROM core_reason WHERE id NOT IN "
    "(SELECT MIN(id) FROM core_reason GROUP BY dealer_id, list_key, label)",
    "CREATE UNIQUE INDEX IF NOT EXISTS core_reason_dealer_list_label ON core_reason (dealer_id, list_key, label)",
]


async def forwards():
    return sql_migration(ID, "core", DESCRIPTION, STATEMENTS)
