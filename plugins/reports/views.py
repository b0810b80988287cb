"""The report pages under /reports/: each report for a period, its CSV and XLSX, and the index.

Every route asks for ``reports.view``. A report reads nothing but
``compute_metrics`` / ``compute_metric_series`` for the reader's dealer (in
a system context, so every enabled module's figures are asked for) and then
decides what the reader may see: a dealer admin (``reports.view_all``) every
manager's row, a manager their own row and the dealer's totals. What the
query string says is checked (:mod:`plugins.reports.periods`): a bad date,
an unknown manager or source is a 422 page with the error, never a 500.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import (
    METRIC_BUCKETS,
    compute_metric_series,
    compute_metrics,
    dealer_users,
    declared_metrics,
    page,
    pgettext,
    read_id,
    requires,
    system_context,
)
from forecourt import gettext as _
from plugins.reports import charts, exports, periods
from plugins.reports.build import REPORTS, Board, Report, code_label, labels_of
from plugins.reports.layout import FAILED, Column, Table, formatter, shown, untyped

GUARD = [requires("reports.view")]
#: what a source code looks like (anything else in the query string is refused with 422)
_CODE = re.compile(r"^[a-z0-9_]{1,40}$")
SERIES = ("orders.placed", "orders.revenue", "leads.received", "customers.new")


def _bucket(raw: str, span: periods.Span) -> str:
    if raw in METRIC_BUCKETS:
        return raw
    return "day" if span.days <= 31 else "week" if span.days <= 190 else "month"


async def board_of(request: Request, report: Report) -> dict[str, Any]:
    """Everything a report page (and its exports) shows: the checked filters, the tables, the figures' state."""
    ctx = request.state.ctx
    query = request.query_params
    choice = periods.read(query)
    errors = dict(choice.errors)
    sees_all = ctx.can("reports.view_all")
    users = await dealer_users(ctx.dealer_id)
    names: dict[Any, str] = {u["id"]: u["name"] for u in users}
    managers = [u for u in users if sees_all or u["id"] == ctx.user_id]
    raw_manager = str(query.get("manager") or "")
    manager: int | None = None
    if raw_manager:
        chosen = read_id(raw_manager)
        if chosen is not None and chosen in {u["id"] for u in managers}:
            manager = chosen
        else:
            errors["manager"] = _("Choose a manager from the list.")
    sys = system_context(ctx.dealer_id, ctx.modules, ctx.dealer_name, timezone=getattr(ctx, "timezone", ""))
    declared = [metric for _plugin, metric in await declared_metrics(sys)]
    keys = report.wants(declared)
    source = str(query.get("source") or "")
    if source and not _CODE.match(source):
        errors["source"] = _("Choose a source from the list.")
        source = ""
    filters: dict[str, Any] = {}
    if manager is not None:
        filters["user_id"] = manager
    if source:
        filters["source"] = source
    span = choice.span
    figures = {f.metric.key: f for f in await compute_metrics(sys, span.period(), keys, filters=filters,
                                                              breakdowns=report.breakdowns)}
    left_out = sorted(k for k, f in figures.items() if f.unfiltered)
    for key in left_out:
        del figures[key]
    before = None
    if choice.before is not None:
        before = {f.metric.key: f for f in await compute_metrics(sys, choice.before.period(), list(figures),
                                                                filters=filters, breakdowns=())}
    currency = ""  # fmt_money then says the dealer's; a money figure names its own (MetricValue.currency)
    board = Board(figures, before, currency, names,
                  visible=lambda user: sees_all or user == ctx.user_id, keys=keys)
    tables = report.build(board)
    bucket = _bucket(str(query.get("bucket") or ""), span)
    if report.slug == "sales" or (report.slug == "other" and figures):
        tables[1:1] = await _series_tables(sys, report, span, bucket, list(figures), filters)
    sources = _sources(figures, source)
    return {"report": report, "reports": REPORTS, "choice": choice, "errors": errors, "tables": tables,
            "managers": managers, "manager": manager, "sources": sources, "source": source,
            "sees_all": sees_all, "left_out": [str(figures_label(declared, k)) for k in left_out],
            "bucket": bucket, "buckets": _bucket_labels(), "span": span, "empty": not figures,
            "query": _query(choice, manager, source, bucket), "presets": periods.PRESETS,
            "cell": _cell, "plain": _plain}


def _cell(column: Column, value: Any) -> str:
    own, value = untyped(value)
    return shown(own or column, value)


