"""The customer card's quick link panel and its actions: make (or remake) the link, revoke it.

What the manager sees: whether the customer has a live link, who made it
and when, until when it works, when it was last used, why it no longer
opens (:data:`plugins.quicklinks.links.REASONS`) and the log of its uses —
never the token. The token exists in exactly one answer: the one to the
``POST`` that made it, which shows the full address as selectable text with
a Copy button and as a QR code (``Cache-Control: no-store``); no later page
can show it again, because only its SHA-256 is kept.

Routes (under ``/quicklinks``, guarded by ``quicklinks.manage``):

* ``GET  /customers/{id}/link`` — the panel as a page of its own, with the
  forms that post (the card's panel is rendered by a hook without the
  request, so without a CSRF token: without JavaScript its buttons lead
  here first; with htmx they post at once, the token in the header);
* ``POST /customers/{id}/link`` — make the link (``expires_on``: optional
  last day it works, in the dealer's time zone); the old one dies at once;
* ``POST /customers/{id}/revoke`` — revoke the live link.

Another dealer's customer (or an unknown id) is a 404; nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import segno
from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from markupsafe import Markup

from forecourt import (
    Conflict,
    Context,
    day_start,
    dealer_users,
    flash,
    fmt_date,
    page,
    render_fragment,
    requires,
    today,
)
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.customers import services as customers
from plugins.quicklinks import links, uses

GUARD = [requires("quicklinks.manage")]
PANEL = "quicklinks/card_panel.html"
PAGE = "quicklinks/card.html"
#: how many of the customer's uses the panel lists (newest first)
LOG_ROWS = 20
#: the path a customer opens; the token follows it
OPEN_PATH = "/quicklinks/o/"

KINDS = {"open": _l("Opened the link"), "cart": _l("Changed the cart"), "order": _l("Placed an order")}


def url_of(request: Request, token: str) -> str:
    """The full address the customer opens: this site's base URL, the open path, the token."""
    return f"{str(request.base_url).rstrip('/')}{OPEN_PATH}{token}"


def qr_svg(url: str) -> Markup:
    """The address as a QR code, an inline SVG (segno; no image library, nothing fetched)."""
    code = segno.make(url, error="m")
    return Markup(code.svg_inline(scale=4, border=2, title=_("QR code of the quick link"), svgclass="ql-qr"))


def expiry(raw: Any) -> tuple[dt.datetime | None, str]:
    """The moment a link typed to work through ``raw`` (an ISO date, the dealer's zone) stops; or an error.

    Empty: no expiry. A day before today is refused; the link works to the
    end of the day typed (midnight after it, in the dealer's zone, as UTC).
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        return None, ""
    try:
        day = dt.date.fromisoformat(text[:10]) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        return None, _("Enter the last day as a date like 2026-12-31.")
    if day < today():
        return None, _("The last day cannot be in the past.")
    try:
        return day_start(day + dt.timedelta(days=1)), ""
    except OverflowError:
        return None, _("Enter the last day as a date like 2026-12-31.")


def last_day(link: dict[str, Any] | None) -> str:
    """The last day an expiring link works, on the dealer's clock: the date the manager typed."""
    ends = (link or {}).get("expires_at")
    if ends is None:
        return ""
    if isinstance(ends, str):
        ends = dt.datetime.fromisoformat(ends)
    return fmt_date(local_day(ends - dt.timedelta(microseconds=1)))


def local_day(moment: dt.datetime) -> dt.date:
    """The date ``moment`` falls on in the dealer's zone (the request's): the day whose midnight is last before it."""
    for shift in (1, 0, -1):  # zones are within a day of UTC
        day = moment.astimezone(dt.UTC).date() + dt.timedelta(days=shift)
        if day_start(day) <= moment:
            return day
    return moment.astimezone(dt.UTC).date() - dt.timedelta(days=2)


async def panel_context(ctx: Context, customer: dict[str, Any]) -> dict[str, Any]:
    """Everything the panel shows about the customer's link (one read each: links, users, uses)."""
    history = await links.history(ctx.dealer_id, customer["id"], limit=LOG_ROWS)
    link = history[0] if history else None  # the live one if any (at most one), else the latest revoked
    dead = links.why_dead(link, customer, ctx.modules) if link else ""
    names = {u["id"]: u["name"] for u in await dealer_users(ctx.dealer_id)} if link else {}
    return {
        "customer": customer, "link": link, "live": link is not None and link["revoked_at"] is None,
        "dead": dead, "reason": links.REASONS.get(dead, dead), "names": names,
        "log": await uses.listed(ctx.dealer_id, [h["id"] for h in history], limit=LOG_ROWS),
        "kinds": KINDS, "last_day": last_day(link), "today": today().isoformat(),
        "refusal": refusal(customer), "can_settings": ctx.can("quicklinks.settings"),
    }


