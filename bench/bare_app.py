"""The framework floor: a bare Litestar app rendering the home page's template from memory.

Same Jinja environment (core.web.templating.build_env: loaders, autoescape,
gettext), same template, same navigation; no session, no database, no hooks.
Serve with ``uvicorn --app-dir bench bare_app:app``.
"""

from __future__ import annotations

from types import SimpleNamespace

from litestar import Litestar, Response, get

from core.i18n import LANGUAGE_NAMES
from core.startup import boot
from core.web import NavItem

ENV = boot().env  # FORECOURT_PLUGINS=- in the bench: the core's templates only
TEMPLATE = ENV.get_template("core/home.html")
CONTEXT = {
    "ctx": SimpleNamespace(dealer_id=1, dealer_name="Bench Motors", user_name="Bench Admin"),
    "nav": [NavItem(label="Home", href="/", order=0, active_prefix="/"),
            NavItem(label="Users", href="/admin/dealers/1/users", order=900),
            NavItem(label="Modules", href="/admin/dealers/1/modules", order=910)],
    "csrf_token": "x" * 43,
    "lang": "en",
    "languages": LANGUAGE_NAMES,
    "flashes": [],
    "path": "/",
    "widgets": [],
    "fragment": False,
}


@get("/")
async def home() -> Response:
    return Response(TEMPLATE.render(**CONTEXT), media_type="text/html; charset=utf-8")


@get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar([home, health])
