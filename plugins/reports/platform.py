"""The platform admin's cross-dealer summary: how much each dealer's modules counted, counts only.

A platform admin has no dealer and so no modules: the plugin router would
answer 404 (``plugin_enabled_guard``), so this one route is marked
``public`` and checks the reader itself — a platform admin past the forced
password change, else 404 (the page does not exist for anyone else). It
shows only count figures (no money, no names, no per-user parts): for
every active dealer with reports switched on, the totals of
:data:`COUNTS` this month, each dealer computed in its own system context.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler

from forecourt import compute_metrics, dealers_with_module, enabled_modules, page, system_context, today
from plugins.reports import periods
from plugins.reports.layout import FAILED, Column, Table, value_for

#: the figures the summary counts, those declared by the dealer's modules
COUNTS = ("leads.received", "leads.contract_signed", "orders.placed", "orders.inquiries", "customers.new")


async def platform_only(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    ctx = connection.scope.get("state", {}).get("ctx")
    if ctx is None or not ctx.is_platform_admin or ctx.extra.get("must_change_password"):
        raise NotFoundException()


async def summary(span: periods.Span) -> Table:
    from forecourt import gettext as _

    dealers = await dealers_with_module("reports")
    found: dict[int, dict[str, Any]] = {}
    labels: dict[str, str] = {}
    for dealer in dealers:
        modules = await enabled_modules(dealer["id"])
        ctx = system_context(dealer["id"], modules, dealer["name"])
        figures = await compute_metrics(ctx, span.period(), COUNTS, breakdowns=())
        found[dealer["id"]] = {f.metric.key: value_for(f) for f in figures if f.metric.unit == "count"}
        labels.update({f.metric.key: str(f.metric.label) for f in figures if f.metric.unit == "count"})
    keys = [k for k in COUNTS if k in labels]
    table = Table("dealers", _("Dealers"), [Column("dealer", _("Dealer"))] + [
        Column(k, labels[k], "count") for k in keys])
    for dealer in dealers:
        table.rows.append([dealer["name"]] + [found[dealer["id"]].get(k) for k in keys])
        table.row_keys.append(dealer["id"])
    table.total = [_("All dealers")] + [
        sum(r[i + 1] for r in table.rows if isinstance(r[i + 1], int | float) and r[i + 1] is not FAILED)
        for i in range(len(keys))]
    return table


@get("/platform", opt={"public": True}, guards=[platform_only])
async def platform_summary(request: Request) -> Response:
    from plugins.reports.views import _cell, _plain

    span = periods.preset_span("month", today())
    table = await summary(span)
    return await page(request, "reports/platform.html", {"table": table, "span": span, "cell": _cell,
                                                          "plain": _plain})


ROUTES = [platform_summary]
