"""A call the telephony reported with its own id is stored once per dealer (a retry is recognised)."""

from forecourt import sql_migration

ID = "2026-12-02T03:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Calls: the telephony's call id unique per dealer"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS orders_call_external ON orders_call (dealer_id, external_id) "
    "WHERE external_id <> ''",
]


async def forwards():
    return sql_migration(ID, "orders", DESCRIPTION, STATEMENTS)
