"""Orders -> Telephony, for dealer administrators: the keys the dealer's telephony calls the webhook with.

The keys are the core's API keys for the purpose :data:`PURPOSE` (prefix
``fct_``): shown once right after "Make a key" (the key travels to that one
page in a cookie signed for this user, valid five minutes, limited to this
page's path and deleted by the page that shows it), only their hash kept,
revocable. The webhook itself is :mod:`plugins.orders.api`.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import (
    FieldReader,
    api_keys,
    flash,
    make_api_key,
    page,
    read_id,
    requires,
    revoke_api_key,
    sign_proof,
    verify_proof,
)
from forecourt import gettext as _
from forecourt import lazy_gettext as _l

PURPOSE = "orders.telephony"
PREFIX = "fct_"
GUARD = [requires("orders.telephony")]
PATH = "/orders/telephony"
NEW_KEY_COOKIE = "fc_orders_new_key"
NEW_KEY_SECONDS = 300


async def _page(request: Request, typed: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
                status: int = 200) -> Response:
    ctx = request.state.ctx
    new_key = ""
    if not errors:
        shown = verify_proof("orders.new_key", request.cookies.get(NEW_KEY_COOKIE, ""), NEW_KEY_SECONDS)
        if isinstance(shown, dict) and shown.get("user") == ctx.user_id:
            new_key = str(shown.get("key", ""))
    response = await page(request, "orders/inquiries/telephony.html", {
        "keys": await api_keys(ctx.dealer_id, PURPOSE), "new_key": new_key, "typed": typed or {},
        "errors": errors or {}, "base_url": str(request.base_url).rstrip("/")}, status_code=status)
    if NEW_KEY_COOKIE in request.cookies:
        response.delete_cookie(NEW_KEY_COOKIE, path=PATH)
    return response


@get("/telephony", guards=GUARD)
async def telephony(request: Request) -> Response:
    return await _page(request)


@post("/telephony/keys", guards=GUARD)
async def add_key(request: Request) -> Response:
    """Make a key and redirect to the page, which shows it once (a reload makes no second key)."""
    ctx = request.state.ctx
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    form = FieldReader(data)
    name = form.text("name", _l("Telephony or line that will use it"), 100)
    per_minute = form.integer("per_minute", _l("Requests per minute"), minimum=1, maximum=1000)
    if not name and "name" not in form.errors:
        form.errors["name"] = _("Say which telephony will call with this key.")
    if form.errors:
        return await _page(request, data, form.errors, 422)
    token = await make_api_key(ctx, PURPOSE, PREFIX, name, per_minute or 120)
    response = flash(Redirect(PATH, status_code=303), _("The key was made: copy it now."))
    response.cookies.append(Cookie(key=NEW_KEY_COOKIE, value=sign_proof("orders.new_key", {
        "user": ctx.user_id, "key": token}), path=PATH, httponly=True, samesite="strict", max_age=NEW_KEY_SECONDS,
        secure=request.url.scheme == "https" or request.app.state.settings.secure_cookies))
    return response


@post("/telephony/keys/{key_id:int}/revoke", guards=GUARD)
async def revoke_key(request: Request, key_id: FromPath[int]) -> Response:
    if read_id(key_id) is None or not await revoke_api_key(request.state.ctx, PURPOSE, key_id):
        raise NotFoundException()
    return flash(Redirect(PATH, status_code=303), _("The key was revoked: calls reported with it are refused."))


ROUTES = [telephony, add_key, revoke_key]
