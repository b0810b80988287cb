"""The payments pages under /orders/payments/: an order's payments, adding one, the documents, the period totals.

Every route asks for ``orders.sell`` and reads only the dealer's rows: an
order or payment of another dealer is a 404. The status of a payment is
changed by the core's workflow route (the panel's buttons), never here; no
route here accepts a status or a date.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import Conflict, ValidationFailed, Veto, flash, page, pgettext, requires, today
from forecourt import gettext as _
from plugins.orders.payments import documents, panel, services

GUARD = [requires("orders.sell")]
#: whether the order card (the sales part's ``plugins/orders/card.py``) is installed: it shows the payments panel
CARD = importlib.util.find_spec("plugins.orders.card") is not None


def _local(path: Any, default: str) -> str:
    """``path`` if it is a path on this site (never another host), else ``default``."""
    if isinstance(path, str) and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return default


async def _order_or_404(request: Request, order_id: int) -> dict[str, Any]:
    order = await services.get_order(request.state.ctx.dealer_id, order_id)
    if order is None:
        raise NotFoundException()
    return order


async def _order_page(request: Request, order: dict[str, Any], values: dict[str, str] | None = None,
                      errors: dict[str, str] | None = None, status: int = 200) -> Response:
    here = f"/orders/payments/order/{order['id']}"
    payments = await panel.context(request.state.ctx, order, next_url=here, values=values, errors=errors)
    return await page(request, "orders/payments/order.html", {"order": order, "payments": payments},
                      status_code=status)


@get("/payments/order/{order_id:int}", guards=GUARD)
async def order_payments(request: Request, order_id: FromPath[int]) -> Response:
    """The order's payments on a page of their own (the order card shows the same panel)."""
    return await _order_page(request, await _order_or_404(request, order_id))


@post("/payments/order/{order_id:int}", guards=GUARD)
async def add_payment(request: Request, order_id: FromPath[int]) -> Response:
    """Add a payment to the dealer's order; 422 with the input kept when the amount or method is refused."""
    ctx = request.state.ctx
    order = await _order_or_404(request, order_id)
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    kept = {k: data.get(k, "") for k in ("amount", "method", "note")}
    try:
        await services.add(ctx, order_id, data.get("amount"), data.get("method", ""), data.get("note", ""))
    except ValidationFailed as exc:
        return await _order_page(request, order, kept, exc.errors, 422)
    except Veto as exc:
        return await _order_page(request, order, kept, {exc.field or "amount": exc.message}, 422)
    except LookupError as exc:
        raise NotFoundException() from exc
    back = _local(data.get("next"), f"/orders/payments/order/{order_id}")
    return flash(Redirect(back, status_code=303), _("Payment added."))


@get("/payments/{payment_id:int}", guards=GUARD)
async def show_payment(request: Request, payment_id: FromPath[int]) -> Response:
    """A payment's address (history, reminders, search link here): its order's card, at the payment."""
    row = await services.get(request.state.ctx.dealer_id, payment_id)
    if row is None:
        raise NotFoundException()
    order = f"/orders/{row['order_id']}" if CARD else f"/orders/payments/order/{row['order_id']}"
    return Redirect(f"{order}#payment-{payment_id}", status_code=303)


@get("/payments/order/{order_id:int}/{name:str}", guards=GUARD)
async def document(request: Request, order_id: FromPath[int], name: FromPath[str]) -> Response:
    """``receipt`` / ``invoice`` as print-friendly HTML, ``receipt.pdf`` / ``invoice.pdf`` as PDF.

    409 with the reason when the order is not paid by bank transfer (or an
    invoice has no company to make it out to).
    """
    kind, _dot, suffix = name.partition(".")
    if kind not in documents.KINDS or suffix not in ("", "pdf"):
        raise NotFoundException()
    ctx = request.state.ctx
    order = await _order_or_404(request, order_id)
    problem = documents.refusal(order, kind)
    if problem:
        payments = await panel.context(ctx, order, next_url=f"/orders/payments/order/{order_id}",
                                       errors={"_document": problem})
        return await page(request, "orders/payments/order.html", {"order": order, "payments": payments},
                          status_code=409)
    if suffix == "pdf":
        content = await documents.pdf(ctx, order, kind)
        return Response(content=content, media_type="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{kind}-{order["number"]}.pdf"'})
    try:
        html = await documents.render(ctx, order, kind)
    except Conflict as exc:  # changed meanwhile
        raise NotFoundException(exc.message) from exc
    return Response(content=html, media_type="text/html")


def _date(raw: str | None, label: str, errors: dict[str, str], key: str, default: dt.date) -> dt.date:
    if not raw:
        return default
    try:
        day = dt.date.fromisoformat(raw.strip())
        if 1900 <= day.year <= 2999:
            return day
    except ValueError:
        pass
    errors[key] = _("%(field)s: enter a date like 2026-12-31.") % {"field": label}
    return default


@get("/payments/", guards=GUARD)
async def payment_totals(request: Request) -> Response:
    """The cash desk and the bank account over a period of the dealer's days (default: this month)."""
    ctx = request.state.ctx
    errors: dict[str, str] = {}
    now_day = today()
    raw_from, raw_to = request.query_params.get("from"), request.query_params.get("to")
    first = _date(raw_from, pgettext("period", "From"), errors, "from", now_day.replace(day=1))
    last = _date(raw_to, pgettext("period", "To"), errors, "to", now_day)
    if not errors and last < first:
        errors["to"] = _("The period ends before it starts.")
    if not errors and (last - first).days > 3660:
        errors["to"] = _("Choose a period of at most ten years.")
    values = {"from": raw_from if raw_from is not None else first.isoformat(),
              "to": raw_to if raw_to is not None else last.isoformat()}
    context: dict[str, Any] = {"values": values, "errors": errors, "methods": services.METHODS,
                               "totals": None, "refunds": []}
    if not errors:
        period = services.period_of(first, last)
        context["totals"] = await services.totals(ctx.dealer_id, period)
        context["refunds"] = await services.refunds(ctx.dealer_id, period)
    return await page(request, "orders/payments/totals.html", context, status_code=422 if errors else 200)


ROUTES = [payment_totals, show_payment, order_payments, add_payment, document]
