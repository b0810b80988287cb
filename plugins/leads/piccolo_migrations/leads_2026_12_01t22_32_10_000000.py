"""A sender's reference names one lead: the unique index the intake's claim (an upsert) relies on."""

from forecourt import sql_migration

ID = "2026-12-01T22:32:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "One intake record per sender's reference; intake records by lead"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS leads_intake_lead_ref "
    "ON leads_intake_lead (dealer_id, key_id, id_source, external_id)",
    "CREATE INDEX IF NOT EXISTS leads_intake_lead_lead ON leads_intake_lead (dealer_id, lead_id)",
]


async def forwards():
    return sql_migration(ID, "leads", DESCRIPTION, STATEMENTS)
