"""Per-request context: the session's user and dealer, and the language.

One query (session ⋈ user ⋈ dealer) per request gives the user, their
dealer and the dealer's enabled modules, so switching a module takes effect
on the next request of every worker without a restart or a cache.
"""

from __future__ import annotations

from typing import NamedTuple

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core.accounts import parse_modules
from core.auth import sessions
from core.context import Context
from core.i18n import LANGUAGE_NAMES, _current, negotiate, reset_currency, set_currency
from core.timeutil import reset_zone, set_zone

SKIP_PREFIXES = ("/static/", "/favicon.ico")


def _cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies, read leniently: one malformed cookie (another app's on the same host)
    must not hide the others, as it does with ``http.cookies`` (whose parser also costs more)."""
    found: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, sep, val = part.strip().partition("=")
                if sep and key and key not in found:
                    found[key] = val.strip().strip('"')
    return found


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return value.decode("latin-1")
    return None


class RequestContext(NamedTuple):
    """What one request runs with: its user's context, language, dealer's time zone and currency."""

    ctx: Context | None
    language: str
    zone: str
    currency: str


async def read_context(scope: Scope) -> RequestContext:
    """The request's context, language, time zone and currency from its session cookie and headers.

    The context middleware calls it for every request that reaches a route; the
    error pages call it for a request no route matched (the middleware of a route
    never ran then), so that a 404 at an unknown address still knows its user.
    """
    cookies = _cookies(scope)
    user = await sessions.load(cookies.get(sessions.COOKIE))
    lang = (user.language if user else "") or cookies.get("lang") or negotiate(
        _header(scope, b"accept-language")
    )
    lang = lang if lang in LANGUAGE_NAMES else "en"
    if user is None:
        return RequestContext(None, lang, "", "")
    app_state = scope["app"].state  # type: ignore[index]
    role_perms: dict[str, frozenset[str]] = app_state.role_permissions
    ctx = Context(
        dealer_id=user.dealer_id,
        user_id=user.user_id,
        user_name=user.full_name or user.login,
        role=user.role,
        dealer_name=user.dealer_name,
        dealer_language=user.dealer_language,
        timezone=user.dealer_timezone,
        modules=parse_modules(user.dealer_modules) if user.dealer_id else frozenset(),
        permissions=role_perms.get(user.role, frozenset()),
        locale=lang,
        extra={"must_change_password": user.must_change_password, "login": user.login},
    )
    return RequestContext(ctx, lang, user.dealer_timezone, user.dealer_currency)


def _no_store(send: Send) -> Send:
    """A logged-in answer holds one user's data: no shared cache keeps it and the browser's
    back button after logging out does not show it again (``Cache-Control: private, no-store``)."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if not any(name.lower() == b"cache-control" for name, _ in headers):
                headers.append((b"cache-control", b"private, no-store"))
                message = {**message, "headers": headers}  # type: ignore[assignment]
        await send(message)

    return wrapped


class ContextMiddleware:
    """Puts ``ctx`` (a :class:`Context` or None) into ``request.state``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(SKIP_PREFIXES):
            await self.app(scope, receive, send)
            return
        ctx, lang, zone, currency = await read_context(scope)
        state = scope.setdefault("state", {})  # type: ignore[typeddict-item]
        token = _current.set(lang)
        zone_token = set_zone(zone)
        money_token = set_currency(currency)  # amounts in the dealer's currency, like jobs do
        state["ctx"] = ctx
        if ctx is not None:
            send = _no_store(send)
        try:
            await self.app(scope, receive, send)
        finally:
            _current.reset(token)
            reset_zone(zone_token)
            reset_currency(money_token)
