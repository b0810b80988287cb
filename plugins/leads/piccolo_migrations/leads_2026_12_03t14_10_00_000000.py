"""The standing rollup (issue 13): how many leads each dealer has now, per status, assignee and source.

"Open leads" and "waiting for a first contact" are counts of how things
stand now, over all of a dealer's leads — thousands at a million rows. Every
write to ``leads_lead`` (insert, update of ``dealer_id``, ``status``,
``assignee_id``, ``source`` or whether ``contacted_at`` is set, delete) adds
delta rows to ``leads_standing`` from a trigger, in the writer's own
transaction, whatever code wrote it (entity service, bulk import, transfer,
raw SQL): ``+1`` for the row as it now is, ``-1`` for the row as it was.
Deltas are plain INSERTs, so writers never wait for each other on a counter
row (a long import does not hold up a lead arriving meanwhile); the job
``leads.fold_standing`` folds each dealer's deltas into one row per
(status, assignee, source) now and then (:mod:`plugins.leads.standing`).
The table starts filled from the leads there are (nothing serves requests while migrations run).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-03T14:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Leads standing rollup (open and waiting counts) kept by triggers"

TABLE = {
    "sqlite": "CREATE TABLE IF NOT EXISTS leads_standing (id INTEGER PRIMARY KEY AUTOINCREMENT, "
              "dealer_id INTEGER NOT NULL, status VARCHAR(20) NOT NULL, assignee_id INTEGER, source VARCHAR(30), "
              "leads INTEGER NOT NULL, uncontacted INTEGER NOT NULL)",
    "postgres": "CREATE TABLE IF NOT EXISTS leads_standing (id BIGSERIAL PRIMARY KEY, dealer_id INTEGER NOT NULL, "
                "status VARCHAR(20) NOT NULL, assignee_id INTEGER, source VARCHAR(30), leads INTEGER NOT NULL, "
                "uncontacted INTEGER NOT NULL)",
}
INDEX = "CREATE INDEX IF NOT EXISTS leads_standing_dealer ON leads_standing (dealer_id, status)"
FILL = ("INSERT INTO leads_standing (dealer_id, status, assignee_id, source, leads, uncontacted) "
        "SELECT dealer_id, status, assignee_id, source, COUNT(*), SUM(CASE WHEN contacted_at IS NULL THEN 1 ELSE 0 END) "
        "FROM leads_lead GROUP BY dealer_id, status, assignee_id, source")
_COLUMNS = "INSERT INTO leads_standing (dealer_id, status, assignee_id, source, leads, uncontacted) VALUES "
_NEW = "(NEW.dealer_id, NEW.status, NEW.assignee_id, NEW.source, 1, CASE WHEN NEW.contacted_at IS NULL THEN 1 ELSE 0 END)"
_OLD = ("(OLD.dealer_id, OLD.status, OLD.assignee_id, OLD.source, -1, "
        "CASE WHEN OLD.contacted_at IS NULL THEN -1 ELSE 0 END)")
_CHANGED = {engine: (f"OLD.dealer_id {d} NEW.dealer_id OR OLD.status {d} NEW.status OR OLD.assignee_id {d} "
                     f"NEW.assignee_id OR OLD.source {d} NEW.source OR (OLD.contacted_at IS NULL) <> "
                     "(NEW.contacted_at IS NULL)")
            for engine, d in (("sqlite", "IS NOT"), ("postgres", "IS DISTINCT FROM"))}
_WATCHED = "dealer_id, status, assignee_id, source, contacted_at"
TRIGGERS = {
    "sqlite": [
        f"CREATE TRIGGER IF NOT EXISTS leads_standing_insert AFTER INSERT ON leads_lead BEGIN {_COLUMNS} {_NEW}; END",
        f"CREATE TRIGGER IF NOT EXISTS leads_standing_update AFTER UPDATE OF {_WATCHED} ON leads_lead "
        f"WHEN {_CHANGED['sqlite']} BEGIN {_COLUMNS} {_OLD}, {_NEW}; END",
        f"CREATE TRIGGER IF NOT EXISTS leads_standing_delete AFTER DELETE ON leads_lead BEGIN {_COLUMNS} {_OLD}; END",
    ],
    "postgres": [
        "CREATE OR REPLACE FUNCTION leads_standing_delta() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_COLUMNS} {_OLD}; END IF; "
        f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {_COLUMNS} {_NEW}; END IF; RETURN NULL; END $$",
        "DROP TRIGGER IF EXISTS leads_standing_write ON leads_lead",
        "CREATE TRIGGER leads_standing_write AFTER INSERT OR DELETE ON leads_lead FOR EACH ROW "
        "EXECUTE FUNCTION leads_standing_delta()",
        "DROP TRIGGER IF EXISTS leads_standing_update ON leads_lead",
        f"CREATE TRIGGER leads_standing_update AFTER UPDATE OF {_WATCHED} ON leads_lead FOR EACH ROW "
        f"WHEN ({_CHANGED['postgres']}) EXECUTE FUNCTION leads_standing_delta()",
    ],
}


async def create() -> None:
    """The table, its index and triggers, then the counts of the leads there are (a second run starts over)."""
    from core import db

    engine, kind = db.engine(), db.engine_kind()
    for statement in [TABLE[kind], INDEX, *TRIGGERS[kind], "DELETE FROM leads_standing", FILL]:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="leads", description=DESCRIPTION)
    manager.add_raw(create)
    return manager
