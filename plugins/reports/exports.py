"""A report's tables as files: CSV (one table) and XLSX (every table, a sheet each).

Numbers stay numbers (a count is an integer, money a number with its
currency in the column head, a percentage a fraction formatted as %, a
duration a time in ``[h]:mm:ss``), dates stay dates, so the file can be
summed and charted in a spreadsheet. Text that a spreadsheet would take for
a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a CR) is
made inert: a leading apostrophe in CSV, a string cell with Excel's quote
prefix in XLSX — a manager's name never runs as a formula. Files are named
``<report>-<dealer>-<period>``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from plugins.reports.layout import Column, Table, untyped

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(_FORMULA)


def cell(column: Column, value: Any) -> tuple[Column, Any]:
    """The cell's own column (a summary row's unit) and its plain value; a failed figure is empty."""
    own, value = untyped(value)
    value = value if value is None or isinstance(value, int | float | str | dt.date) else None
    return own or column, value


def raw(column: Column, value: Any) -> Any:
    """A cell's value as a file stores it: percent as a fraction, seconds as a duration, the rest as is."""
    column, value = cell(column, value)
    if value is None or isinstance(value, str) or column.unit in ("text", "date"):
        return value
    if column.unit == "percent":
        return round(float(value) / 100, 6)
    if column.unit == "seconds":
        return dt.timedelta(seconds=round(float(value)))
    return value


def heading(column: Column) -> str:
    return f"{column.label} ({column.currency})" if column.unit == "money" and column.currency else column.label


def csv_text(table: Table) -> str:
    """The table as CSV for Excel and everything else: UTF-8 with a byte-order mark, formula-safe text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_csv_cell(heading(c)) for c in table.columns])
    for row in table.all_rows():
        writer.writerow([_csv_cell(_csv_value(c, v)) for c, v in zip(table.columns, row, strict=False)])
    return "\ufeff" + out.getvalue()


def _csv_value(column: Column, value: Any) -> Any:
    column, value = cell(column, value)
    if value is None:
        return ""
    if column.unit == "percent" and not isinstance(value, str):
        return value  # CSV has no formats: the percentage as shown (66.7), its head says %
    if column.unit == "seconds" and not isinstance(value, str):
        return round(float(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _csv_cell(value: Any) -> Any:
    return "'" + value if _risky(value) else value


_FORMATS = {"count": "#,##0", "money": "#,##0.00", "percent": "0.0%", "seconds": "[h]:mm:ss", "date": "yyyy-mm-dd"}


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:28] or "Sheet"
    candidate, n = name, 2
    while candidate.lower() in used:
        candidate, n = f"{name[:26]} {n}", n + 1
    used.add(candidate.lower())
    return candidate


def xlsx_bytes(title: str, subtitle: str, tables: Sequence[Table]) -> bytes:
    """Every table on a sheet of its own: the report's title and period on top, then the head and the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.title, used))
        sheet.append([_text(title)])
        sheet.append([_text(f"{table.title} — {subtitle}")])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([])
        sheet.append([_text(heading(c)) for c in table.columns])
        for head in sheet[4]:
            head.font = Font(bold=True)
        for row in table.all_rows():
            sheet.append([raw(c, v) for c, v in zip(table.columns, row, strict=False)])
            for column, value, target in zip(table.columns, row, sheet[sheet.max_row], strict=False):
                own, _value = cell(column, value)
                if isinstance(target.value, str):
                    _inert(target)
                elif target.value is not None and own.unit in _FORMATS:
                    target.number_format = _FORMATS[own.unit] + _money_suffix(own)
        for i, column in enumerate(table.columns):
            width = max([len(heading(column))] + [len(str(cell(column, r[i])[1] or "")) for r in table.all_rows()
                                                   if i < len(r)])
            sheet.column_dimensions[sheet.cell(4, i + 1).column_letter].width = min(48, max(10, width + 2))
    if not tables:
        book.create_sheet("Report").append([_text(title)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _money_suffix(column: Column) -> str:
    return f' "{column.currency}"' if column.unit == "money" and column.currency else ""


def _text(value: str) -> str:
    return value


def _inert(cell: Any) -> None:
    """Keep a text cell text: never a formula, and Excel shows it with a quote prefix."""
    cell.data_type = "s"
    if _risky(cell.value):
        cell.quotePrefix = True


def slug(text: str) -> str:
    """An ASCII file name part: ``Škoda Praha`` -> ``skoda-praha``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def disposition(name: str) -> str:
    """``attachment`` with an ASCII name and the same name in UTF-8 (RFC 6266)."""
    fallback = slug(name.rsplit(".", 1)[0]) + "." + name.rsplit(".", 1)[-1] if "." in name else slug(name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
