"""Applying and checking migrations of the core and every installed plugin."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.apps.migrations.commands.check import CheckMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards


async def pending() -> list[str]:
    """``app:migration_id`` of every migration not yet applied."""
    manager = CheckMigrationManager(app_name="all")
    with contextlib.redirect_stdout(io.StringIO()):
        rows = await manager.get_migration_statuses()
    return [f"{r.app_name}:{r.migration_id}" for r in rows if not r.has_ran]


async def migrate(quiet: bool = True) -> list[str]:
    """Apply every pending migration and return their names; raise if one fails.

    One migrator at a time (:func:`core.locks.exclusive`): a second one started
    meanwhile waits, then finds nothing left to do.
    """
    from core.locks import exclusive

    out = io.StringIO()
    async with exclusive("migrate"):
        todo = await pending()
        if not todo:
            return []
        with contextlib.redirect_stdout(out) if quiet else contextlib.nullcontext():
            result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"migrations failed: {result.message}\n{out.getvalue()}")
    return todo


def sql_migration(migration_id: str, app_name: str, description: str, statements: list[str]) -> MigrationManager:
    """A migration that runs plain SQL statements (e.g. composite indexes, which Piccolo cannot declare).

    Write it as a migration file of its own, because Piccolo runs raw steps
    before a migration's ``add_table`` steps::

        async def forwards():
            return sql_migration(ID, "leads", DESCRIPTION, STATEMENTS)

    Use SQL both engines accept (``CREATE INDEX IF NOT EXISTS ...``).
    """
    from core import db

    manager = MigrationManager(migration_id=migration_id, app_name=app_name, description=description)

    async def run() -> None:
        for statement in statements:
            await db.engine().run_ddl(statement)

    manager.add_raw(run)
    return manager
