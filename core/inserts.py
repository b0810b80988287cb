"""Inserting row objects with one plain statement: what Piccolo's ``row.save()`` does, minus its query building.

For a row object Piccolo wraps every value in a ``QueryString`` and
compiles the nest again on each insert: 0.3-0.6 ms for a 50-column row,
most of a small write's time (an order at a quick-link checkout). Here the
statement is a flat ``INSERT … VALUES ({}, …) RETURNING id`` built from the
table's columns, and the values go as parameters, converted as Piccolo
converts them (JSON dumped, an enum by its value, a row by its key). What
is guaranteed is what ``save()`` guarantees: the rows are written with
every column (defaults filled when the object was made), and each object
gets its id and counts as saved. A value Piccolo would inline as SQL (a
``QueryString``) sends the rows through Piccolo's own insert instead.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from piccolo.columns.column_types import JSON, JSONB
from piccolo.querystring import QueryString
from piccolo.table import Table
from piccolo.utils.sql_values import convert_to_sql_value

#: values the drivers take as they are (Piccolo passes them unchanged too, except into a JSON column)
_PLAIN = frozenset({str, int, float, bool, type(None), Decimal, dt.datetime, dt.date})


@dataclass(frozen=True)
class _Shape:
    """What every insert into a table needs: its columns but the key, and the statement's fixed parts."""

    key: str  #: the key's attribute
    columns: tuple[tuple[str, Any, bool], ...]  #: attribute, column, is-JSON
    head: str  #: ``INSERT INTO "t" ("a", "b")``
    one: str  #: one row's placeholders, ``({}, {})``
    returning: str  #: ``RETURNING "id" AS id``


@functools.cache
def _shape(table: type[Table]) -> _Shape:
    key = table._meta.primary_key
    columns = tuple((c._meta.name, c, isinstance(c, (JSON, JSONB)))
                    for c in table._meta.columns if c is not key)
    names = ", ".join(f'"{column._meta.db_column_name}"' for _, column, _ in columns)
    return _Shape(key._meta.name, columns, f"INSERT INTO {table._meta.get_formatted_tablename()} ({names})",
                  "(" + ", ".join(["{}"] * len(columns)) + ")", f'RETURNING "{key._meta.db_column_name}" AS id')


def _value(value: Any, column: Any, is_json: bool) -> Any:
    if type(value) in _PLAIN and not is_json:
        return value
    return convert_to_sql_value(value=value, column=column)


async def insert_rows(rows: Sequence[Table]) -> None:
    """Write unsaved row objects of one table in one statement; each gets its id (as after ``save()``)."""
    if not rows:
        return
    table = type(rows[0])
    shape = _shape(table)
    args: list[Any] = []
    for row in rows:
        if type(row) is not table:
            raise TypeError("insert_rows writes rows of one table at a time")
        values = [_value(getattr(row, attr), column, is_json) for attr, column, is_json in shape.columns]
        if not isinstance(getattr(row, shape.key), QueryString) or any(isinstance(v, QueryString) for v in values):
            # a key the row already has (a chosen id, a UUID made in Python) or a value that is SQL:
            # Piccolo's insert writes those (an unsaved serial key is its DEFAULT / NULL placeholder)
            await table.insert(*rows)
            return
        args.extend(values)
    made = await table.raw(f"{shape.head} VALUES {', '.join([shape.one] * len(rows))} {shape.returning}", *args)
    for row, written in zip(rows, made, strict=True):  # in insertion order, as Piccolo's insert assumes too
        setattr(row, shape.key, written["id"])
        row._exists_in_db = True
