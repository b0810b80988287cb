"""Leads -> Settings, for dealer administrators: web leads in turn, and the intake API's keys."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import ValidationFailed, flash, page, read_id, requires, sign_proof, verify_proof
from forecourt import gettext as _
from plugins.leads import intake, rotation

GUARD = [requires("leads.settings")]


NEW_KEY_COOKIE = "fc_leads_new_key"
NEW_KEY_PATH = "/leads/settings"
NEW_KEY_SECONDS = 300  #: how long the page after "Make a key" may still show it


async def _page(request: Request, new_key: str = "", errors: dict[str, str] | None = None,
                status: int = 200, typed: dict[str, str] | None = None) -> Response:
    dealer_id = request.state.ctx.dealer_id
    return await page(request, "leads/settings.html", {
        "settings": await rotation.settings(dealer_id), "keys": await intake.keys(dealer_id), "new_key": new_key,
        "errors": errors or {}, "base_url": str(request.base_url).rstrip("/"), "typed": typed or {},
    }, status_code=status)


@get("/settings", guards=GUARD)
async def settings_page(request: Request) -> Response:
    """The settings; right after "Make a key", the new key once (carried by a signed cookie, then deleted)."""
    ctx = request.state.ctx
    shown = verify_proof("leads.new_key", request.cookies.get(NEW_KEY_COOKIE, ""), NEW_KEY_SECONDS)
    token = shown.get("key", "") if isinstance(shown, dict) and shown.get("user") == ctx.user_id else ""
    response = await _page(request, new_key=str(token))
    if NEW_KEY_COOKIE in request.cookies:
        response.delete_cookie(NEW_KEY_COOKIE, path=NEW_KEY_PATH)
    return response


@post("/settings", guards=GUARD)
async def save_settings(request: Request) -> Response:
    data = await request.form()
    await rotation.save(request.state.ctx, data.get("round_robin") == "1")
    return flash(Redirect("/leads/settings", status_code=303), _("Settings saved."))


@post("/settings/keys", guards=GUARD)
async def add_key(request: Request) -> Response:
    """Make a key and redirect to the settings, which show it once (a reload then makes no second key).

    The key is not kept: it travels to that one page in a cookie signed for
    this user, valid five minutes, limited to the settings' path and deleted
    by the page that shows it.
    """
    ctx = request.state.ctx
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        token = await intake.new_key(ctx, data)
    except ValidationFailed as exc:
        return await _page(request, errors=exc.errors, status=422, typed=data)
    response = flash(Redirect(NEW_KEY_PATH, status_code=303), _("The key was made: copy it now."))
    response.cookies.append(Cookie(key=NEW_KEY_COOKIE, value=sign_proof("leads.new_key", {
        "user": ctx.user_id, "key": token}), path=NEW_KEY_PATH, httponly=True, samesite="strict",
        max_age=NEW_KEY_SECONDS, secure=request.url.scheme == "https" or request.app.state.settings.secure_cookies))
    return response


@post("/settings/keys/{key_id:int}/revoke", guards=GUARD)
async def revoke_key(request: Request, key_id: FromPath[int]) -> Response:
    if read_id(key_id) is None or not await intake.revoke(request.state.ctx, key_id):
        raise NotFoundException()
    return flash(Redirect("/leads/settings", status_code=303),
                 _("The key was revoked: leads sent with it are refused."))


ROUTES = [settings_page, save_settings, add_key, revoke_key]