def _plain(column: Column, value: Any) -> str:
    """The cell's number as the page carries it in ``data-value`` (tests and scripts read it)."""
    _own, value = untyped(value)
    if value is FAILED:
        return "failed"
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def figures_label(declared: list[Any], key: str) -> Any:
    return next((m.label for m in declared if m.key == key), key)


def _sources(figures: dict[str, Any], chosen: str) -> dict[str, str]:
    """The sources to filter by: those the figures break down by in the period (and the one chosen)."""
    codes = {chosen} if chosen else set()
    for figure in figures.values():
        codes.update(c for c in ((getattr(figure.value, "by", None) or {}).get("source") or {}) if c)
    labels = labels_of(list(figures.values()), "source")
    return {code: code_label(code, labels) for code in sorted(codes)}


def _bucket_labels() -> dict[str, str]:
    return {"day": _("By day"), "week": _("By week"), "month": _("By month")}


def _query(choice: periods.Choice, manager: int | None, source: str, bucket: str) -> str:
    from urllib.parse import urlencode

    values = {k: v for k, v in choice.values.items() if v}
    if choice.preset != "custom":
        values.pop("from", None)
        values.pop("to", None)
    if manager is not None:
        values["manager"] = str(manager)
    if source:
        values["source"] = source
    values["bucket"] = bucket
    return urlencode(values)


async def _series_tables(sys: Any, report: Report, span: periods.Span, bucket: str, keys: list[str],
                         filters: dict[str, Any]) -> list[Table]:
    """The figures over time (one grouped query per metric), each a line chart with its table of buckets."""
    wanted = [k for k in keys if k in SERIES] or keys
    try:
        found = await compute_metric_series(sys, span.period(), bucket, wanted, filters=filters)
    except ValueError:  # too many buckets for the period: the form says so, no chart
        return []
    tables = []
    for series in found:
        if series.points is None or series.unfiltered:
            continue
        column = Column(series.metric.key, str(series.metric.label), series.metric.unit, series.currency)
        table = Table(f"series-{series.metric.key}".replace(".", "-"),
                      _("%(figure)s over time") % {"figure": column.label},
                      [Column("bucket", pgettext("period", "From"), "date"), column])
        for day, value in series.points:
            table.rows.append([day, value])
            table.row_keys.append(day.isoformat())
        from forecourt import fmt_date

        table.chart = charts.line(table.title, [(fmt_date(d, "short"), v) for d, v in series.points],
                                  formatter(column))
        tables.append(table)
    return tables


def _report(slug: str) -> Report:
    report = REPORTS.get(slug)
    if report is None:
        raise NotFoundException()
    return report


@get("/", guards=GUARD)
async def index(request: Request) -> Response:
    return Redirect("/reports/efficiency", status_code=302)


@get("/{slug:str}", guards=GUARD)
async def show(request: Request, slug: FromPath[str]) -> Response:
    report = _report(slug)
    context = await board_of(request, report)
    return await page(request, "reports/report.html", context, status_code=422 if context["errors"] else 200)


def _name(request: Request, report: Report, span: periods.Span, ext: str) -> str:
    dealer = exports.slug(request.state.ctx.dealer_name or "") or f"dealer-{request.state.ctx.dealer_id}"
    return f"report-{report.slug}-{dealer}-{span.slug()}.{ext}"


@get("/{slug:str}/export.csv", guards=GUARD)
async def export_csv(request: Request, slug: FromPath[str]) -> Response:
    """One table of the report (``?table=<id>``, else the first) as CSV."""
    report = _report(slug)
    context = await board_of(request, report)
    if context["errors"]:
        return await page(request, "reports/report.html", context, status_code=422)
    wanted = str(request.query_params.get("table") or "")
    tables = context["tables"]
    table = next((t for t in tables if t.id == wanted), None) if wanted else (tables[0] if tables else None)
    if table is None:
        raise NotFoundException()
    name = _name(request, report, context["span"], "csv").replace(".csv", f"-{table.id}.csv")
    return Response(exports.csv_text(table), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": exports.disposition(name)})


@get("/{slug:str}/export.xlsx", guards=GUARD)
async def export_xlsx(request: Request, slug: FromPath[str]) -> Response:
    """Every table of the report, a sheet each."""
    report = _report(slug)
    context = await board_of(request, report)
    if context["errors"]:
        return await page(request, "reports/report.html", context, status_code=422)
    body = exports.xlsx_bytes(f"{report.title} — {request.state.ctx.dealer_name}", context["span"].label(),
                              context["tables"])
    return Response(body, media_type=exports.XLSX,
                    headers={"content-disposition": exports.disposition(_name(request, report, context["span"],
                                                                              "xlsx"))})


ROUTES = [index, show, export_csv, export_xlsx]
