"""Rendering pages: one call gives the template what every page needs.

``page()`` returns the full page for a normal request and only the
``{% block content %}`` fragment for an htmx request (unless the request
targets the whole body), so every URL works without JavaScript too.

Only a whole page shows the menu, so only a whole page asks the plugins for
it (``nav_items``): an htmx fragment and a panel rendered into a page
(``render_panel``: the workflow actions, the timeline) get the same context
with an empty ``nav``. A card with two panels builds its menu once, not three
times (tests/test_card_render.py counts it).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, unquote

from jinja2 import Environment
from litestar import MediaType, Request, Response
from litestar.datastructures import Cookie
from litestar.template.base import csrf_token
from markupsafe import Markup

from core.i18n import LANGUAGE_NAMES, get_locale
from core.runtime import current

FLASH_COOKIE = "fc_flash"
def env_of(request: Request) -> Environment:
    return request.app.state.jinja_env


async def nav_for(request: Request) -> list[Any]:
    ctx = request.state.get("ctx")
    if ctx is None:
        return []
    reg = request.app.state.registry
    items = await reg.call("nav_items", ctx=ctx)
    if ctx.is_platform_admin:
        items += await reg.call("platform_nav_items", ctx=ctx)
    return sorted(items, key=lambda item: (item.order, str(item.label)))


def _read_flash(request: Request) -> list[dict[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    try:
        data = json.loads(unquote(raw))
        return [m for m in data if isinstance(m, dict)][:5]
    except ValueError:
        return []


def flash(response: Response, message: str, kind: str = "success") -> Response:
    """Show ``message`` on the next page the browser loads (survives a redirect)."""
    value = quote(json.dumps([{"kind": kind, "text": str(message)}]))
    response.cookies.append(Cookie(key=FLASH_COOKIE, value=value, path="/", httponly=True,
                                   samesite="lax", secure=current().settings.secure_cookies))
    return response


async def base_context(request: Request, menu: bool = True) -> dict[str, Any]:
    """What every template may use: the request, ``ctx``, the CSRF token, the language, the flashes, the path.

    ``nav`` (the menu, from every enabled plugin's ``nav_items``) is built
    only with ``menu=True``; without it ``nav`` is an empty list, so a
    template that tests it still renders.
    """
    ctx = request.state.get("ctx")
    return {
        "request": request,
        "ctx": ctx,
        "nav": await nav_for(request) if menu else [],
        "csrf_token": csrf_token({"request": request}),
        "lang": get_locale(),
        "languages": LANGUAGE_NAMES,
        "flashes": _read_flash(request),
        "path": request.url.path,
    }


async def render_string(request: Request, template: str, context: dict[str, Any]) -> str:
    """Render ``template`` with the page context; with ``fragment`` true in ``context``, without the menu."""
    data = await base_context(request, menu=not context.get("fragment"))
    data.update(context)
    return env_of(request).get_template(template).render(**data)


async def render_panel(request: Request, template: str, context: dict[str, Any]) -> Markup:
    """Render a panel that goes into a page or answers an htmx request by itself, as Markup.

    It gets the page context (``ctx``, ``csrf_token``, ``lang``, ``path``,
    gettext, filters) except the menu, which belongs to the page around it.
    """
    return Markup(await render_string(request, template, {**context, "fragment": True}))


async def page(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    """Render ``template`` as a page (or its content fragment for htmx)."""
    context = dict(context or {})
    htmx = request.headers.get("hx-request") == "true"
    boosted = request.headers.get("hx-boosted") == "true"
    context["fragment"] = htmx and not boosted
    html = await render_string(request, template, context)
    response = Response(content=html, media_type=MediaType.HTML,
                        status_code=status_code)
    if request.cookies.get(FLASH_COOKIE) and not context["fragment"]:
        # shown on this page: gone; a fragment has no flash area, so the message waits for the next page
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response
