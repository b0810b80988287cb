"""The orders list (``GET /orders/``): search, filters, keyset pages, blacklist highlight; and its CSV export.

The query is :mod:`plugins.orders.listing.orders`; this module reads the
query string (never refusing it: a filter that cannot be read filters
nothing), names the managers from one lookup of the dealer's users and asks
the customers plugin once per page which customers are blacklisted — no
query per row. htmx swaps only the list when the filters change; without
JavaScript the form is an ordinary GET.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.response import Stream

from forecourt import Context, dealer_users, fmt_datetime, page, pgettext, read_id, requires, search_text
from forecourt import gettext as _
from plugins.orders import blacklist
from plugins.orders.listing import filter_day
from plugins.orders.listing import orders as listing
from plugins.orders.machines import ORDER_MACHINE
from plugins.orders.sales.fields import DELIVERY_METHODS, SOURCES

FILTERS = ("q", "delivery", "manager", "customer", "created_from", "created_to", "sort")
STATUS_KEYS = tuple(state.key for state in ORDER_MACHINE.states)
MAX_EXPORT_ROWS = 200_000
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def query_values(request: Request) -> dict[str, Any]:
    """The filters as typed (for the form and the links): each a short text, ``status`` a list."""
    values: dict[str, Any] = {key: search_text(request.query_params.get(key, ""), 100) for key in FILTERS}
    values["status"] = [s for s in request.query_params.getall("status", []) if s in STATUS_KEYS]
    return values


def list_filters(values: dict[str, Any]) -> listing.Filters:
    """The query's filters as :func:`listing.search` takes them; what cannot be read is left out."""
    manager: int | str | None = "none" if values["manager"] == "none" else read_id(values["manager"])
    return listing.Filters(
        q=values["q"], statuses=tuple(values["status"]),
        delivery=values["delivery"] if values["delivery"] in DELIVERY_METHODS else "",
        manager=manager, customer_id=read_id(values["customer"]),
        created_from=filter_day(values["created_from"]), created_to=filter_day(values["created_to"]),
        sort=values["sort"] if values["sort"] in listing.SORTS else "new")


def _query_string(values: dict[str, Any], **changes: str) -> str:
    pairs: list[tuple[str, str]] = [(k, v) for k, v in values.items() if k != "status" and v]
    pairs += [("status", s) for s in values["status"]]
    pairs += [(k, v) for k, v in changes.items() if v]
    return urlencode(pairs)


async def decorate(ctx: Context, rows: list[dict[str, Any]],
                   users: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Add ``manager_name`` and ``blacklisted`` to each row: one lookup of the users, one of the blacklist."""
    names = {u["id"]: u["name"] for u in (users if users is not None else await dealer_users(ctx.dealer_id))}
    for row in rows:
        row["manager_name"] = names.get(row["manager_id"], "")
    return await blacklist.mark(ctx, rows)


@get("/", guards=[requires("orders.sell")])
async def list_orders(request: Request) -> Response:
    ctx = request.state.ctx
    values = query_values(request)
    after = search_text(request.query_params.get("after", ""), 300)
    rows, token = await listing.search(ctx.dealer_id, list_filters(values), after=after)
    users = await dealer_users(ctx.dealer_id)
    await decorate(ctx, rows, users)
    return await page(request, "orders/list.html", {
        "f": values, "rows": rows, "after": after, "users": users, "statuses": ORDER_MACHINE.states,
        "deliveries": DELIVERY_METHODS, "sources": SOURCES,
        "next_url": f"/orders/?{_query_string(values, after=token)}" if token else "",
        "first_url": f"/orders/?{_query_string(values)}",
        "export_url": f"/orders/export.csv?{_query_string(values)}",
    })


# --- CSV export ---------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _line(values: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([_cell(v) for v in values])
    return out.getvalue()


async def rows_csv(ctx: Context, filters: listing.Filters) -> AsyncIterator[str]:
    """The list with these filters as CSV lines, in the list's order, a keyset page at a time.

    Headers and labels in the reader's language; UTF-8 with a byte-order mark
    (Excel); a cell that starts like a formula is quoted with an apostrophe.
    """
    yield "\ufeff" + _line([_("Number"), _("Created"), _("Status"), pgettext("person", "Name"), _("Phone"), _("E-mail"),
                            _("Delivery"), _("Waybill"), _("Total"), _("Currency"), _("Manager"), _("Source"),
                            _("Blacklisted")])
    users = await dealer_users(ctx.dealer_id)
    after, sent = "", 0
    while sent < MAX_EXPORT_ROWS:
        rows, after = await listing.search(ctx.dealer_id, filters, after=after, limit=500)
        await decorate(ctx, rows, users)
        for r in rows:
            yield _line([r["number"], fmt_datetime(r["created_at"]), ORDER_MACHINE.state(r["status"]).label,
                         r["contact_name"], r["contact_phone"], r["contact_email"],
                         DELIVERY_METHODS.get(r["delivery_method"], r["delivery_method"]), r["waybill"],
                         r["total"], r["currency"], r["manager_name"], SOURCES.get(r["source"], r["source"]),
                         _("yes") if r["blacklisted"] is not None else ""])
        sent += len(rows)
        if not after:
            break


@get("/export.csv", guards=[requires("orders.sell")])
async def export_csv(request: Request) -> Response:
    filters = list_filters(query_values(request))
    return Stream(rows_csv(request.state.ctx, filters), media_type="text/csv; charset=utf-8",
                  headers={"content-disposition": 'attachment; filename="orders.csv"'})


ROUTES = [list_orders, export_csv]
