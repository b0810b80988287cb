"""A dealer's reason lists: the choices offered by transitions that ask for a reason."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from core import fields
from core.accounts import parse_modules
from core.errors import ValidationFailed
from core.i18n import _
from core.web.admin.access import dealer_for_admin
from core.web.forms import form
from core.web.render import flash, page
from core.workflow import machine, reasons


def reason_inputs(modules: frozenset[str]) -> dict[str, tuple[Any, machine.Machine, machine.Transition, machine.Input]]:
    """list key -> (what to call it, machine, transition, input), for the dealer's enabled plugins."""
    found = {}
    for m in machine.machines().values():
        if m.plugin not in modules:
            continue
        for t in m.transitions:
            for inp in t.inputs:
                if inp.kind == "reason":
                    found[machine.reason_list_key(m, t, inp)] = (f"{m.title} · {t.label} · {inp.label}", m, t, inp)
    return found


async def _page(request: Request, dealer: Any, status: int = 200, errors: dict[str, str] | None = None) -> Response:
    lists = []
    for key, (title, _m, _t, inp) in reason_inputs(parse_modules(dealer.modules)).items():
        # the machine's defaults become the dealer's own list, so each can be hidden or kept
        await reasons.ensure_own(dealer.id, key, inp.reasons, inp.detailed)
        lists.append({"key": key, "title": title, "entries": await reasons.rows(dealer.id, key),
                      "detail": next((i.label for i in _t.inputs if i.name == inp.detail), None)})
    return await page(request, "core/admin/reasons.html",
                      {"dealer": dealer, "lists": lists, "errors": errors or {}}, status_code=status)


@get("/admin/dealers/{dealer_id:int}/reasons")
async def reason_lists(request: Request, dealer_id: FromPath[int]) -> Response:
    dealer = await dealer_for_admin(request.state.ctx, dealer_id, "core.reasons")
    return await _page(request, dealer)


@post("/admin/dealers/{dealer_id:int}/reasons")
async def change_reason(request: Request, dealer_id: FromPath[int]) -> Response:
    """Add a reason (``label``), or change one (``reason_id`` + ``active`` or ``needs_detail``) in ``list_key``."""
    dealer = await dealer_for_admin(request.state.ctx, dealer_id, "core.reasons")
    data = await form(request)
    found = reason_inputs(parse_modules(dealer.modules)).get(data.get("list_key", ""))
    if found is None:
        raise NotFoundException()
    defaults = found[3].reasons
    await reasons.ensure_own(dealer.id, data["list_key"], defaults, found[3].detailed)
    if data.get("reason_id"):
        reason_id = fields.identifier(data["reason_id"])
        if reason_id is None:
            raise NotFoundException()
        flags = {name: data[name] == "1" for name in ("active", "needs_detail") if name in data}
        await reasons.set_flags(dealer.id, data["list_key"], reason_id, **flags)
        return flash(Redirect(f"/admin/dealers/{dealer.id}/reasons", status_code=303), _("Reason list saved."))
    try:
        try:
            label = fields.text(data.get("label", ""), _("Reason"), 200)
        except fields.FieldError as exc:
            raise ValidationFailed({data["list_key"]: exc.message}) from None
        if not label:
            raise ValidationFailed({data["list_key"]: _("Enter a reason of at most 200 characters.")})
        await reasons.add(dealer.id, data["list_key"], label, defaults)
    except ValidationFailed as exc:
        return await _page(request, dealer, 422, exc.errors)
    return flash(Redirect(f"/admin/dealers/{dealer.id}/reasons", status_code=303), _("Reason added."))


ROUTES = [reason_lists, change_reason]
