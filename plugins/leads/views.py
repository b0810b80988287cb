"""The leads list ("Pre-orders"), the "+ New" form and assigning several leads at once (the card: card.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from forecourt import (
    ValidationFailed,
    dealer_users,
    flash,
    ngettext,
    now,
    page,
    read_id,
    requires,
    search_text,
)
from forecourt import gettext as _
from plugins.leads import fields, services
from plugins.leads.tables import Lead

FILTERS = ("q", "status", "source", "assignee", "created_from", "created_to", "sort")


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(request: Request) -> dict[str, str]:
    return {key: search_text(request.query_params.get(key, ""), 100) for key in FILTERS}


def list_filters(request: Request) -> dict[str, Any]:
    """The list's filters and order from the query string, as :func:`services.search` takes them."""
    f = _filters(request)
    return {"q": f["q"], "status": f["status"], "source": f["source"], "assignee": f["assignee"],
            "created_from": _date(f["created_from"]), "created_to": _date(f["created_to"]), "sort": f["sort"]}


@get("/", guards=[requires("leads.view")])
async def list_leads(request: Request) -> Response:
    ctx = request.state.ctx
    f = _filters(request)
    after = search_text(request.query_params.get("after", ""), 300)
    rows, token = await services.search(ctx.dealer_id, after=after, **list_filters(request))
    query = {k: v for k, v in f.items() if v}
    return await page(request, "leads/list.html", {
        "f": f, "rows": rows, "fields": fields, "users": await dealer_users(ctx.dealer_id), "after": after,
        "next_url": f"/leads/?{urlencode({**query, 'after': token})}" if token else "",
        "first_url": f"/leads/?{urlencode(query)}", "can_edit": ctx.can("leads.edit"),
        "export_url": f"/leads/export.csv?{urlencode(query)}", "can_assign": ctx.can("leads.assign"),
        "here": str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
        # the first page asks every 20 s whether leads arrived since the newest one it shows
        "since": (rows[0]["created_at"] if rows and f["sort"] in ("", "new") else now()).isoformat(),
    })


@get("/news", guards=[requires("leads.view")])
async def news(request: Request) -> Response:
    """htmx, every 20 s from the list: how many of the dealer's leads arrived after ``since``."""
    try:
        since = dt.datetime.fromisoformat(str(request.query_params.get("since") or ""))
    except ValueError:
        since = None
    if since is None or since.tzinfo is None:
        since = now()
    count = await Lead.scoped(request.state.ctx.dealer_id).count().where(Lead.created_at > since)
    htmx = request.headers.get("hx-request") == "true"
    if htmx and request.query_params.get("shown") == str(count):
        return Response(b"", status_code=204)  # what is on screen is still true: nothing to announce
    return await page(request, "leads/_news.html", {"since": since.isoformat(), "count": count, "back": "/leads/",
                                                   "inner": htmx})


async def _form(request: Request, values: dict[str, Any], errors: dict[str, str], status: int = 200,
                matches: dict[str, list[dict[str, Any]]] | None = None) -> Response:
    return await page(request, "leads/form.html", {"values": values, "errors": errors, "fields": fields,
                                                   "matches": matches or {}}, status_code=status)


@get("/new", guards=[requires("leads.edit")])
async def new_lead(request: Request) -> Response:
    return await _form(request, {"source": "phone", "request_type": "new_car"}, {})


@post("/", guards=[requires("leads.edit")])
async def create_lead(request: Request) -> Response:
    ctx = request.state.ctx
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    if data.get("confirm_duplicate") != "1" and not data.get("customer_id"):
        typed = {k: search_text(data.get(k, ""), 254) for k in ("phone", "email", "surname")}
        found = await services.matches(ctx, **typed)
        if found["leads"] or found["customers"]:
            _values, errors = fields.clean(data, ctx.dealer_language)
            return await _form(request, data, errors, 409 if not errors else 422, found)
    try:
        row = await services.create(ctx, data, ctx.dealer_language)
    except ValidationFailed as exc:
        return await _form(request, data, exc.errors, 422)
    return flash(Redirect(f"/leads/{row.id}", status_code=303), _("Lead saved."))


@post("/matches", guards=[requires("leads.view")])
async def matches(request: Request) -> Response:
    """htmx: while the form is typed, leads and customers with the same phone or e-mail.

    A POST: the typed phone, e-mail and surname are personal data, kept out of URLs and access logs.
    """
    form = await request.form()
    q = {k: search_text(str(form.get(k) or ""), 254) for k in ("phone", "email", "surname")}
    found = await services.matches(request.state.ctx, phone=q["phone"], email=q["email"], surname=q["surname"])
    return await page(request, "leads/_matches.html", {"matches": found})


@post("/assign-many", guards=[requires("leads.assign")])
async def assign_many(request: Request) -> Response:
    """The list's selected leads to one colleague (or to nobody), all or none."""
    data = await request.form()
    ids = [i for i in (read_id(v) for v in data.getall("ids", [])) if i is not None]
    back = str(data.get("next") or "")
    back = back if back.startswith("/leads/") and "//" not in back else "/leads/"
    if not ids:
        return flash(Redirect(back, status_code=303), _("Select the leads to assign first."), "error")
    try:
        count = await services.assign_many(request.state.ctx, ids, read_id(data.get("assignee")))
    except LookupError:
        raise NotFoundException() from None
    except ValidationFailed as exc:
        return flash(Redirect(back, status_code=303), exc.message, "error")
    return flash(Redirect(back, status_code=303),
                 ngettext("%(num)d lead assigned.", "%(num)d leads assigned.", count) % {"num": count})


ROUTES = [list_leads, news, new_lead, create_lead, matches, assign_many]
