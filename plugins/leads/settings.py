"""Leads -> Settings, for dealer administrators: web leads in turn, and the intake API's keys."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import ValidationFailed, flash, page, requires
from forecourt import gettext as _
from plugins.leads import intake, rotation

GUARD = [requires("leads.settings")]


async def _page(request: Request, new_key: str = "", errors: dict[str, str] | None = None,
                status: int = 200) -> Response:
    dealer_id = request.state.ctx.dealer_id
    return await page(request, "leads/settings.html", {
        "settings": await rotation.settings(dealer_id), "keys": await intake.keys(dealer_id), "new_key": new_key,
        "errors": errors or {}, "base_url": str(request.base_url).rstrip("/"),
    }, status_code=status)


@get("/settings", guards=GUARD)
async def settings_page(request: Request) -> Response:
    return await _page(request)


@post("/settings", guards=GUARD)
async def save_settings(request: Request) -> Response:
    data = await request.form()
    await rotation.save(request.state.ctx, data.get("round_robin") == "1")
    return flash(Redirect("/leads/settings", status_code=303), _("Settings saved."))


@post("/settings/keys", guards=GUARD)
async def add_key(request: Request) -> Response:
    """The new key is shown on this one answer only (it is not kept)."""
    data = await request.form()
    try:
        token = await intake.new_key(request.state.ctx, str(data.get("name") or ""))
    except ValidationFailed as exc:
        return await _page(request, errors=exc.errors, status=422)
    return await _page(request, new_key=token, status=201)


@post("/settings/keys/{key_id:int}/revoke", guards=GUARD)
async def revoke_key(request: Request, key_id: FromPath[int]) -> Response:
    if not await intake.revoke(request.state.ctx, key_id):
        raise NotFoundException()
    return flash(Redirect("/leads/settings", status_code=303),
                 _("The key was revoked: leads sent with it are refused."))


ROUTES = [settings_page, save_settings, add_key, revoke_key]
