"""The customer card and what is done on it: notes, follow-ups, blacklist, invalid, delete.

The card renders the ``customers.card.panels`` slot: every plugin enabled for
the dealer may add a panel about the customer (its leads, orders, quick link).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import (
    Conflict,
    Forbidden,
    ValidationFailed,
    call_hook,
    flash,
    page,
    read_id,
    requires,
    timeline_panel,
    workflow_panel,
)
from forecourt import gettext as _
from plugins.customers import fields, services


async def _customer(request: Request, customer_id: int) -> dict[str, Any]:
    row = await services.get(request.state.ctx.dealer_id, customer_id)
    if row is None:
        raise NotFoundException()
    return row


async def _card(request: Request, customer_id: int, errors: dict[str, str] | None = None,
                values: dict[str, str] | None = None, status: int = 200) -> Response:
    ctx = request.state.ctx
    row = await _customer(request, customer_id)
    panels = await call_hook("page_slots", slot="customers.card.panels", ctx=ctx,
                                      subject={"entity": services.ENTITY, "id": customer_id})
    panels.sort(key=lambda p: (p.order, str(p.title)))
    return await page(request, "customers/card.html", {
        "c": row, "fields": fields, "notes": await services.notes(ctx.dealer_id, customer_id),
        "panels": panels, "errors": errors or {}, "values": values or {},
        "editing_note": read_id(request.query_params.get("edit_note", "")) or 0,
        "workflow": await workflow_panel(request, "customers.customer", row) if ctx.can("customers.edit") else "",
        "timeline": await timeline_panel(request, services.ENTITY, customer_id),
        "can_edit": ctx.can("customers.edit"), "can_blacklist": ctx.can("customers.blacklist"),
        "can_delete": ctx.can("customers.delete"),
    }, status_code=status)


def _back(customer_id: int, message: str, anchor: str = "") -> Response:
    return flash(Redirect(f"/customers/{customer_id}{anchor}", status_code=303), message)


@get("/{customer_id:int}", guards=[requires("customers.view")])
async def show_customer(request: Request, customer_id: FromPath[int]) -> Response:
    return await _card(request, customer_id)


async def _form(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


@post("/{customer_id:int}/notes", guards=[requires("customers.edit")])
async def add_note(request: Request, customer_id: FromPath[int]) -> Response:
    data = await _form(request)
    try:
        await services.add_note(request.state.ctx, customer_id, data.get("text", ""), data.get("priority", "0"))
    except ValidationFailed as exc:
        return await _card(request, customer_id, exc.errors, data, 422)
    except LookupError:
        raise NotFoundException() from None
    return _back(customer_id, _("Note added."), "#notes")


@post("/{customer_id:int}/notes/{note_id:int}", guards=[requires("customers.edit")])
async def edit_note(request: Request, customer_id: FromPath[int], note_id: FromPath[int]) -> Response:
    data = await _form(request)
    try:
        found = await services.edit_note(request.state.ctx, customer_id, note_id, data.get("text", ""),
                                         data.get("priority", "0"))
    except ValidationFailed as exc:
        return await _card(request, customer_id, {f"note-{note_id}": exc.message}, data, 422)
    if not found:
        raise NotFoundException()
    return _back(customer_id, _("Note saved."), "#notes")


@post("/{customer_id:int}/notes/{note_id:int}/delete", guards=[requires("customers.edit")])
async def delete_note(request: Request, customer_id: FromPath[int], note_id: FromPath[int]) -> Response:
    data = await _form(request)
    if data.get("confirm") != "1":
        raise ValidationFailed({"confirm": _("Confirm that the note should be deleted.")})
    if not await services.delete_note(request.state.ctx, customer_id, note_id):
        raise NotFoundException()
    return _back(customer_id, _("Note deleted."), "#notes")


@post("/{customer_id:int}/followups", guards=[requires("customers.edit")])
async def add_followup(request: Request, customer_id: FromPath[int]) -> Response:
    data = await _form(request)
    try:
        await services.add_followup(request.state.ctx, customer_id, data)
    except ValidationFailed as exc:
        return await _card(request, customer_id, {f"fu-{k}": v for k, v in exc.errors.items()}, data, 422)
    except LookupError:
        raise NotFoundException() from None
    return _back(customer_id, _("Follow-up recorded."), "#followups")


@post("/{customer_id:int}/blacklist", guards=[requires("customers.blacklist")])
async def blacklist(request: Request, customer_id: FromPath[int]) -> Response:
    data = await _form(request)
    on = data.get("blacklisted") == "1"
    try:
        await services.set_blacklisted(request.state.ctx, customer_id, on, data.get("reason", ""))
    except ValidationFailed as exc:
        return await _card(request, customer_id, {"blacklist": exc.message}, data, 422)
    except LookupError:
        raise NotFoundException() from None
    return _back(customer_id, _("Put on the blacklist.") if on else _("Taken off the blacklist."))


@post("/{customer_id:int}/invalid", guards=[requires("customers.edit")])
async def mark_invalid(request: Request, customer_id: FromPath[int]) -> Response:
    data = await _form(request)
    on = data.get("invalid") == "1"
    try:
        await services.set_invalid(request.state.ctx, customer_id, on)
    except LookupError:
        raise NotFoundException() from None
    return _back(customer_id, _("Marked invalid: hidden from lists, kept with everything.") if on
                 else _("Marked valid again."))


async def _delete_page(request: Request, row: dict[str, Any], values: dict[str, str] | None = None,
                       error: str = "", status: int = 200) -> Response:
    """The delete page: what stays (unlinked) and what would go with the customer, from the plugins' answers."""
    held = await services.held_records(request.state.ctx, row["id"])
    return await page(request, "customers/delete.html", {
        "c": row, "kept": [h for h in held if h.kept], "doomed": [h for h in held if not h.kept],
        "values": values or {}, "error": error,
    }, status_code=status)


@get("/{customer_id:int}/delete", guards=[requires("customers.delete")])
async def confirm_delete(request: Request, customer_id: FromPath[int]) -> Response:
    return await _delete_page(request, await _customer(request, customer_id))


@post("/{customer_id:int}/delete", guards=[requires("customers.delete")])
async def delete_customer(request: Request, customer_id: FromPath[int]) -> Response:
    """Delete, or show the page again saying why not (the ticks kept)."""
    data = await _form(request)
    row = await _customer(request, customer_id)
    if data.get("confirm") != "1":
        return await _delete_page(request, row, data, _("Confirm that the customer should be deleted for good."), 422)
    try:
        await services.delete(request.state.ctx, customer_id, cascade=data.get("cascade") == "1")
    except Conflict as exc:
        return await _delete_page(request, row, data, exc.message, 409)
    except Forbidden as exc:
        return await _delete_page(request, row, data, exc.message, 403)
    return flash(Redirect("/customers/", status_code=303),
                 _("Customer %(name)s deleted.") % {"name": row["name"]})


ROUTES = [show_customer, add_note, edit_note, delete_note, add_followup, blacklist, mark_invalid,
          confirm_delete, delete_customer]
