"""Reading an uploaded file into rows of text: CSV in any common encoding and delimiter, or XLSX.

Nothing here touches the database. Every way a file can be unreadable ends in
:class:`FileRefused` with a message for the person and an HTTP status (4xx),
never in an exception the server would answer with a 500: not a CSV or XLSX,
an old ``.xls``, a broken workbook, an empty file, a file or a row count over
the caller's limits.

* CSV: a byte-order mark says UTF-8 or UTF-16; otherwise strict UTF-8 is
  tried, then cp1251 (Windows Cyrillic, what Russian spreadsheets save). The
  delimiter (``,`` ``;`` tab ``|``) is the one the header line uses most.
* XLSX: openpyxl in read-only mode (streamed, formulas read as their cached
  values), first sheet. Numbers become plain text (``1490``, ``39990.5``),
  dates ISO, so they are read by the same rules as typed ones.

:func:`read_table` gives the header row (the first non-empty one) and the
numbered data rows under it, every cell stripped and cut at :data:`MAX_CELL`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.i18n import gettext as _

MAX_CELL = 1000  #: longer cells are cut here (the form's own limits refuse them with a message later)
_DELIMITERS = (",", ";", "\t", "|")


class FileRefused(Exception):
    """The file cannot be imported at all: ``message`` for the person, ``status`` the HTTP answer (4xx)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Table:
    """A readable file: its header cells and its data rows as ``(line number, cells)``."""

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def too_large(max_bytes: int) -> FileRefused:
    return FileRefused(_("The file is larger than %(mb)s MB: split it into smaller files.") % {
        "mb": max_bytes // (1024 * 1024)}, 413)


def too_many_rows(max_rows: int) -> FileRefused:
    return FileRefused(_("The file has more than %(n)s rows: split it into smaller files.") % {"n": max_rows}, 413)


def read_rows(data: bytes, *, max_bytes: int, max_rows: int, max_columns: int = 200) -> list[list[str]]:
    """Every row of an uploaded CSV or XLSX file as text (told apart by content, not by the file name).

    Refuses (:class:`FileRefused`) a file over ``max_bytes``, with more than
    ``max_rows`` non-empty rows besides the header, or unreadable.
    """
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data, max_rows, max_columns)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRefused(_("This is an old Excel file (.xls): save it as .xlsx or .csv and upload that."), 415)
    return _csv_rows(decode(data), max_rows)


def read_table(data: bytes, *, max_bytes: int, max_rows: int, max_columns: int = 200) -> Table:
    """The header row (the first non-empty one) and the numbered data rows under it (empty rows left out)."""
    rows = read_rows(data, max_bytes=max_bytes, max_rows=max_rows, max_columns=max_columns)
    numbered = [(n, [str(c).strip()[:MAX_CELL] for c in row]) for n, row in enumerate(rows, start=1)]
    numbered = [(n, row) for n, row in numbered if any(row)]
    if not numbered:
        raise FileRefused(_("The file is empty."))
    (_line, head), data_rows = numbered[0], numbered[1:]
    return Table(header=head, rows=data_rows)


def decode(data: bytes) -> str:
    """The text of a CSV file: BOM-marked UTF-8/16, else UTF-8, else cp1251; refused if none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates: tuple[str, ...] = ("utf-8-sig",)
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


def _csv_rows(text: str, max_rows: int) -> list[list[str]]:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(_DELIMITERS, key=first.count)
    try:
        return list(limited(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), max_rows))
    except csv.Error as exc:
        raise FileRefused(_("The CSV file is malformed (%(problem)s).") % {"problem": str(exc)}) from exc


def limited(rows: Iterable[Any], max_rows: int) -> Iterator[Any]:
    """The rows, refusing the file as soon as it has more than the limit (a huge file is not read whole)."""
    count = 0
    for row in rows:
        if any(str(c).strip() for c in row if c is not None):
            count += 1
            if count > max_rows + 1:
                raise too_many_rows(max_rows)
        yield row


def cell_text(value: Any) -> str:
    """An XLSX cell as the text someone would have typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _broken() -> FileRefused:
    return FileRefused(_("The workbook cannot be read (it is damaged or not an XLSX file): save it again "
                         "as .xlsx or .csv."))


def _xlsx_rows(data: bytes, max_rows: int, max_columns: int) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors: all "broken"
        raise _broken() from exc
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise FileRefused(_("The file is empty."))
        return [[cell_text(v)[:MAX_CELL] for v in row]
                for row in limited(sheet.iter_rows(values_only=True, max_col=max_columns), max_rows)]
    except FileRefused:
        raise
    except Exception as exc:  # a damaged sheet: XML ParseError (a SyntaxError), BadZipFile, KeyError, ValueError…
        raise _broken() from exc
    finally:
        book.close()
