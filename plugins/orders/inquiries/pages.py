"""The inquiry pages: the list (filters, keyset pages), the manual form, the card, the merge preview and merge.

Every page works without JavaScript (plain forms and links); htmx only
swaps the list in place. All of them need ``orders.sell`` and show only the
dealer's own inquiries (a path id of another dealer's is a 404).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import (
    Conflict,
    ValidationFailed,
    Veto,
    dealer_users,
    flash,
    page,
    read_id,
    requires,
    search_text,
    timeline_panel,
    workflow_panel,
)
from forecourt import gettext as _
from plugins.orders.entity import INQUIRY
from plugins.orders.inquiries import merge, services
from plugins.orders.listing import filter_day
from plugins.orders.listing import inquiries as listing
from plugins.orders.machines import INQUIRY_MACHINE

GUARD = [requires("orders.sell")]
FILTERS = ("q", "status", "manager", "since", "until")


def _filters(request: Request) -> dict[str, str]:
    return {key: search_text(request.query_params.get(key, ""), 40) for key in FILTERS}


def _url_with(f: dict[str, str]):
    def build(**changes: str) -> str:
        return "/orders/inquiries/?" + urlencode({k: v for k, v in {**f, **changes}.items() if v})

    return build


@get("/inquiries/", guards=GUARD)
async def list_inquiries(request: Request) -> Response:
    ctx = request.state.ctx
    f = _filters(request)
    after = search_text(request.query_params.get("after", ""), 300)
    managers = await services.managers(ctx.dealer_id)
    names = {u["id"]: u["name"] for u in await dealer_users(ctx.dealer_id)}
    states = {s.key for s in INQUIRY_MACHINE.states}
    manager_id = read_id(f["manager"]) if f["manager"] not in ("", "none") else None
    rows, token = await listing.search(
        ctx.dealer_id, q=f["q"], status=f["status"] if f["status"] in states else "", manager_id=manager_id,
        unassigned=f["manager"] == "none", since=filter_day(f["since"]), until=filter_day(f["until"]), after=after)
    return await page(request, "orders/inquiries/list.html", {
        "f": f, "rows": rows, "next_after": token, "after": after, "managers": managers, "names": names,
        "url_with": _url_with(f)})


async def _form(request: Request, values: dict[str, Any], errors: dict[str, str], status: int = 200,
                inquiry: dict[str, Any] | None = None) -> Response:
    return await page(request, "orders/inquiries/form.html", {
        "values": values, "errors": errors, "managers": await services.managers(request.state.ctx.dealer_id),
        "inquiry": inquiry}, status_code=status)


@get("/inquiries/new", guards=GUARD)
async def new_inquiry(request: Request) -> Response:
    return await _form(request, {"manager_id": str(request.state.ctx.user_id or "")}, {})


@post("/inquiries/", guards=GUARD)
async def create_inquiry(request: Request) -> Response:
    ctx = request.state.ctx
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        row = await services.create(ctx, data, ctx.dealer_language)
    except ValidationFailed as exc:
        return await _form(request, data, exc.errors, 422)
    except Veto as exc:
        return await _form(request, data, {exc.field or "phone": exc.message}, 422)
    return flash(Redirect(f"/orders/inquiries/{row.id}", status_code=303),
                 _("Inquiry #%(number)s saved.") % {"number": row.number})


async def _inquiry(request: Request, inquiry_id: int) -> dict[str, Any]:
    row = await services.get(request.state.ctx.dealer_id, inquiry_id)
    if row is None:
        raise NotFoundException()
    return row


@get("/inquiries/{inquiry_id:int}", guards=GUARD)
async def show_inquiry(request: Request, inquiry_id: FromPath[int]) -> Response:
    """The card: the caller's customer, earlier orders and inquiries, the calls, status actions, timeline."""
    ctx = request.state.ctx
    row = await _inquiry(request, inquiry_id)
    main = None
    if row["merged_into_id"]:
        main = await services.get(ctx.dealer_id, row["merged_into_id"])
    names = {u["id"]: u["name"] for u in await dealer_users(ctx.dealer_id)}
    return await page(request, "orders/inquiries/card.html", {
        "i": row, "main": main, "calls": await services.calls(ctx.dealer_id, inquiry_id),
        "related": await services.related(ctx, row), "manager": names.get(row["manager_id"]),
        "workflow": await workflow_panel(request, INQUIRY, row),
        "timeline": await timeline_panel(request, INQUIRY, inquiry_id),
        "can_merge": row["status"] not in ("duplicate", "order_created"),
    })


