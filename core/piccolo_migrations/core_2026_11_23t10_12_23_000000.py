"""Composite indexes for the core's history, comment, reason, reminder and job tables.

Piccolo declares single-column indexes only; these serve the core's queries.
A migration of its own, because Piccolo runs raw steps before a migration's
``add_table`` steps.
"""

from core.migrations import sql_migration

ID = "2026-11-23T10:12:23:000000"
VERSION = "1.38.0"
DESCRIPTION = "Composite indexes for history, comments, reasons, reminders, job slots"

STATEMENTS = [
    "CREATE INDEX IF NOT EXISTS core_history_entity ON core_history (dealer_id, entity, entity_id, at)",
    "CREATE INDEX IF NOT EXISTS core_comment_entity ON core_comment (dealer_id, entity, entity_id)",
    "CREATE INDEX IF NOT EXISTS core_reason_list ON core_reason (dealer_id, list_key, position)",
    "CREATE INDEX IF NOT EXISTS core_reminder_due ON core_reminder (dealer_id, done_at, due_at)",
    "CREATE UNIQUE INDEX IF NOT EXISTS core_job_slot_job_dealer ON core_job_slot (job, dealer_id)",
    "CREATE INDEX IF NOT EXISTS core_job_slot_next ON core_job_slot (next_at)",
]


async def forwards():
    return sql_migration(ID, "core", DESCRIPTION, STATEMENTS)
