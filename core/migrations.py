"""Applying and checking migrations of the core and every installed plugin."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.check import CheckMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards


async def pending() -> list[str]:
    """``app:migration_id`` of every migration not yet applied."""
    manager = CheckMigrationManager(app_name="all")
    with contextlib.redirect_stdout(io.StringIO()):
        rows = await manager.get_migration_statuses()
    return [f"{r.app_name}:{r.migration_id}" for r in rows if not r.has_ran]


async def migrate(quiet: bool = True) -> None:
    """Apply every pending migration; raise if one fails."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out) if quiet else contextlib.nullcontext():
        result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"migrations failed: {result.message}\n{out.getvalue()}")
