"""Indexes for the lead list, its filters, search and the customer panel.

A migration of its own, because Piccolo runs raw steps before a migration's
``add_table`` steps.
"""

from forecourt import sql_migration

ID = "2026-11-23T11:10:27:000000"
VERSION = "1.38.0"
DESCRIPTION = "Indexes for lead lists, filters and search"

STATEMENTS = [
    "CREATE INDEX IF NOT EXISTS leads_lead_created ON leads_lead (dealer_id, created_at, id)",
    "CREATE INDEX IF NOT EXISTS leads_lead_status ON leads_lead (dealer_id, status, created_at)",
    "CREATE INDEX IF NOT EXISTS leads_lead_assignee ON leads_lead (dealer_id, assignee_id, created_at)",
    "CREATE INDEX IF NOT EXISTS leads_lead_name ON leads_lead (dealer_id, name_key)",
    "CREATE INDEX IF NOT EXISTS leads_lead_phone ON leads_lead (dealer_id, phone_rev)",
    "CREATE INDEX IF NOT EXISTS leads_lead_email ON leads_lead (dealer_id, email_key)",
    "CREATE INDEX IF NOT EXISTS leads_lead_customer ON leads_lead (dealer_id, customer_id)",
    "CREATE INDEX IF NOT EXISTS leads_lead_postponed ON leads_lead (dealer_id, status, postponed_until)",
    # the cross-dealer search: exact folded name first, then the phone fragment, over every dealer
    "CREATE INDEX IF NOT EXISTS leads_lead_name_everywhere ON leads_lead (name_key, phone_rev)",
]


async def forwards():
    return sql_migration(ID, "leads", DESCRIPTION, STATEMENTS)
