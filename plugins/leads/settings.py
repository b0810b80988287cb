"""Leads -> Settings, for dealer administrators: web leads in turn, and the intake API's keys."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.datastructures import Cookie
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import (
    Context,
    SettingField,
    SettingsPage,
    ValidationFailed,
    flash,
    read_id,
    requires,
    sign_proof,
    verify_proof,
)
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.leads import api, rotation

GUARD = [requires("leads.settings")]


NEW_KEY_COOKIE = "fc_leads_new_key"
NEW_KEY_PATH = "/leads/settings"
NEW_KEY_SECONDS = 300  #: how long the page after "Make a key" may still show it


def _without_new_key_cookie(request: Request, response: Response) -> Response:
    """The page that showed the new key deletes its cookie: a reload shows it no more."""
    if NEW_KEY_COOKIE in request.cookies:
        response.delete_cookie(NEW_KEY_COOKIE, path=NEW_KEY_PATH)
    return response


async def _save(ctx: Context, values: dict[str, Any]) -> None:
    await rotation.save(ctx, values["round_robin"])


async def _keys(request: Request) -> dict[str, Any]:
    """What the intake keys' part of the page shows; right after "Make a key", the new key once.

    The key travels in a cookie signed for this user; the page that shows it deletes it (see :func:`add_key`).
    """
    ctx = request.state.ctx
    shown = verify_proof("leads.new_key", request.cookies.get(NEW_KEY_COOKIE, ""), NEW_KEY_SECONDS)
    token = shown.get("key", "") if isinstance(shown, dict) and shown.get("user") == ctx.user_id else ""
    return {"keys": await api.keys(ctx.dealer_id), "new_key": str(token), "typed": {},
            "base_url": str(request.base_url).rstrip("/")}


SETTINGS = SettingsPage(
    plugin="leads", title=_l("Lead settings"), load=rotation.settings, save=_save,
    fields=(SettingField("round_robin", _l("Assign pre-orders from the website to the managers in turn"), "bool",
                         help=_l("Otherwise they arrive unassigned and anyone can take them. Each manager gets a "
                                 "reminder for the pre-orders assigned to them.")),),
    extra_template="leads/_settings_keys.html", extra_context=_keys, finish=_without_new_key_cookie,
)


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
        token = await api.new_key(ctx, data)
    except ValidationFailed as exc:
        return await SETTINGS.render(request, errors=exc.errors, status=422, typed=data, new_key="")
    response = flash(Redirect(NEW_KEY_PATH, status_code=303), _("The key was made: copy it now."))
    response.cookies.append(Cookie(key=NEW_KEY_COOKIE, value=sign_proof("leads.new_key", {
        "user": ctx.user_id, "key": token}), path=NEW_KEY_PATH, httponly=True, samesite="strict",
        max_age=NEW_KEY_SECONDS, secure=request.url.scheme == "https" or request.app.state.settings.secure_cookies))
    return response


@post("/settings/keys/{key_id:int}/revoke", guards=GUARD)
async def revoke_key(request: Request, key_id: FromPath[int]) -> Response:
    if read_id(key_id) is None or not await api.revoke(request.state.ctx, key_id):
        raise NotFoundException()
    return flash(Redirect("/leads/settings", status_code=303),
                 _("The key was revoked: leads sent with it are refused."))


ROUTES = [*SETTINGS.routes(), add_key, revoke_key]
