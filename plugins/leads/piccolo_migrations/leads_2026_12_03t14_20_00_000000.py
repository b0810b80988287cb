"""leads_lead_created covers the report figures (issue 13): (dealer_id, created_at, id) plus the columns
the cohort figures read.

Every period figure of the leads (received, contacted, visited, signed,
won …, the waits to first contact) reads the leads received in the period
— a range on (dealer_id, created_at) — and then, per lead, its status,
assignee, source and stamps. At a million rows that is a random row read
per lead (some 1,300 for one dealer's quarter: 3-5 ms a query on SQLite);
with those columns in the index the range is read alone (about 1 ms). The
index keeps its name and its first three columns, so the lead list (newest
first, keyset on created_at and id) uses it as before. It costs some 70
bytes per lead on SQLite (timestamps are text there), about 30 on
PostgreSQL. tests/test_index_use.py checks both uses on both engines.
"""

from forecourt import sql_migration

ID = "2026-12-03T14:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "leads_lead_created also covers the columns report figures read"

STATEMENTS = [
    "DROP INDEX IF EXISTS leads_lead_created",
    "CREATE INDEX IF NOT EXISTS leads_lead_created ON leads_lead (dealer_id, created_at, id, status, assignee_id, "
    "source, contacted_at, contract_signed_at)",
]


async def forwards():
    return sql_migration(ID, "leads", DESCRIPTION, STATEMENTS)
