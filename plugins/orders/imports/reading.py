"""Reading an uploaded catalogue file into rows of text (CSV or XLSX), with its columns recognised.

The file itself is read by the core's bulk reader (:func:`forecourt.read_import_table`:
encodings, delimiters, XLSX, limits, every refusal a 4xx with a message);
here its header row is matched to the catalogue's columns (:mod:`.columns`),
and a file without a SKU column or without rows is refused. Nothing here
touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from forecourt import ImportFileRefused as FileRefused
from forecourt import gettext as _
from forecourt import import_too_large, read_import_table
from plugins.orders.imports.columns import COLUMNS, header_key, headers

__all__ = ["MAX_BYTES", "MAX_ROWS", "FileRefused", "Parsed", "read_file", "too_large"]

MAX_BYTES = 5 * 1024 * 1024  #: the largest file accepted
MAX_ROWS = 5000  #: the most data rows in one file
_MAX_COLUMNS = len(COLUMNS) * 3  #: columns of a sheet read (a header further right is not looked for)


@dataclass
class Parsed:
    """A readable file: the recognised columns (column -> header as written), and the data rows."""

    columns: dict[str, str]
    rows: list[dict[str, Any]] = field(default_factory=list)  #: {"line": n, "cells": {column: text}}
    ignored: list[str] = field(default_factory=list)  #: headers that name no column

    def as_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "rows": self.rows, "ignored": self.ignored}


def too_large() -> FileRefused:
    return import_too_large(MAX_BYTES)


def read_file(filename: str, data: bytes) -> Parsed:
    """The rows of an uploaded CSV or XLSX file (told apart by their content, not by the name)."""
    table = read_import_table(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, max_columns=_MAX_COLUMNS)
    head, data_rows = table.header, table.rows
    known = headers()
    index: dict[int, str] = {}
    columns: dict[str, str] = {}
    ignored: list[str] = []
    for i, text in enumerate(head):
        column = known.get(header_key(text))
        if column and column not in columns:
            index[i], columns[column] = column, text
        elif text:
            ignored.append(text)
    if "sku" not in columns:
        raise FileRefused(_("No column of the file is the SKU: the first row must hold the column names, as in "
                            "the template (sku, name, kind, …)."), 422)
    if not data_rows:
        raise FileRefused(_("The file has column names but no rows under them."), 422)
    parsed = Parsed(columns=columns, ignored=ignored)
    for line, row in data_rows:
        parsed.rows.append({"line": line, "cells": {column: row[i] if i < len(row) else ""
                                                    for i, column in index.items()}})
    return parsed
