"""The index audit (issue 14): leads_lead_postponed goes, leads_lead_status serves what it did.

The only query on postponed_until is the daily wake-up of one dealer's
postponed leads (``dealer_id = ? AND status = 'postponed' AND
postponed_until <= ?``); the (dealer_id, status, created_at) index ranges
over that dealer's postponed leads — a handful — just as well, and every
lead stopped paying for a second (dealer_id, status, …) entry.
tests/test_index_use.py checks the wake-up's plan on both engines.
"""

from forecourt import sql_migration

ID = "2026-12-02T06:41:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Drop leads_lead_postponed (leads_lead_status serves the wake-up)"

STATEMENTS = ["DROP INDEX IF EXISTS leads_lead_postponed"]


async def forwards():
    return sql_migration(ID, "leads", DESCRIPTION, STATEMENTS)
