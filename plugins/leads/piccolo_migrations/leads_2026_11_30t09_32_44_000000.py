"""A retried intake finds its lead by the sender's reference."""

from forecourt import sql_migration

ID = "2026-11-30T09:32:44:000000"
VERSION = "1.38.0"
DESCRIPTION = "Index of leads by the sending system's reference"

STATEMENTS = ["CREATE INDEX IF NOT EXISTS leads_lead_external ON leads_lead (dealer_id, external_ref)"]


async def forwards():
    return sql_migration(ID, "leads", DESCRIPTION, STATEMENTS)
