"""One remembered column mapping per dealer and import (the upsert of core.bulk.runs relies on it)."""

from core.migrations import sql_migration

ID = "2026-12-02T06:40:13:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique column mapping per dealer and import"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS core_import_mapping_dealer_importer "
    "ON core_import_mapping (dealer_id, importer)",
    "CREATE INDEX IF NOT EXISTS core_import_run_dealer_expires ON core_import_run (dealer_id, expires_at)",
]


async def forwards():
    return sql_migration(ID, "core", DESCRIPTION, STATEMENTS)
