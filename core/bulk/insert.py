"""Creating many rows of a declared entity at once: the entity write path's guarantees, in multi-row INSERTs.

:func:`create_entities` is :func:`core.entities.create` for a batch, and keeps
its guarantees: the rows go to ``ctx``'s dealer only (no row may name its
dealer or id), protected columns are refused (a new row may state its
machine's initial state), ``validate_change`` runs for every row inside the
transaction (a :class:`~core.errors.Veto` rolls the whole batch back, and the
caller's transaction with it), and ``on_entity_created`` fires for every row
after the outermost commit, never after a rollback.

What it saves is the per-row cost: one multi-row ``INSERT … RETURNING id`` per
:func:`chunk` of rows instead of one statement, one ORM object and one
transaction per row.
"""

from __future__ import annotations

import json
from typing import Any

from core import db
from core.context import Context
from core.entities import _declared, _driven, _refuse_workflow_fields, protected_fields
from core.registry import Registry, registry

_MAX_PARAMS = 30_000  #: bound parameters per statement, under SQLite's 32,766 and asyncpg's 32,767


def chunk(columns: int) -> int:
    """Rows per INSERT for ``columns`` columns: as many as the engines' parameter limits allow, at most 1,000."""
    return max(1, min(1000, _MAX_PARAMS // max(1, columns)))


async def create_entities(ctx: Context, table: Any, entity: str, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (column -> value, the same columns in each) for ``ctx``'s dealer; their new ids, in order.

    Inside the caller's transaction if there is one (so a bulk import is all or
    nothing), else in one of its own.
    """
    if ctx.dealer_id is None:
        raise ValueError("a dealer context is required to create business rows")
    if not rows:
        return []
    _declared(entity, table)
    initial = dict(_driven(entity)[1])
    names = sorted({**initial, **rows[0]}.keys())
    known = {c._meta.db_column_name for c in table._meta.columns}
    unknown = set(names) - known
    if unknown:
        raise ValueError(f"{table.__name__} has no column(s) {sorted(unknown)}")
    reg = registry()
    keys = rows[0].keys()
    guarded = bool((protected_fields(entity) | {"dealer_id", table._meta.primary_key._meta.name}) & keys)
    vetoes, listeners = _listened(reg, "validate_change", ctx), _listened(reg, "on_entity_created", ctx)
    ids: list[int] = []
    full: list[dict[str, Any]] = []
    async with db.transaction():
        for values in rows:
            if values.keys() != keys:
                raise ValueError("every row of a bulk insert must have the same columns")
            if guarded:
                _refuse_workflow_fields(entity, table, values, initial)
            values = {**initial, **values}
            if vetoes:
                await reg.call("validate_change", ctx=ctx, entity=entity, action="create", values=values,
                               entity_id=None)
            full.append(values)
        per = chunk(len(names) + 1)
        for start in range(0, len(full), per):
            ids += await _insert(table, ctx.dealer_id, names, full[start:start + per])
        if listeners:
            for entity_id, values in zip(ids, full, strict=True):
                await reg.call("on_entity_created", ctx=ctx, entity=entity, entity_id=entity_id, values=values)
    return ids


def _listened(reg: Registry, name: str, ctx: Context) -> bool:
    """Whether any plugin enabled for ``ctx``'s dealer implements hook ``name`` (else its calls are skipped)."""
    return bool(reg.implementations(name, reg._modules(reg.decl(name), None, {"ctx": ctx})))


async def _insert(table: Any, dealer_id: int, names: list[str], rows: list[dict[str, Any]]) -> list[int]:
    """One multi-row INSERT on the transaction's own connection; the ids in the rows' order.

    Sent to the driver as it is (``?`` or ``$n`` placeholders): the query
    builder's placeholder rewriting costs more than the insert itself at
    30,000 parameters. Both engines return the ids in VALUES order.
    """
    pk = table._meta.primary_key._meta.db_column_name
    width = len(names) + 1
    args: list[Any] = []
    for values in rows:
        args.append(dealer_id)
        args += [values[name] for name in names]
    columns = ", ".join(["dealer_id", *names])
    transaction = db.engine().current_transaction.get()
    if transaction is None:
        raise RuntimeError("a bulk insert runs inside a transaction")
    if db.is_sqlite():
        one = "(" + ", ".join("?" * width) + ")"
        sql = f"INSERT INTO {table._meta.tablename} ({columns}) VALUES {', '.join([one] * len(rows))} RETURNING {pk}"
        returned = await transaction.connection.execute_fetchall(sql, args)
        return [r[pk] if isinstance(r, dict) else r[0] for r in returned]
    groups = ", ".join("(" + ", ".join(f"${r * width + c + 1}" for c in range(width)) + ")" for r in range(len(rows)))
    sql = f"INSERT INTO {table._meta.tablename} ({columns}) VALUES {groups} RETURNING {pk}"
    returned = await transaction.connection.fetch(sql, *args)
    return [r[0] for r in returned]


async def rows_with(table: Any, dealer_id: int, column: str, keys: list[str], select: tuple[str, ...]) -> list[dict]:
    """The dealer's rows whose ``column`` is one of ``keys`` (``select`` columns), in one indexed query.

    The keys travel as one JSON parameter (``json_each`` / ``jsonb_array_elements_text``), so a
    duplicate check of 100,000 keys is one statement, not 200, and needs no placeholder per key.
    ``column`` and ``select`` must be the table's column names (they are checked, never taken from input).
    """
    known = {c._meta.db_column_name for c in table._meta.columns}
    if column not in known or not set(select) <= known:
        raise ValueError(f"{table.__name__} has no column among {column!r}, {select!r}")
    if not keys:
        return []
    listed = ("SELECT value FROM json_each({})" if db.is_sqlite()
              else "SELECT jsonb_array_elements_text({}::jsonb)")
    return await table.raw(
        f"SELECT {', '.join(select)} FROM {table._meta.tablename} WHERE dealer_id = {{}} AND {column} IN ({listed}) "
        f"ORDER BY {table._meta.primary_key._meta.db_column_name}", dealer_id, json.dumps(keys))
