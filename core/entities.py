"""Entities: what a plugin declares its records to be, and the one write path for their rows.

A plugin declares each kind of record it keeps (:class:`Entity`, returned
from the ``register_entities`` start-up hook): its table, its label, the
URL of its card, the fields a search looks at and the fields only the
workflow engine may write. History, comments and the timeline work for any
declared entity; a status machine (:mod:`core.workflow.machine`) names one
and drives one of its columns, but an entity needs no machine.

Every create, update and delete of a declared entity's rows goes through
:func:`create`, :func:`update` and :func:`delete`, which guarantee:

* the ``validate_change`` veto hook runs inside the transaction (``action``
  ``"create"``, ``"update"`` or ``"delete"``); a :class:`core.errors.Veto`
  rolls everything back, the plugin's own writes passed as ``extra`` too;
* protected columns (declared ones, a machine's state field and stamped
  timestamps) are refused: only :func:`core.workflow.engine.apply` writes
  them; nobody writes the row's id or dealer;
* history: an update records the tracked columns' before → after, a delete
  records who deleted the row, in the same transaction;
* after the commit, ``on_entity_created``, ``on_entity_updated`` (only when
  something changed) or ``on_entity_deleted`` fires, each implementation
  isolated, so a broken listener cannot undo the write.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from core import db
from core.context import Context
from core.errors import PluginError, ValidationFailed
from core.i18n import gettext as _
from core.inserts import insert_rows
from core.messages import Message
from core.registry import registry
from core.runtime import current
from core.workflow import history as history_rows

_KEY = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Entity:
    """A kind of record a plugin keeps, as the core needs to know it.

    ``key`` is ``"<plugin>.<kind>"`` (the name used with the history, the
    timeline and the hooks); ``table`` the Piccolo table, with a
    ``dealer_id``; ``label`` what to call it (a ``lazy_gettext`` text).
    ``url`` is its card, a pattern with ``{id}`` (``"/customers/{id}"``).
    ``search`` names the columns a search of the entity looks at;
    ``protected`` the columns only the workflow engine may write (a status
    machine's field and stamps are protected without being named here).
    ``view_permission`` is needed to see a row's timeline, ``edit_permission``
    to comment on it: the permissions that guard the plugin's own card.
    """

    key: str
    table: Any
    label: Any
    url: str = ""
    search: tuple[str, ...] = ()
    protected: tuple[str, ...] = ()
    view_permission: str | None = None
    edit_permission: str | None = None

    @property
    def plugin(self) -> str:
        return self.key.split(".", 1)[0]

    def card_url(self, entity_id: int) -> str:
        """The card of one row (the plugin's start page when the entity names no card)."""
        return self.url.replace("{id}", str(entity_id)) if self.url else f"/{self.plugin}/"

    def check(self, plugin: str) -> None:
        """Refuse a declaration that cannot work, naming the plugin (start-up)."""
        if not isinstance(self.key, str) or not _KEY.match(self.key) or self.plugin != plugin:
            raise PluginError(plugin, f"entity {self.key!r}: the key must be '{plugin}.<kind>'")
        problems = []
        meta = getattr(self.table, "_meta", None)
        columns = {c._meta.name for c in meta.columns} if meta is not None else set()
        if meta is None:
            problems.append(f"table {self.table!r} is not a Piccolo table")
        elif "dealer_id" not in columns:
            problems.append(f"table {meta.tablename} has no dealer_id")
        if not str(self.label or ""):
            problems.append("it needs a label")
        if self.url and ("{id}" not in self.url or not self.url.startswith("/")):
            problems.append(f"url {self.url!r} must be a path with {{id}}")
        for kind, names in (("search", self.search), ("protected", self.protected)):
            if isinstance(names, str):
                problems.append(f"{kind} must be a tuple of column names")
                continue
            problems += [f"{kind} names unknown column {name!r}" for name in names if name not in columns]
        if meta is not None and {"dealer_id", meta.primary_key._meta.name} & set(self.protected):
            problems.append("the id and dealer_id are nobody's to write; do not list them as protected")
        if problems:
            raise PluginError(plugin, f"entity {self.key}: " + "; ".join(problems))


# --- the entities of the running app ------------------------------------------------------

def checked(declared: list[tuple[str, Any]]) -> dict[str, Entity]:
    """The entities contributed at start-up (``(plugin, entity)`` pairs), checked (at boot).

    A value that is not an :class:`Entity`, a malformed one or a key declared
    twice stops start-up with a :class:`PluginError` naming the plugin.
    """
    found: dict[str, Entity] = {}
    for plugin, entity in declared:
        if not isinstance(entity, Entity):
            raise PluginError(plugin, f"register_entities returned {entity!r}, not an Entity")
        entity.check(plugin)
        if entity.key in found:
            raise PluginError(plugin, f"entity {entity.key} is declared twice")
        found[entity.key] = entity
    return found


def entities() -> dict[str, Entity]:
    return dict(current().entities)


def get(key: str) -> Entity | None:
    return current().entities.get(key)


def _driven(entity: str) -> tuple[frozenset[str], dict[str, Any]]:
    """The columns status machines drive on ``entity`` (fields, stamps) and the states a new row starts in."""
    drivers = [m for m in current().machines.values() if m.entity == entity]
    return (frozenset(c for m in drivers for c in (m.field, *m.stamped)),
            {m.field: m.initial for m in drivers})


def protected_fields(entity: str) -> frozenset[str]:
    """Columns of ``entity`` only the workflow engine may write: declared ones, machines' fields and stamps."""
    declared = get(entity)
    return frozenset(declared.protected if declared else ()) | _driven(entity)[0]


def _declared(entity: str, table: Any) -> Entity:
    """The declaration the write is for; writing an undeclared entity (or through another table) is a bug."""
    found = get(entity)
    if found is None:
        raise ValueError(f"entity {entity!r} is not declared (register_entities)")
    if found.table is not table:
        raise ValueError(f"entity {entity!r} is stored in {found.table.__name__}, not {table.__name__}")
    return found


# --- the write path -----------------------------------------------------------------------------------


def _refuse_workflow_fields(entity: str, table: Any, values: dict[str, Any], allowed: dict[str, Any]) -> None:
    """Status fields and stamped timestamps are the machine engine's alone; the row's id and dealer nobody's.

    ``allowed`` maps a protected column to the one value a write may carry
    (a new row may state its machine's initial state). A plugin that passes
    a form through unfiltered can thus never move a row to another dealer.
    """
    errors = {
        key: _("This is set by the workflow and cannot be changed here.")
        for key in protected_fields(entity) & values.keys()
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
    _declared(entity, table)
    initial = dict(_driven(entity)[1])
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
        await insert_rows([row])
        if extra is not None:
            await extra(row)
    await reg.call(
        "on_entity_created",
        ctx=ctx, entity=entity, entity_id=row.id, values=values,
    )
    return row


def _tracked(spec: Any, before: Any, after: Any) -> dict[str, Any]:
    """One history line of a tracked column: ``spec`` is its label, or ``(label, value -> shown)``."""
    if isinstance(spec, tuple):
        label, shown = spec
        return history_rows.change(label, shown.get(before, before), shown.get(after, after))
    return history_rows.change(spec, before, after)


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
    expect: Mapping[str, Any] | None = None,
) -> Any:
    """Update one of ``ctx``'s dealer's rows after the veto hook allowed it; the row, or None if not found.

    Only the columns in ``values`` are written (a concurrent change to another
    column is kept). ``history`` maps the columns whose changes belong in the
    entity's history to their labels (``{"version": _l("Version")}``): one
    ``change`` row with before → after, titled ``summary`` (a Message, shown in
    each reader's language), in the same transaction. A column whose values
    are codes or ids maps to ``(label, shown)`` instead, ``shown`` a mapping
    of value → what a reader sees (a ``lazy_gettext`` label, shown in the
    reader's language, or a name): ``{"payment_method": (_l("Payment"),
    {"cash": _l("Cash"), …})}``; values it lacks are shown as stored. After the commit
    ``on_entity_updated`` fires with what actually changed (not at all when
    nothing did). Nothing to write (``values`` empty) reads the row and
    writes nothing. ``extra(row)`` runs in the same transaction after the
    update (with the updated row), for the plugin's own writes that belong
    with it: all of it commits, or none does. ``expect`` (column -> value)
    makes the write conditional: it happens only while the row still holds
    those values (a claim two job runs may race for); otherwise None, and
    nothing is written or notified.
    """
    if ctx.dealer_id is None:
        raise ValueError("a dealer context is required to change business rows")
    _declared(entity, table)
    _refuse_workflow_fields(entity, table, values, {})
    reg = registry()
    pk = table._meta.primary_key
    if not values:
        return await table.scoped(ctx.dealer_id).get(entity_id)
    async with db.transaction():
        before = await table.scoped(ctx.dealer_id).select().where(pk == entity_id).first()
        if before is None or any(before[k] != v for k, v in (expect or {}).items()):
            return None
        await reg.call(
            "validate_change",
            ctx=ctx, entity=entity, action="update", values=values, entity_id=entity_id,
        )
        where = pk == entity_id
        for column, value in (expect or {}).items():
            where = where & (getattr(table, column).is_null() if value is None else getattr(table, column) == value)
        written = await table.scoped(ctx.dealer_id).update(
            {getattr(table, k): v for k, v in values.items()}).where(where).returning(pk)
        if not written:  # the claim was lost to a concurrent writer between the read and the write
            return None
        changes = {k: (before[k], v) for k, v in values.items() if _shown(before[k]) != _shown(v)}
        tracked = [_tracked(spec, *changes[k]) for k, spec in (history or {}).items() if k in changes]
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


async def delete(
    ctx: Context,
    table: Any,
    entity: str,
    entity_id: int,
    *,
    before: Callable[[dict[str, Any]], Awaitable[None]] | None = None,
) -> bool:
    """Delete one of ``ctx``'s dealer's rows after the veto hook allowed it; False if there was none.

    ``validate_change`` runs with ``action="delete"`` and the row's current
    values; ``before(row)`` then runs in the same transaction ahead of the
    delete, for the plugin's own writes that go with it (its child rows,
    other plugins' ``..._delete_records`` hooks). A history row records who
    deleted it (the entity's history outlives the row). After the commit
    ``on_entity_deleted`` fires with the values the row had.
    """
    if ctx.dealer_id is None:
        raise ValueError("a dealer context is required to delete business rows")
    _declared(entity, table)
    reg = registry()
    pk = table._meta.primary_key
    async with db.transaction():
        row = await table.scoped(ctx.dealer_id).select().where(pk == entity_id).first()
        if row is None:
            return False
        await reg.call(
            "validate_change",
            ctx=ctx, entity=entity, action="delete", values=row, entity_id=entity_id,
        )
        if before is not None:
            await before(row)
        await table.scoped(ctx.dealer_id).delete().where(pk == entity_id)
        await history_rows.append(ctx, entity, entity_id, "event", Message("Deleted"))
    await reg.call("on_entity_deleted", ctx=ctx, entity=entity, entity_id=entity_id, values=row)
    return True


def _shown(value: Any) -> str:
    return "" if value is None else str(value)
