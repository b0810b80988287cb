"""The home page's "My week": the reader's own figures since Monday, loaded after the page shows.

The home page only names the widget's URL (``page_slots``), so it never
waits for figures; htmx loads this fragment, and without JS the widget is a
link to it. The figures are the manager-efficiency ones restricted to the
reader (``filters={"user_id": ...}``: core narrows every metric through its
``by_user``), so a dealer admin sees their own too, not the dealer's.
"""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.response import Redirect

from forecourt import compute_metrics, page, requires, system_context
from plugins.reports import periods
from plugins.reports.build import EFFICIENCY
from plugins.reports.layout import Column, shown, value_for

URL = "/reports/widget/my-week"


@get("/widget/my-week", guards=[requires("reports.view")])
async def my_week(request: Request) -> Response:
    ctx = request.state.ctx
    if request.headers.get("hx-request") != "true":  # without JS the widget is a link: to the report itself
        return Redirect("/reports/efficiency?period=week", status_code=303)
    span = periods.preset_span("week", periods.today())
    sys = system_context(ctx.dealer_id, ctx.modules, ctx.dealer_name, timezone=getattr(ctx, "timezone", ""))
    figures = await compute_metrics(sys, span.period(), EFFICIENCY, filters={"user_id": ctx.user_id}, breakdowns=())
    rows = []
    for figure in sorted(figures, key=lambda f: EFFICIENCY.index(f.metric.key)):
        column = Column(figure.metric.key, str(figure.metric.label), figure.metric.unit,
                        getattr(figure.value, "currency", "") or "")
        value = value_for(figure)
        rows.append({"key": figure.metric.key, "label": column.label, "text": shown(column, value),
                     "value": "" if value is None or not isinstance(value, int | float) else value})
    return await page(request, "reports/_widget.html", {"rows": rows, "span": span, "fragment": True})


ROUTES = [my_week]
