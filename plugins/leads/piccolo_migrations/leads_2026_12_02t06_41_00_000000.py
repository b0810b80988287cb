"""The index audit (issue 14): one index fewer, and the customer panel's index only for linked leads.

(leads_lead_dealer_id, the foreign key's one-column index, stays although
every other index starts with dealer_id: without statistics SQLite reads a
list of ids, ``dealer_id = ? AND id IN (…)``, as (dealer_id, rowid) seeks
on it, and along a whole dealer's rows without it.)

leads_lead_postponed goes, leads_lead_status serves what it did.

The only query on postponed_until is the daily wake-up of one dealer's
postponed leads (``dealer_id = ? AND status = 'postponed' AND
postponed_until <= ?``); the (dealer_id, status, created_at) index ranges
over that dealer's postponed leads — a handful — just as well, and every
lead stopped paying for a second (dealer_id, status, …) entry.

leads_lead_customer (dealer_id, customer_id) becomes (dealer_id, customer_id,
created_at) for linked leads only (``WHERE customer_id IS NOT NULL``): the
customer panel lists a customer's leads newest first, and without the date
SQLite walked all the dealer's leads along leads_lead_created instead; most
leads have no customer, and now carry no entry in it.

tests/test_index_use.py checks these plans on both engines.
"""

from forecourt import sql_migration

ID = "2026-12-02T06:41:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Leads index audit: leads_lead_postponed dropped, leads_lead_customer partial and ordered"

STATEMENTS = [
    "DROP INDEX IF EXISTS leads_lead_postponed",
    "DROP INDEX IF EXISTS leads_lead_customer",
    "CREATE INDEX IF NOT EXISTS leads_lead_customer_linked ON leads_lead (dealer_id, customer_id, created_at) "
    "WHERE customer_id IS NOT NULL",
]


async def forwards():
    return sql_migration(ID, "leads", DESCRIPTION, STATEMENTS)
