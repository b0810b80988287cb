"""Login, logout, password change and the language switch."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect

from core import accounts
from core.auth import sessions, throttle
from core.auth.passwords import verify_password
from core.errors import ValidationFailed
from core.i18n import _
from core.settings import LANGUAGES
from core.tables import User
from core.web.forms import form, local_path
from core.web.render import flash, page

PUBLIC = {"public": True}


def _session_cookie(token: str, settings: Any) -> Cookie:
    return Cookie(key=sessions.COOKIE, value=token, path="/", httponly=True, samesite="lax",
                  max_age=settings.session_days * 86400, secure=settings.secure_cookies)


@get("/login", opt=PUBLIC, name="login")
async def login_form(request: Request) -> Response:
    return await page(request, "core/login.html",
                      {"next": local_path(request.query_params.get("next"))})


@post("/login", opt=PUBLIC)
async def login(request: Request) -> Response:
    data = await form(request)
    identifier, password = data.get("identifier", "").strip(), data.get("password", "")
    target = local_path(data.get("next"))
    settings = request.app.state.settings
    context = {"identifier": identifier, "next": target}
    if not identifier or not password:
        context["error"] = _("Enter your login or e-mail and your password.")
        return await page(request, "core/login.html", context, status_code=422)
    account = await accounts.account_name(identifier)
    if not await throttle.claim_attempt(account, settings.throttle_attempts, settings.throttle_minutes):
        context["error"] = _(
            "Too many failed attempts. Wait %(minutes)d minutes and try again."
        ) % {"minutes": settings.throttle_minutes}
        return await page(request, "core/login.html", context, status_code=429)
    user = await accounts.authenticate(identifier, password)
    if user is None:
        client = request.client.host if request.client else ""
        await throttle.record_failure(identifier, client)
        context["error"] = _("The login or password is not correct.")
        return await page(request, "core/login.html", context, status_code=401)
    await throttle.clear(account)
    await throttle.purge_older_than(settings.throttle_minutes)
    await sessions.purge_expired()
    # A new session id at every login: a cookie planted before login dies here.
    await sessions.end(request.cookies.get(sessions.COOKIE))
    token = await sessions.create(user.id, user.dealer_id, settings.session_days)
    target = "/account/password" if user.must_change_password else target
    response = Redirect(target)
    response.cookies.append(_session_cookie(token, settings))
    if user.language:
        response.cookies.append(Cookie(key="lang", value=user.language, path="/",
                                       samesite="lax", max_age=365 * 86400, secure=settings.secure_cookies))
    return response


@post("/logout", opt=PUBLIC)
async def logout(request: Request) -> Response:
    await sessions.end(request.cookies.get(sessions.COOKIE))
    response = Redirect("/login")
    response.delete_cookie(sessions.COOKIE, path="/")
    return response


@get("/account/password", opt={"allow_password_change": True})
async def password_form(request: Request) -> Response:
    ctx = request.state.ctx
    return await page(request, "core/password.html",
                      {"forced": ctx.extra.get("must_change_password"), "errors": {}})


@post("/account/password", opt={"allow_password_change": True})
async def change_password(request: Request) -> Response:
    ctx = request.state.ctx
    data = await form(request)
    current, new, confirm = data.get("current", ""), data.get("new", ""), data.get("confirm", "")
    errors: dict[str, str] = {}
    user = await User.objects().get(User.id == ctx.user_id)
    if not verify_password(user.password_hash, current):
        errors["current"] = _("The current password is not correct.")
    if new != confirm:
        errors["confirm"] = _("The two new passwords differ.")
    elif new == current:
        errors["new"] = _("Choose a password different from the current one.")
    if not errors:
        try:
            await accounts.set_password(ctx.user_id, new, must_change=False)
        except ValidationFailed as exc:
            errors.update({"new" if k == "password" else k: v for k, v in exc.errors.items()})
    if errors:
        return await page(request, "core/password.html",
                          {"forced": ctx.extra.get("must_change_password"), "errors": errors},
                          status_code=422)
    # Privilege change: end every session of the user, this one included, and issue a new one.
    settings = request.app.state.settings
    await sessions.end_all_for_user(ctx.user_id)
    token = await sessions.create(ctx.user_id, ctx.dealer_id, settings.session_days)
    response = flash(Redirect("/"), _("Your password has been changed."))
    response.cookies.append(_session_cookie(token, settings))
    return response


@post("/lang", opt=PUBLIC)
async def switch_language(request: Request) -> Response:
    data = await form(request)
    lang = data.get("lang", "en")
    if lang not in LANGUAGES:
        lang = "en"
    ctx = request.state.get("ctx")
    if ctx is not None:
        await User.update({User.language: lang}).where(User.id == ctx.user_id)
    response = Redirect(local_path(data.get("next")))
    response.cookies.append(Cookie(key="lang", value=lang, path="/", samesite="lax",
                                   max_age=365 * 86400, secure=request.app.state.settings.secure_cookies))
    return response


ROUTES = [login_form, login, logout, password_form, change_password, switch_language]
