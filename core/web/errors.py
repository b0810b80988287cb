"""Friendly error pages for people, JSON errors under ``/api/``.

Anything a user or client can send ends in a 4xx with a message a person
understands; only our own bugs give a 500, and those are logged.

An error page is a page like any other: the user's own menu (the enabled
plugins' ``nav_items``), the language switch, the user's language, and a way
back to where they came from. Litestar calls exception handlers without
awaiting them, so the plugins cannot be asked for their menu there:
:func:`prepare_error_page`, an ``after_exception`` hook (awaited just before
the handler), asks them and leaves the answer in the request's state for
:func:`handle_exception`. It also finds the user of a request that matched no
route (the context middleware never ran for it). What a person typed into a
form that was refused (409, 422, 403 of a :class:`~core.errors.ForecourtError`
nobody caught) is shown again on the page, so nothing typed is lost.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.middleware.csrf import generate_csrf_token
from litestar.response import Redirect
from litestar.template.base import csrf_token
from litestar.types import Empty, Scope
from litestar.utils.scope.state import ScopeState

from core.errors import ForecourtError, ValidationFailed
from core.i18n import LANGUAGE_NAMES, _, get_locale, negotiate, set_locale
from core.web import NavItem
from core.web.forms import local_path
from core.web.guards import PasswordChangeRequired
from core.web.middleware import SKIP_PREFIXES, read_context
from core.web.render import nav_for

log = logging.getLogger("forecourt.web")
CSRF_COOKIE = "fc_csrf"  #: as configured in core.app
LAYOUT = "error_layout"  #: key in the request's state: what prepare_error_page found for the page
#: form fields never shown back (secrets), and values that are codes rather than typed text
_SECRET_FIELD = re.compile(r"password|secret|token|key|csrf|proof|^(current|new|confirm|old)$", re.I)
_CODE_VALUE = re.compile(r"[a-z0-9_.:+-]*")


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


def _fragment(request: Request) -> bool:
    """As :func:`core.web.render.page`: htmx gets the content only, unless it swaps the whole body."""
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true"


def _cached_form(scope: Scope) -> dict[str, str]:
    """The submitted form if something (the CSRF check, the handler) already read it, else nothing.

    Only what was read already: reading the body now could wait for a body that a
    handler consumed without keeping, or one that was refused for its size.
    """
    state = ScopeState.from_scope(scope)
    form: Any = state.form
    if form is Empty:
        body = state.body
        content_type = dict(scope.get("headers", [])).get(b"content-type", b"").decode("latin-1")
        if body is Empty or not content_type.startswith("application/x-www-form-urlencoded"):
            return {}
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return {str(k): v for k, v in form.items() if isinstance(v, str)}


def _back(request: Request, form: dict[str, str]) -> str:
    """Where the user came from, on this site: the form's or the query's ``next``, else the referrer."""
    target = local_path(form.get("next") or request.query_params.get("next"), "")
    if not target:
        referrer = urlsplit(request.headers.get("referer", ""))
        if referrer.netloc and referrer.netloc == request.headers.get("host") and referrer.path.startswith("/"):
            target = local_path(referrer.path + (f"?{referrer.query}" if referrer.query else ""), "")
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if target in ("/", "") or (target == here and request.method == "GET"):
        return ""  # home is offered anyway; the same page again would only repeat the error
    return target


def _typed(form: dict[str, str]) -> list[str]:
    """The texts a person typed into the refused form: no hidden fields, secrets, numbers, dates or codes."""
    return [value.strip() for name, value in form.items()
            if not name.startswith("_") and name != "next" and not _SECRET_FIELD.search(name)
            and any(ch.isalpha() for ch in value) and not _CODE_VALUE.fullmatch(value.strip())]


def _layout(request: Request, exc: Exception | None) -> dict[str, Any]:
    """What the page shows around the message: the menu, the way back and the typed texts kept."""
    state = request.scope.get("state", {})
    found = state.get(LAYOUT)
    if found is not None:
        return found
    ctx = state.get("ctx")
    # Without prepare_error_page (it failed, or the page is made outside an exception): a way home.
    form = _cached_form(request.scope)
    return {"nav": [NavItem(label=_("Home"), href="/", order=0)] if ctx is not None else [],
            "back": _back(request, form),
            "typed": _typed(form) if isinstance(exc, ForecourtError) and request.method != "GET" else []}


def error_response(request: Request, status: int, detail: str = "",
                   errors: dict[str, str] | None = None, exc: Exception | None = None) -> Response:
    """The answer for an error: JSON under ``/api/``, else the error page in the full layout.

    The page has what :func:`prepare_error_page` found (without it: a way
    home) and a CSRF token its forms can post with, so the language switch
    and the log-out button work on every error page.
    """
    title = _titles().get(status, _("Error"))
    if _wants_json(request):
        body: dict[str, object] = {"status": status, "error": title, "detail": detail}
        if errors:
            body["errors"] = errors
        return Response(content=body, status_code=status, media_type=MediaType.JSON)
    env = request.app.state.jinja_env
    ctx = request.scope.get("state", {}).get("ctx")
    layout = _layout(request, exc)
    try:
        token = csrf_token({"request": request})
    except Exception:  # no route matched, so the CSRF middleware did not run: its cookie is the token
        token = ""
    token = token or request.cookies.get(CSRF_COOKIE, "")
    config = request.app.csrf_config
    # a first visit to an unknown address: give it one; a missing static file is nobody's page,
    # and static answers carry no cookie (a shared cache could hand it to someone else)
    new_cookie = not token and config is not None and not request.url.path.startswith(SKIP_PREFIXES)
    if new_cookie:
        token = generate_csrf_token(config.secret)
    html = env.get_template("core/error.html").render(
        request=request, ctx=ctx, nav=layout["nav"], status=status, title=title,
        detail=detail or _messages(status), errors=errors or {}, lang=get_locale(),
        languages=LANGUAGE_NAMES, flashes=[], fragment=_fragment(request),
        csrf_token=token, path=request.url.path, back=layout["back"], typed=layout["typed"],
    )
    # an error page may show the user's menu and the text they typed: never kept in a cache
    response = Response(content=html, status_code=status, media_type=MediaType.HTML,
                        headers={"cache-control": "private, no-store"})
    if new_cookie:  # as the CSRF middleware sets it, so that the page's forms (the language switch) work
        response.set_cookie(key=config.cookie_name, value=token, path=config.cookie_path,
                            secure=config.cookie_secure, httponly=config.cookie_httponly,
                            samesite=config.cookie_samesite, domain=config.cookie_domain)
    return response


def _redirects(request: Request, exc: Exception) -> bool:
    """Whether :func:`handle_exception` answers ``exc`` with a redirect rather than a page."""
    if isinstance(exc, PasswordChangeRequired):
        return not _wants_json(request)
    return isinstance(exc, NotAuthorizedException) and not _wants_json(request) and request.method == "GET"


async def prepare_error_page(exc: Exception, scope: Scope) -> None:
    """``after_exception`` hook: what the error page's layout needs, found before the handler runs.

    Litestar awaits this hook and then calls the (synchronous) exception
    handler in the same task. For an HTML error page it stores, under
    :data:`LAYOUT` in the request's state, the user's menu as normal pages get
    it (``nav_items`` of the enabled plugins), the way back and the typed
    texts; for a request that matched no route it first reads the session and
    sets ``ctx`` and the language, as the context middleware would have. It
    never raises: should anything fail, the page falls back to a way home.
    """
    if scope.get("type") != "http" or scope.get("path", "").startswith(SKIP_PREFIXES):
        return  # a missing static file or favicon: no person reads that page, no session to look up
    state = scope.setdefault("state", {})  # type: ignore[typeddict-item]
    if LAYOUT in state:  # the route's handler already prepared it (the app-wide one sees it again)
        return
    try:
        request: Request = scope["litestar_app"].request_class(scope=scope)
        if _wants_json(request) or _redirects(request, exc):
            return
        if "ctx" not in state:  # no route matched: the context middleware never ran
            found = await read_context(scope)
            state["ctx"] = found.ctx
            set_locale(found.language)
        ctx = state["ctx"]
        form = _cached_form(scope) if request.method != "GET" else {}
        state[LAYOUT] = {
            "nav": await nav_for(request) if ctx is not None and not _fragment(request) else [],
            "back": _back(request, form),
            "typed": _typed(form) if isinstance(exc, ForecourtError) else [],
        }
    except Exception:
        log.exception("could not prepare the error page of %s %s", scope.get("method"), scope.get("path"))


def _restore_locale(request: Request) -> None:
    """The app-wide handler runs outside the context middleware: pick the language again."""
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
        return error_response(request, exc.status_code, exc.message, exc.errors, exc=exc)
    if isinstance(exc, ForecourtError):
        return error_response(request, exc.status_code, exc.message, exc=exc)
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
