"""Reading an uploaded file into rows of text: CSV in any common encoding and delimiter, or XLSX.

Nothing here touches the database. Every way a file can be unreadable ends in
:class:`FileRefused` with a message for the person and an HTTP status (4xx),
never in an exception the server would answer with a 500: not a CSV or XLSX,
an old ``.xls``, a broken workbook, an empty file, no recognised header, a
file or a row count over the limits.

* CSV: a byte-order mark says UTF-8 or UTF-16; otherwise strict UTF-8 is
  tried, then cp1251 (Windows Cyrillic, what Russian spreadsheets save). The
  delimiter (``,`` ``;`` tab ``|``) is the one the header line uses most.
* XLSX: openpyxl in read-only mode (streamed, formulas read as their cached
  values), first sheet. Numbers become plain text (``1490``, ``39990.5``),
  dates ISO, so they are read by the same rules as typed ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from forecourt import gettext as _
from plugins.orders.imports.columns import COLUMNS, header_key, headers

MAX_BYTES = 5 * 1024 * 1024  #: the largest file accepted
MAX_ROWS = 5000  #: the most data rows in one file
MAX_CELL = 1000  #: longer cells are cut here (the form's own limits refuse them with a message later)
_DELIMITERS = (",", ";", "\t", "|")
_MAX_COLUMNS = len(COLUMNS) * 3  #: columns of a sheet read (a header further right is not looked for)


class FileRefused(Exception):
    """The file cannot be imported at all: ``message`` for the person, ``status`` the HTTP answer (4xx)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Parsed:
    """A readable file: the recognised columns (column -> header as written), and the data rows."""

    columns: dict[str, str]
    rows: list[dict[str, Any]] = field(default_factory=list)  #: {"line": n, "cells": {column: text}}
    ignored: list[str] = field(default_factory=list)  #: headers that name no column

    def as_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "rows": self.rows, "ignored": self.ignored}


def too_large() -> FileRefused:
    return FileRefused(_("The file is larger than %(mb)s MB: split it into smaller files.") % {
        "mb": MAX_BYTES // (1024 * 1024)}, 413)


def read_file(filename: str, data: bytes) -> Parsed:
    """The rows of an uploaded CSV or XLSX file (told apart by their content, not by the name)."""
    if len(data) > MAX_BYTES:
        raise too_large()
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        return _table(_xlsx_rows(data))
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRefused(_("This is an old Excel file (.xls): save it as .xlsx or .csv and upload that."), 415)
    return _table(_csv_rows(_decode(data)))


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "cp1251")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise FileRefused(_("This is neither a CSV file (text in UTF-8 or Windows-1251) nor an XLSX workbook."), 415)


def _csv_rows(text: str) -> list[list[str]]:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(_DELIMITERS, key=first.count)
    try:
        return list(_limited(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))
    except csv.Error as exc:
        raise FileRefused(_("The CSV file is malformed (%(problem)s).") % {"problem": str(exc)}) from exc


def _limited(rows: Any) -> Any:
    """The rows, refusing the file as soon as it has more than the limit (a huge file is not read whole)."""
    count = 0
    for row in rows:
        if any(str(c).strip() for c in row if c is not None):
            count += 1
            if count > MAX_ROWS + 1:
                raise FileRefused(_("The file has more than %(n)s rows: split it into smaller files.") % {
                    "n": MAX_ROWS}, 413)
        yield row


def _cell(value: Any) -> str:
    """An XLSX cell as the text someone would have typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, (int, Decimal)):
        return format(Decimal(value), "f") if isinstance(value, Decimal) else str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors: all "broken"
        raise FileRefused(_("The workbook cannot be read (it is damaged or not an XLSX file): save it again "
                            "as .xlsx or .csv.")) from exc
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise FileRefused(_("The file is empty."))
        return [[_cell(v)[:MAX_CELL] for v in row]
                for row in _limited(sheet.iter_rows(values_only=True, max_col=_MAX_COLUMNS))]
    except FileRefused:
        raise
    except Exception as exc:  # a damaged sheet: XML ParseError (a SyntaxError), BadZipFile, KeyError, ValueError…
        raise FileRefused(_("The workbook cannot be read (it is damaged or not an XLSX file): save it again "
                            "as .xlsx or .csv.")) from exc
    finally:
        book.close()


def _table(rows: list[list[str]]) -> Parsed:
    """The header row (the first non-empty one) mapped to columns, and the data rows under it."""
    numbered = [(n, [str(c).strip()[:MAX_CELL] for c in row]) for n, row in enumerate(rows, start=1)]
    numbered = [(n, row) for n, row in numbered if any(row)]
    if not numbered:
        raise FileRefused(_("The file is empty."))
    (_line, head), data = numbered[0], numbered[1:]
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
    if not data:
        raise FileRefused(_("The file has column names but no rows under them."), 422)
    parsed = Parsed(columns=columns, ignored=ignored)
    for line, row in data:
        parsed.rows.append({"line": line, "cells": {column: row[i] if i < len(row) else ""
                                                    for i, column in index.items()}})
    return parsed
