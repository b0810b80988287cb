"""Indexes for the customers list and search, and the per-dealer numbering.

Every list and search query is dealer-scoped and served by one of these:
keyset pages on (dealer, invalid, status, created_at/name/number), prefix
ranges on the folded name (both word orders), e-mail and reversed phone
digits. A migration of its own, because Piccolo runs raw steps before a
migration's ``add_table`` steps.
"""

from forecourt import sql_migration

ID = "2026-11-23T10:34:07:000000"
VERSION = "1.38.0"
DESCRIPTION = "Indexes for customer lists, search and numbering"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS customers_customer_number ON customers_customer (dealer_id, number)",
    "CREATE INDEX IF NOT EXISTS customers_customer_created ON customers_customer (dealer_id, invalid, created_at, id)",
    "CREATE INDEX IF NOT EXISTS customers_customer_status_created "
    "ON customers_customer (dealer_id, invalid, status, created_at, id)",
    "CREATE INDEX IF NOT EXISTS customers_customer_name ON customers_customer (dealer_id, name_key, id)",
    "CREATE INDEX IF NOT EXISTS customers_customer_name2 ON customers_customer (dealer_id, name_key2)",
    "CREATE INDEX IF NOT EXISTS customers_customer_email ON customers_customer (dealer_id, email_key)",
    "CREATE INDEX IF NOT EXISTS customers_customer_phone ON customers_customer (dealer_id, phone_rev)",
    "CREATE INDEX IF NOT EXISTS customers_note_customer ON customers_note (dealer_id, customer_id)",
    "CREATE INDEX IF NOT EXISTS customers_followup_customer ON customers_followup (dealer_id, customer_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS customers_counter_dealer ON customers_counter (dealer_id)",
]


async def forwards():
    return sql_migration(ID, "customers", DESCRIPTION, STATEMENTS)
