"""The write path plugins use for their rows: veto inside, notify after commit.

Columns a status machine drives (its state field and stamped timestamps) are
refused here: only :func:`core.machine.apply` writes them. ``create`` runs
the ``validate_change`` veto hook inside the transaction (a
:class:`core.errors.Veto` rolls everything back), commits, and only then
fires ``on_entity_created`` — isolated, so a broken listener cannot undo
the write; ``update`` likewise, with ``on_entity_updated``. Plugins may add
their own writes inside the same transaction by passing ``extra``; all of it
commits or none does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from core import db, machine
from core import history as history_rows
from core.context import Context
from core.errors import ValidationFailed
from core.i18n import gettext as _
from core.messages import Message
from core.plugins import registry


def _refuse_workflow_fields(entity: str, table: Any, values: dict[str, Any], allowed: dict[str, Any]) -> None:
    """Status fields and stamped timestamps are the machine engine's alone; the row's id and dealer nobody's.

    ``allowed`` maps a protected column to the one value a write may carry
    (a new row may state its machine's initial state). A plugin that passes
    a form through unfiltered can thus never move a row to another dealer.
    """
    errors = {
        key: _("This is set by the workflow and cannot be changed here.")
        for key in machine.protected_fields(entity) & values.keys()
        if not (key in allowed and values[key] == allowed[key])
    }
    errors.update({key: _("This cannot be changed.")
                   for key in {"dealer_id", table._meta.primary_key._meta.name} & values.keys()})
    if errors:
        raise ValidationFailed(errors)


async def create(
    ctx: Context,
    table: Any,
    entity: str,
    values: dict[str, Any],
    extra: Callable[[Any], Awaitable[None]] | None = None,
    complete: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]] | None = None,
) -> Any:
    """Insert a dealer-scoped row for ``ctx``'s dealer and return it.

    ``complete(values)`` runs inside the transaction before the veto hooks and
    returns values to add (e.g. a per-dealer sequence number, which then can
    never be given out twice); ``extra(row)`` runs after the insert.
    """
    if ctx.dealer_id is None:
        raise ValueError("a dealer context is required to create business rows")
    initial = {m.field: m.initial for m in machine.for_entity(entity)}
    _refuse_workflow_fields(entity, table, values, initial)
    values = {**initial, **values}
    reg = registry()
    async with db.transaction():
        if complete is not None:
            values = {**values, **await complete(values)}
        await reg.call(
            "validate_change",
            ctx=ctx, entity=entity, action="create", values=values, entity_id=None,
        )
        row = table.scoped(ctx.dealer_id).new(**values)
        await row.save()
        if extra is not None:
            await extra(row)
    await reg.call(
        "on_entity_created",
        ctx=ctx, entity=entity, entity_id=row.id, values=values,
    )
    return row


async def update(
    ctx: Context,
    table: Any,
    entity: str,
    entity_id: int,
    values: dict[str, Any],
    *,
    history: Mapping[str, Any] | None = None,
    summary: str | Message = "",
    extra: Callable[[Any], Awaitable[None]] | None = None,
) -> Any:
    """Update one of ``ctx``'s dealer's rows after the veto hook allowed it; the row, or None if not found.

    Only the columns in ``values`` are written (a concurrent change to another
    column is kept). ``history`` maps the columns whose changes belong in the
    entity's history to their labels (``{"version": _l("Version")}``): one
    ``change`` row with before → after, titled ``summary`` (a Message, shown in
    each reader's language), in the same transaction. After the commit
    ``on_entity_updated`` fires with what actually changed (not at all when
    nothing did). Nothing to write (``values`` empty) reads the row and
    writes nothing. ``extra(row)`` runs in the same transaction after the
    update (with the updated row), for the plugin's own writes that belong
    with it: all of it commits, or none does.
    """
    if ctx.dealer_id is None:
        raise ValueError("a dealer context is required to change business rows")
    _refuse_workflow_fields(entity, table, values, {})
    reg = registry()
    pk = table._meta.primary_key
    if not values:
        return await table.scoped(ctx.dealer_id).get(entity_id)
    async with db.transaction():
        before = await table.scoped(ctx.dealer_id).select().where(pk == entity_id).first()
        if before is None:
            return None
        await reg.call(
            "validate_change",
            ctx=ctx, entity=entity, action="update", values=values, entity_id=entity_id,
        )
        await table.scoped(ctx.dealer_id).update({getattr(table, k): v for k, v in values.items()}).where(
            pk == entity_id)
        changes = {k: (before[k], v) for k, v in values.items() if _shown(before[k]) != _shown(v)}
        tracked = [history_rows.change(label, changes[k][0], changes[k][1])
                   for k, label in (history or {}).items() if k in changes]
        if tracked:
            await history_rows.append(ctx, entity, entity_id, "change", summary or Message("Details changed"),
                                      {"changes": tracked})
        row = await table.scoped(ctx.dealer_id).get(entity_id)
        if extra is not None:
            await extra(row)
    if changes:
        await reg.call("on_entity_updated", ctx=ctx, entity=entity, entity_id=entity_id,
                         changes=changes)
    return row


def _shown(value: Any) -> str:
    return "" if value is None else str(value)
