"""The intake keys move to the core's API keys (core_api_key, purpose "leads.intake"), with their ids.

Every row of leads_intake_key is copied with the same id, hash, prefix,
name, dates and limit, so a sender's key goes on working unchanged and the
leads it brought (leads_intake_lead.key_id) keep pointing at it. A key
already copied (same hash) is left alone, so running the copy again does
nothing. On PostgreSQL the id sequence of core_api_key then starts after
the copied ids. core_api_key is new and empty when this runs (the core's
migration that makes it runs first, in the same ``forecourt migrate``), so
no id is taken. leads_intake_key itself is kept (no data is dropped) but no
longer read or written.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-02T03:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Intake keys copied to the core's API keys (core_api_key)"

COPY = (
    "INSERT INTO core_api_key (id, dealer_id, purpose, name, token_hash, prefix, created_at, created_by, "
    "last_used_at, revoked_at, per_minute) "
    "SELECT k.id, k.dealer_id, 'leads.intake', k.name, k.token_hash, k.prefix, k.created_at, k.created_by, "
    "k.last_used_at, k.revoked_at, k.per_minute FROM leads_intake_key k "
    "WHERE NOT EXISTS (SELECT 1 FROM core_api_key c WHERE c.token_hash = k.token_hash OR c.id = k.id)"
)
SEQUENCE = ("SELECT setval(pg_get_serial_sequence('core_api_key', 'id'), "
            "(SELECT COALESCE(MAX(id), 0) + 1 FROM core_api_key), false)")


async def copy_keys() -> None:
    """Copy the keys (idempotent); on PostgreSQL move the id sequence past them."""
    from core import db

    engine = db.engine()
    await engine.run_ddl(COPY)
    if db.engine_kind() == "postgres":
        await engine.run_ddl(SEQUENCE)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="leads", description=DESCRIPTION)
    manager.add_raw(copy_keys)
    return manager
