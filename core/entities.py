"""The write path plugins use for their rows: veto inside, notify after commit.

``create`` runs the ``validate_change`` veto hook inside the transaction
(a :class:`core.errors.Veto` rolls everything back), commits, and only then
fires ``on_entity_created`` — isolated, so a broken listener cannot undo the
write. Plugins may add their own writes inside the same transaction by
passing ``extra``; all of it commits or none does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from core import db
from core.context import Context
from core.plugins import registry


async def create(
    ctx: Context,
    table: Any,
    entity: str,
    values: dict[str, Any],
    extra: Callable[[Any], Awaitable[None]] | None = None,
) -> Any:
    """Insert a dealer-scoped row for ``ctx``'s dealer and return it."""
    if ctx.dealer_id is None:
        raise ValueError("a dealer context is required to create business rows")
    reg = registry()
    async with db.transaction():
        await reg.veto(
            "validate_change", ctx.modules,
            ctx=ctx, entity=entity, action="create", values=values, entity_id=None,
        )
        row = table.scoped(ctx.dealer_id).new(**values)
        await row.save()
        if extra is not None:
            await extra(row)
    await reg.notify(
        "on_entity_created", ctx.modules,
        ctx=ctx, entity=entity, entity_id=row.id, values=values,
    )
    return row


async def update(ctx: Context, table: Any, entity: str, entity_id: int, values: dict[str, Any]) -> Any:
    """Update one of ``ctx``'s dealer's rows after the veto hook allowed it."""
    if ctx.dealer_id is None:
        raise ValueError("a dealer context is required to change business rows")
    reg = registry()
    async with db.transaction():
        row = await table.scoped(ctx.dealer_id).get(entity_id)
        if row is None:
            return None
        await reg.veto(
            "validate_change", ctx.modules,
            ctx=ctx, entity=entity, action="update", values=values, entity_id=entity_id,
        )
        for key, value in values.items():
            setattr(row, key, value)
        await row.save()
    return row
