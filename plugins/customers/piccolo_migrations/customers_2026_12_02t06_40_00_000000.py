"""Indexes for the customers plugin's figures: follow-ups by when they were made and when they are due,
customers by their next follow-up (overdue now)."""

from forecourt import sql_migration

ID = "2026-12-02T06:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Indexes for follow-up figures (reports)"

STATEMENTS = [
    "CREATE INDEX IF NOT EXISTS customers_followup_at ON customers_followup (dealer_id, at)",
    "CREATE INDEX IF NOT EXISTS customers_followup_next ON customers_followup (dealer_id, next_at)",
    "CREATE INDEX IF NOT EXISTS customers_customer_next_followup "
    "ON customers_customer (dealer_id, invalid, next_followup_at)",
]


async def forwards():
    return sql_migration(ID, "customers", DESCRIPTION, STATEMENTS)
