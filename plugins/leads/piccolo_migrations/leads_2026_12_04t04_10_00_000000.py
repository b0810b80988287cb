"""``leads_lead.contact_wait``: the seconds from a lead's arrival to its first contact, kept by the engine (issue 13).

Speed to lead (median, 90th percentile, the share contacted within a day)
needs every lead's wait. Computed per query from the two timestamps it cost
SQLite two ``julianday()`` parses a lead — about 1 ms per 1,300 leads, half
the time of the funnel page's figures at a million rows. Stored, and
covered by ``leads_lead_created``, the figures read it from the index.

The column is not a Piccolo column: nobody writes it but the engine, so
that whatever code stamps ``contacted_at`` (the status machine, an import,
a transfer, raw SQL) it is right. PostgreSQL computes it as a stored
generated column; SQLite (which cannot add one to a table) from triggers
after an insert with a contact stamp and after an update that changes
either stamp. NULL while the lead was never contacted; rounded to the
millisecond on both engines (SQLite's julianday arithmetic is exact to well
under that over the span of a wait).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-04T04:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "leads_lead.contact_wait (seconds to first contact), kept by the engine and covered by the index"

#: the wait of the row ``row`` (``NEW``, or the table's own columns)
_SQLITE = "ROUND((julianday({row}contacted_at) - julianday({row}created_at)) * 86400, 3)"
_SET = f"UPDATE leads_lead SET contact_wait = {_SQLITE.format(row='NEW.')} WHERE id = NEW.id"
COLUMN = {
    "sqlite": [
        "ALTER TABLE leads_lead ADD COLUMN contact_wait REAL",
        f"UPDATE leads_lead SET contact_wait = {_SQLITE.format(row='')} WHERE contacted_at IS NOT NULL",
        "CREATE TRIGGER IF NOT EXISTS leads_contact_wait_insert AFTER INSERT ON leads_lead "
        f"WHEN NEW.contacted_at IS NOT NULL BEGIN {_SET}; END",
        "CREATE TRIGGER IF NOT EXISTS leads_contact_wait_update AFTER UPDATE OF contacted_at, created_at ON leads_lead "
        "WHEN OLD.contacted_at IS NOT NEW.contacted_at OR OLD.created_at IS NOT NEW.created_at "
        f"BEGIN {_SET}; END",
    ],
    "postgres": [
        "ALTER TABLE leads_lead ADD COLUMN IF NOT EXISTS contact_wait DOUBLE PRECISION GENERATED ALWAYS AS "
        "(CAST(ROUND(CAST(EXTRACT(EPOCH FROM (contacted_at - created_at)) AS NUMERIC), 3) AS DOUBLE PRECISION)) STORED",
    ],
}
INDEX = [
    "DROP INDEX IF EXISTS leads_lead_created",
    "CREATE INDEX IF NOT EXISTS leads_lead_created ON leads_lead (dealer_id, created_at, id, status, assignee_id, "
    "source, contacted_at, contract_signed_at, contact_wait)",
]


async def add() -> None:
    from core import db

    engine, kind = db.engine(), db.engine_kind()
    steps = COLUMN[kind]
    if kind == "sqlite" and any(c["name"] == "contact_wait" for c in await engine.run_ddl("PRAGMA table_info(leads_lead)")):
        steps = steps[1:]  # a run cut short after the ALTER (SQLite has no ADD COLUMN IF NOT EXISTS)
    for statement in [*steps, *INDEX]:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="leads", description=DESCRIPTION)
    manager.add_raw(add)
    return manager