@get("/inquiries/{inquiry_id:int}/edit", guards=GUARD)
async def edit_inquiry(request: Request, inquiry_id: FromPath[int]) -> Response:
    row = await _inquiry(request, inquiry_id)
    return await _form(request, {"phone": row["phone"], "name": row["contact_name"], "note": row["note"],
                                 "manager_id": str(row["manager_id"] or "")}, {}, inquiry=row)


@post("/inquiries/{inquiry_id:int}/edit", guards=GUARD)
async def update_inquiry(request: Request, inquiry_id: FromPath[int]) -> Response:
    ctx = request.state.ctx
    row = await _inquiry(request, inquiry_id)
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        await services.update(ctx, inquiry_id, data, ctx.dealer_language)
    except ValidationFailed as exc:
        return await _form(request, data, exc.errors, 422, inquiry=row)
    except Veto as exc:
        return await _form(request, data, {exc.field or "phone": exc.message}, 422, inquiry=row)
    return flash(Redirect(f"/orders/inquiries/{inquiry_id}", status_code=303), _("Inquiry saved."))


async def _merge_page(request: Request, row: dict[str, Any], raw_number: str, status: int = 200,
                      error: str = "") -> Response:
    shown = await merge.preview(request.state.ctx, row, raw_number) if raw_number.strip() else {
        "error": "", "number": ""}
    if error:
        shown["error"] = error
    return await page(request, "orders/inquiries/merge.html", {"i": row, "p": shown}, status_code=status)


@get("/inquiries/{inquiry_id:int}/merge", guards=GUARD)
async def merge_preview(request: Request, inquiry_id: FromPath[int]) -> Response:
    """Step one: type the main inquiry's number, see what moves and what this inquiry becomes."""
    row = await _inquiry(request, inquiry_id)
    raw = search_text(request.query_params.get("main", ""), 20)
    shown_status = 200
    if raw.strip():
        found = await merge.preview(request.state.ctx, row, raw)
        shown_status = 422 if found["error"] else 200
    return await _merge_page(request, row, raw, shown_status)


@post("/inquiries/{inquiry_id:int}/merge", guards=GUARD)
async def merge_inquiry(request: Request, inquiry_id: FromPath[int]) -> Response:
    """Step two (the preview's button): merge, all or nothing; back to the preview with the reason if refused."""
    ctx = request.state.ctx
    row = await _inquiry(request, inquiry_id)
    data = await request.form()
    raw = data.get("main") if isinstance(data.get("main"), str) else ""
    state = data.get("_state") if isinstance(data.get("_state"), str) else ""
    try:
        main_id = await merge.merge(ctx, inquiry_id, raw, state or row["status"])
    except (Veto, ValidationFailed) as exc:
        return await _merge_page(request, row, raw, 422, exc.message)
    except Conflict as exc:
        fresh = await _inquiry(request, inquiry_id)
        return await _merge_page(request, fresh, raw, 409, exc.message)
    main = await services.get(ctx.dealer_id, main_id)
    return flash(Redirect(f"/orders/inquiries/{main_id}", status_code=303),
                 _("Inquiry #%(duplicate)s was merged into #%(main)s.") % {
                     "duplicate": row["number"], "main": main["number"] if main else main_id})


ROUTES = [list_inquiries, new_inquiry, create_inquiry, show_inquiry, edit_inquiry, update_inquiry, merge_preview,
          merge_inquiry]
