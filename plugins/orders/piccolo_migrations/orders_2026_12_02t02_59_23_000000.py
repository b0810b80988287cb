"""One order-settings row per dealer (the settings page writes it with one upsert)."""

from forecourt import sql_migration

ID = "2026-12-02T02:59:23:000000"
VERSION = "1.38.0"
DESCRIPTION = "One orders_setting row per dealer"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS orders_setting_dealer ON orders_setting (dealer_id)",
]


async def forwards():
    return sql_migration(ID, "orders", DESCRIPTION, STATEMENTS)
