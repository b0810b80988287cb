"""The receipt (an individual pays) and the invoice (a company pays) of an order: print-friendly HTML and PDF.

Manual 002: when the order is paid by bank transfer, a receipt for
individuals and an invoice for companies can be printed. So a document is
refused (``Conflict``, 409, with the reason) unless the order's payment
method is "bank_transfer", and an invoice also needs the company's legal
name. A document is written in the customer's language (the order's
``language``, else the dealer's), money as that language writes it, and,
where the dealer's country expects it (:mod:`plugins.orders.payments.words`),
the total in words in that language too. The PDF is the same HTML laid out
by WeasyPrint with the system's fonts (DejaVu for Latin and Cyrillic,
WenQuanYi / Noto CJK for Chinese: ``scripts/test`` installs them), in a
worker thread, with no access to anything outside the document.
"""

from __future__ import annotations

import asyncio
from typing import Any

from forecourt import (
    LANGUAGES,
    Conflict,
    Context,
    dealers_with_module,
    in_language,
    render_fragment,
    today,
)
from forecourt import gettext as _
from plugins.orders.payments import services, words
from plugins.orders.tables import OrderLine

KINDS = ("receipt", "invoice")
_CODES = {lang.code for lang in LANGUAGES}


def refusal(order: dict[str, Any], kind: str) -> str | None:
    """Why the order has no such document now (translated), or ``None``."""
    if order["payment_method"] != "bank_transfer":
        return _("Receipts and invoices are only printed for orders paid by bank transfer. "
                 "Choose “Bank transfer” as the order's payment method first.")
    if kind == "invoice" and not (order["legal_name"] or "").strip():
        return _("An invoice is made out to a company: fill in the customer's legal name on the order first.")
    return None


def language_of(ctx: Context, order: dict[str, Any]) -> str:
    """The customer's language if the order has one we speak, else the dealer's."""
    if order.get("language") in _CODES:
        return order["language"]
    return ctx.dealer_language if ctx.dealer_language in _CODES else "en"


async def render(ctx: Context, order: dict[str, Any], kind: str, pdf: bool = False) -> str:
    """The document as a standalone HTML page; ``Conflict`` when :func:`refusal` says no."""
    problem = refusal(order, kind)
    if problem:
        raise Conflict(problem)
    dealer = next(iter(await dealers_with_module("orders", among=[ctx.dealer_id])), {})
    currency = order["currency"] or dealer.get("currency") or "EUR"
    lines = await OrderLine.scoped(ctx.dealer_id).select().where(OrderLine.order_id == order["id"]).order_by(
        OrderLine.position).order_by(OrderLine.id)
    summary = services.summarise(order["total"], await services.for_order(ctx.dealer_id, order["id"]))
    language = language_of(ctx, order)
    amount_words = words.in_words(summary.total, currency, language) if words.expected(ctx.dealer_language) else ""
    base = f"/orders/payments/order/{order['id']}"
    with in_language(language):
        title = (_("Receipt for order %(number)s") if kind == "receipt" else _("Invoice for order %(number)s")) % {
            "number": order["number"]}
        return str(render_fragment(
            "orders/payments/document.html", kind=kind, title=title, order=order, lines=lines, summary=summary,
            currency=currency, words=amount_words, language=language, date=today(), pdf=pdf,
            seller=dealer.get("name") or ctx.dealer_name, seller_city=dealer.get("city") or "",
            pdf_url=f"{base}/{kind}.pdf", back_url=base))


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported when first needed: it loads pango
    from weasyprint.urls import URLFetcher

    # no protocol allowed: a document never loads anything (an image, a style sheet) from anywhere
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=(), timeout=1)).write_pdf()


async def pdf(ctx: Context, order: dict[str, Any], kind: str) -> bytes:
    """The document as PDF bytes (laid out in a worker thread, not on the event loop)."""
    return await asyncio.to_thread(_pdf, await render(ctx, order, kind, pdf=True))