def refusal(customer: dict[str, Any]) -> str:
    """Why no link may be made for this customer now ("" when one may): it would not open."""
    if customer.get("blacklisted"):
        return _("The customer is blacklisted: a link would not open. Take them off the blacklist first.")
    if customer.get("invalid"):
        return _("The customer is marked invalid: a link would not open. Mark them valid first.")
    return ""


async def panel(ctx: Context, subject: dict[str, Any] | None) -> Markup | None:
    """The card's panel (``page_slots``), rendered without the request: its buttons lead to the page or post by htmx."""
    if not subject or subject.get("entity") != customers.ENTITY or not ctx.can("quicklinks.manage"):
        return None
    customer = await customers.get(ctx.dealer_id, subject["id"])
    if customer is None:
        return None
    return render_fragment(PANEL, posting=False, errors={}, values={}, message="", url="", qr="", asked="",
                           **await panel_context(ctx, customer))


async def _customer(request: Request, customer_id: int) -> dict[str, Any]:
    found = await customers.get(request.state.ctx.dealer_id, customer_id)
    if found is None:
        raise NotFoundException()
    return found


async def _answer(request: Request, customer: dict[str, Any], status: int = 200, **extra: Any) -> Response:
    """The panel as a page (or, for htmx, the panel alone) with what just happened in ``extra``."""
    context = {**await panel_context(request.state.ctx, customer), "posting": True, "errors": {},
               "values": {}, "message": "", "url": "", "qr": "", "asked": "", **extra}
    response = await page(request, PAGE, context, status_code=status)
    response.headers["cache-control"] = "no-store"  # the answer that shows a token is never kept
    return response


async def _form(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


@get("/customers/{customer_id:int}/link", guards=GUARD)
async def link_page(request: Request, customer_id: FromPath[int]) -> Response:
    """The panel with its forms; ``do=make|revoke`` says which button brought the user here (no JavaScript)."""
    customer = await _customer(request, customer_id)
    wanted = request.query_params.get("do", "")
    typed = request.query_params.get("expires_on", "")
    typed = typed if isinstance(typed, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", typed) else ""
    return await _answer(request, customer, asked=wanted if wanted in ("make", "revoke") else "",
                         values={"expires_on": typed})


@post("/customers/{customer_id:int}/link", guards=GUARD)
async def make_link(request: Request, customer_id: FromPath[int]) -> Response:
    """Make the customer's link (the old one dies) and show its address once: in this answer only."""
    ctx = request.state.ctx
    customer = await _customer(request, customer_id)
    data = await _form(request)
    ends, problem = expiry(data.get("expires_on", ""))
    if problem:
        return await _answer(request, customer, 422, errors={"expires_on": problem}, values=data)
    if refused := refusal(customer):
        return await _answer(request, customer, 409, errors={"_link": refused}, values=data)
    try:
        made = await links.make(ctx, customer_id, ends)
    except Conflict as exc:
        return await _answer(request, customer, 409, errors={"_link": exc.message}, values=data)
    url = url_of(request, made.token)
    return await _answer(request, customer, url=url, qr=qr_svg(url),
                         message=_("The link is made. Copy it now: it is shown only this once."))


@post("/customers/{customer_id:int}/revoke", guards=GUARD)
async def revoke_link(request: Request, customer_id: FromPath[int]) -> Response:
    """Revoke the live link at once; plain forms go back to the card, htmx gets the panel."""
    customer = await _customer(request, customer_id)
    done = await links.revoke(request.state.ctx, customer_id)
    message = _("The link is revoked: it no longer opens.") if done else _("The customer has no live link.")
    if request.headers.get("hx-request") == "true":
        return await _answer(request, customer, message=message)
    return flash(Redirect(f"/customers/{customer_id}", status_code=303), message, "success" if done else "info")


ROUTES = [link_page, make_link, revoke_link]
