"""One settings row per dealer."""

from forecourt import sql_migration

ID = "2026-11-30T09:31:39:000000"
VERSION = "1.38.0"
DESCRIPTION = "One leads settings row per dealer"

STATEMENTS = ["CREATE UNIQUE INDEX IF NOT EXISTS leads_setting_dealer ON leads_setting (dealer_id)"]


async def forwards():
    return sql_migration(ID, "leads", DESCRIPTION, STATEMENTS)
