"""The customers page (cards in two sections, or a sortable list) and the create/edit form."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import ValidationFailed, flash, page, read_id, requires, search_text
from forecourt import gettext as _
from plugins.customers import fields, services
from plugins.customers.search import fold

FILTERS = ("q", "status", "temperature", "source", "model", "followup", "created_from", "created_to",
           "sort", "view", "invalid")


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _url_with(f: dict[str, str]):
    """``url_with(sort="name")`` in the template: this page's filters with some changed (empty ones dropped)."""

    def build(**changes: str) -> str:
        params = {k: v for k, v in {**f, **changes}.items() if v}
        return "/customers/?" + urlencode(params)

    return build


def _filters(request: Request) -> dict[str, str]:
    return {key: search_text(request.query_params.get(key, ""), 100) for key in FILTERS}


async def _latest_notes(dealer_id: int, ids: list[int]) -> dict[int, str]:
    from plugins.customers.tables import Note

    if not ids:
        return {}
    rows = await Note.scoped(dealer_id).select(Note.customer_id, Note.text).where(
        Note.customer_id.is_in(ids)).order_by(Note.created_at, ascending=False)
    latest: dict[int, str] = {}
    for row in rows:
        latest.setdefault(row["customer_id"], row["text"])
    return latest


@get("/", guards=[requires("customers.view")])
async def list_customers(request: Request) -> Response:
    ctx = request.state.ctx
    f = _filters(request)
    invalid = f["invalid"] == "1" and ctx.can("customers.delete")
    args: dict[str, Any] = dict(q=f["q"], temperature=f["temperature"], source=f["source"], model=f["model"],
                                followup=f["followup"], created_from=_date(f["created_from"]),
                                created_to=_date(f["created_to"]), invalid=invalid, sort=f["sort"] or "newest")
    after = search_text(request.query_params.get("after", ""), 300)
    sections = []
    if f["view"] != "list" and not f["status"]:
        for status, title in (("current", _("Current customers")), ("potential", _("Potential customers"))):
            rows, token = await services.search(ctx.dealer_id, status=status, limit=24, **args)
            sections.append({"status": status, "title": title, "rows": rows, "more": bool(token)})
        rows, token = [], ""
    else:
        rows, token = await services.search(ctx.dealer_id, status=f["status"], after=after, **args)
    every = [r for s in sections for r in s["rows"]] + rows
    notes = await _latest_notes(ctx.dealer_id, [r["id"] for r in every]) if f["view"] != "list" else {}
    return await page(request, "customers/list.html", {
        "f": f, "rows": rows, "sections": sections, "next_after": token, "after": after, "notes": notes,
        "fields": fields, "can_edit": ctx.can("customers.edit"),
        "can_import": ctx.can("customers.import"), "can_admin": ctx.can("customers.delete"),
        "url_with": _url_with(f),
    })


async def _form(request: Request, values: dict[str, Any], errors: dict[str, str], customer: Any = None,
                matches: list[dict[str, Any]] | None = None, status: int = 200) -> Response:
    return await page(request, "customers/form.html", {
        "values": values, "errors": errors, "customer": customer, "fields": fields, "matches": matches or [],
    }, status_code=status)


@get("/new", guards=[requires("customers.edit")])
async def new_customer(request: Request) -> Response:
    return await _form(request, {"status": request.query_params.get("status", "potential"),
                                 "temperature": "warm"}, {})


async def _dealer_language(request: Request) -> str:
    """The dealer's country decides how local phone numbers are read."""
    return request.state.ctx.dealer_language


@post("/", guards=[requires("customers.edit")])
async def create_customer(request: Request) -> Response:
    ctx = request.state.ctx
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    language = await _dealer_language(request)
    if data.get("confirm_duplicate") != "1":
        typed = {k: search_text(data.get(k, ""), 200) for k in ("phone", "email", "name")}
        matches = await services.find_matches(ctx.dealer_id, **typed, language=language)
        if matches:
            _values, errors = fields.clean(data, language, creating=True)
            return await _form(request, data, errors, matches=matches, status=409 if not errors else 422)
    try:
        row = await services.create(ctx, data, language)
    except ValidationFailed as exc:
        return await _form(request, data, exc.errors, status=422)
    return flash(Redirect(f"/customers/{row.id}", status_code=303),
                 _("Customer %(number)s saved.") % {"number": f"#{row.number}"})


@get("/{customer_id:int}/edit", guards=[requires("customers.edit")])
async def edit_customer(request: Request, customer_id: FromPath[int]) -> Response:
    row = await services.get(request.state.ctx.dealer_id, customer_id)
    if row is None:
        raise NotFoundException()
    return await _form(request, fields.form_values(row), {}, customer=row)


@post("/{customer_id:int}/edit", guards=[requires("customers.edit")])
async def update_customer(request: Request, customer_id: FromPath[int]) -> Response:
    ctx = request.state.ctx
    row = await services.get(ctx.dealer_id, customer_id)
    if row is None:
        raise NotFoundException()
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        await services.update(ctx, customer_id, data, await _dealer_language(request))
    except ValidationFailed as exc:
        return await _form(request, data, exc.errors, customer=row, status=422)
    return flash(Redirect(f"/customers/{customer_id}", status_code=303), _("Customer saved."))


@post("/duplicates", guards=[requires("customers.view")])
async def duplicates(request: Request) -> Response:
    """htmx: while the form is typed, existing customers with the same phone, e-mail or name.

    A POST: the typed phone, e-mail and name are personal data, kept out of URLs and access logs.
    """
    form = await request.form()
    q = {k: search_text(str(form.get(k) or ""), 200) for k in ("phone", "email", "name", "exclude")}
    matches = await services.find_matches(
        request.state.ctx.dealer_id, phone=q["phone"], email=q["email"],
        name=q["name"] if len(fold(q["name"])) >= 3 else "",
        language=await _dealer_language(request), exclude_id=read_id(q["exclude"]))
    return await page(request, "customers/_matches.html", {"matches": matches, "fragment": True})


ROUTES = [list_customers, new_customer, create_customer, edit_customer, update_customer, duplicates]
