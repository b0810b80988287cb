"""The index of the orders list's reversed-name search (``name_key2``: "novák jan" finds "Jan Novák")."""

from forecourt import sql_migration

ID = "2026-12-02T03:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "Index for the orders list's search by the name's words in reverse order"

STATEMENTS = [
    "CREATE INDEX IF NOT EXISTS orders_order_name2 ON orders_order (dealer_id, name_key2)",
]


async def forwards():
    return sql_migration(ID, "orders", DESCRIPTION, STATEMENTS)
