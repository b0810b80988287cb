"""The lead list as a CSV file: the same filters and order as on screen, every page of them.

Rows are written as they are read, a page at a time (keyset), so a dealer's
whole base streams without being held in memory. Opens in Excel (UTF-8 with
a byte-order mark) and in anything else; a cell that starts like a formula
is quoted with an apostrophe so that a spreadsheet does not run it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Any

from litestar import Request, Response, get
from litestar.response import Stream

from forecourt import fmt_datetime, requires
from forecourt import gettext as _
from plugins.leads import fields, services
from plugins.leads.machine import LEAD
from plugins.leads.views import list_filters

MAX_ROWS = 200_000
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _line(values: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([_cell(v) for v in values])
    return out.getvalue()


async def rows_csv(dealer_id: int, filters: dict[str, Any]) -> AsyncIterator[str]:
    yield "\ufeff" + _line([_("Surname"), _("First name"), _("E-mail"), _("Phone"), _("Model"), _("Price"),
                            _("Status"), _("Source"), _("Created"), _("Contacted"), _("Assignee")])
    after, sent = "", 0
    while sent < MAX_ROWS:
        rows, after = await services.search(dealer_id, after=after, limit=500, **filters)
        for r in rows:
            yield _line([r["surname"], r["first_name"], r["email"], r["phone"], r["model"],
                         "" if r["price"] is None else r["price"], LEAD.state(r["status"]).label,
                         fields.SOURCES.get(r["source"], r["source"]), fmt_datetime(r["created_at"]),
                         fmt_datetime(r["contacted_at"]), r["assignee_name"]])
        sent += len(rows)
        if not after:
            break


@get("/export.csv", guards=[requires("leads.view")])
async def export_csv(request: Request) -> Response:
    return Stream(rows_csv(request.state.ctx.dealer_id, list_filters(request)), media_type="text/csv; charset=utf-8",
                  headers={"content-disposition": 'attachment; filename="leads.csv"'})


ROUTES = [export_csv]
