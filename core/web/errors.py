"""Friendly error pages for people, JSON errors under ``/api/``.

Anything a user or client can send ends in a 4xx with a message a person
understands; only our own bugs give a 500, and those are logged.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.response import Redirect
from litestar.template.base import csrf_token

from core.errors import ForecourtError, ValidationFailed
from core.i18n import _, get_locale, negotiate, set_locale
from core.web import NavItem
from core.web.guards import PasswordChangeRequired

log = logging.getLogger("forecourt.web")
CSRF_COOKIE = "fc_csrf"  #: as configured in core.app


def _titles() -> dict[int, str]:
    return {
        400: _("The request could not be understood"),
        401: _("Please log in"),
        403: _("You do not have access to this page"),
        404: _("Page not found"),
        405: _("This action is not allowed here"),
        409: _("This conflicts with the current state"),
        413: _("The upload is too large"),
        422: _("Some of the data is not valid"),
        429: _("Too many requests"),
        500: _("Something went wrong on our side"),
    }


def _messages(status: int) -> str:
    return {
        403: _("If you think you should see it, ask your dealer's administrator."),
        404: _("The address may be mistyped, or the module is not enabled for your dealer."),
        500: _("The error was logged. Please try again; if it persists, tell the administrator."),
    }.get(status, "")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, detail: str = "",
                   errors: dict[str, str] | None = None) -> Response:
    title = _titles().get(status, _("Error"))
    if _wants_json(request):
        body: dict[str, object] = {"status": status, "error": title, "detail": detail}
        if errors:
            body["errors"] = errors
        return Response(content=body, status_code=status, media_type=MediaType.JSON)
    env = request.app.state.jinja_env
    ctx = request.scope.get("state", {}).get("ctx")
    # Exception handlers are synchronous, so the plugins' menu cannot be asked for here: a way
    # home, and a working log-out button (the CSRF token of the request), must do.
    nav = [NavItem(label=_("Home"), href="/", order=0)] if ctx is not None else []
    try:
        token = csrf_token({"request": request})
    except Exception:  # no route matched, so the CSRF middleware did not run: its cookie is the token
        token = ""
    token = token or request.cookies.get(CSRF_COOKIE, "")
    html = env.get_template("core/error.html").render(
        request=request, ctx=ctx, nav=nav, status=status, title=title,
        detail=detail or _messages(status), errors=errors or {}, lang=get_locale(),
        languages={}, flashes=[], fragment=request.headers.get("hx-request") == "true",
        csrf_token=token, path=request.url.path,
    )
    return Response(content=html, status_code=status, media_type="text/html; charset=utf-8")


def _restore_locale(request: Request) -> None:
    """Exception handlers run outside the context middleware: pick the language again."""
    ctx = request.scope.get("state", {}).get("ctx")
    set_locale(
        (ctx.locale if ctx else "")
        or request.cookies.get("lang", "")
        or negotiate(request.headers.get("accept-language"))
    )


def handle_exception(request: Request, exc: Exception) -> Response:
    _restore_locale(request)
    if isinstance(exc, PasswordChangeRequired):
        if _wants_json(request):
            return error_response(request, 403, _("You must change your password first."))
        return Redirect("/account/password")
    if isinstance(exc, NotAuthorizedException):
        if _wants_json(request) or request.method != "GET":
            return error_response(request, 401, _("Please log in."))
        return Redirect(f"/login?next={quote(request.url.path)}")
    if isinstance(exc, ValidationFailed):
        return error_response(request, exc.status_code, exc.message, exc.errors)
    if isinstance(exc, ForecourtError):
        return error_response(request, exc.status_code, exc.message)
    if isinstance(exc, ValidationException):
        return error_response(request, 400, _("Some of the data sent is missing or malformed."))
    if isinstance(exc, HTTPException):
        status = exc.status_code
        detail = ""
        if status == 403 and "CSRF" in str(exc.detail):
            detail = _("The form expired. Go back, reload the page and try again.")
        elif status not in (404, 500) and exc.detail and exc.detail != _titles().get(status):
            detail = str(exc.detail)
        return error_response(request, status, detail)
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500)
