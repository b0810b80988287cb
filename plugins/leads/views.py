"""The leads list ("Pre-orders"), the "+ New" form, the card and assignment."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import (
    FieldReader,
    ValidationFailed,
    dealer_users,
    flash,
    ngettext,
    now,
    page,
    read_id,
    requires,
    search_text,
    timeline_panel,
    update_entity,
    workflow_panel,
)
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.leads import api, fields, handover, services
from plugins.leads.api.adf import DETAIL_LABELS
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


async def _card(request: Request, lead_id: int, errors: dict[str, str] | None = None, status: int = 200) -> Response:
    ctx = request.state.ctx
    lead = await services.get(ctx.dealer_id, lead_id)
    if lead is None:
        raise NotFoundException()
    return await page(request, "leads/card.html", {
        "lead": lead, "fields": fields, "errors": errors or {}, "users": await dealer_users(ctx.dealer_id),
        "workflow": await workflow_panel(request, "leads.lead", lead) if ctx.can("leads.edit") else "",
        "timeline": await timeline_panel(request, services.ENTITY, lead_id),
        "same": await services.matches(ctx, phone=lead["phone"], email=lead["email"], exclude_id=lead_id),
        "can_edit": ctx.can("leads.edit"), "can_assign": ctx.can("leads.assign"),
        "can_create_customer": ctx.can("leads.edit") and services.can_create_customer(ctx),
        "dealers": await handover.other_dealers(ctx) if ctx.can("leads.edit") else [],
        "received": await api.record_of(ctx.dealer_id, lead_id), "detail_labels": DETAIL_LABELS,
    }, status_code=status)


@get("/{lead_id:int}", guards=[requires("leads.view")])
async def show_lead(request: Request, lead_id: FromPath[int]) -> Response:
    return await _card(request, lead_id)


@post("/{lead_id:int}", guards=[requires("leads.edit")])
async def edit_lead(request: Request, lead_id: FromPath[int]) -> Response:
    """What the card lets people change (manual 000): version, trim, city. Status moves only by the machine."""
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    form = FieldReader(data)
    values = {k: form.text(k, fields.LABELS[k], getattr(Lead, k)) for k in ("version", "trim", "city")}
    if form.errors:
        return await _card(request, lead_id, form.errors, 422)
    row = await update_entity(request.state.ctx, Lead, services.ENTITY, lead_id, {**values, "updated_at": now()},
                              history={"version": _l("Version"), "trim": _l("Trim"), "city": _l("City")})
    if row is None:
        raise NotFoundException()
    return flash(Redirect(f"/leads/{lead_id}", status_code=303), _("Lead saved."))


@post("/{lead_id:int}/assign", guards=[requires("leads.assign")])
async def assign_lead(request: Request, lead_id: FromPath[int]) -> Response:
    data = await request.form()
    try:
        await services.assign(request.state.ctx, lead_id, read_id(data.get("assignee")))
    except LookupError:
        raise NotFoundException() from None
    except ValidationFailed as exc:
        return await _card(request, lead_id, exc.errors, 422)
    return flash(Redirect(f"/leads/{lead_id}", status_code=303), _("Lead assigned."))


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


@post("/{lead_id:int}/customer", guards=[requires("leads.edit")])
async def create_customer(request: Request, lead_id: FromPath[int]) -> Response:
    """A potential customer from the lead's contact data (where the dealer has customers on)."""
    try:
        customer = await services.create_customer(request.state.ctx, lead_id)
    except LookupError:
        raise NotFoundException() from None
    except ValidationFailed as exc:
        return await _card(request, lead_id, exc.errors, 422)
    if customer is None:
        raise NotFoundException()
    return flash(Redirect(f"/leads/{lead_id}", status_code=303),
                 _("Customer #%(number)s created and linked to the lead.") % {"number": customer["number"]})


@post("/{lead_id:int}/hand-over", guards=[requires("leads.edit")])
async def hand_over_lead(request: Request, lead_id: FromPath[int]) -> Response:
    """The customer prefers another dealer: the lead moves there (see :mod:`plugins.leads.handover`)."""
    chosen = read_id((await request.form()).get("preferred_dealer"))
    try:
        name = await handover.hand_over(request.state.ctx, lead_id, chosen)
    except LookupError:
        raise NotFoundException() from None
    except ValidationFailed as exc:
        return await _card(request, lead_id, exc.errors, 422)
    return flash(Redirect("/leads/", status_code=303), _("The lead was handed over to %(dealer)s.") % {"dealer": name})


ROUTES = [list_leads, news, new_lead, create_lead, matches, show_lead, edit_lead, assign_lead, assign_many,
          create_customer, hand_over_lead]
