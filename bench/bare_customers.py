"""The framework floor for the customers list: the same template and 50 rows, rendered from memory.

The rows are read once at start-up; each request only renders
``customers/list.html`` with the same Jinja environment the app uses (no
session, no query, no hooks). Serve with ``uvicorn --app-dir bench bare_customers:app``.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from litestar import Litestar, Response, get

from core import db
from core.i18n import LANGUAGE_NAMES
from core.startup import boot
from core.tables import Dealer
from core.web import NavItem
from plugins.customers import fields, services
from plugins.customers.views import _url_with

ENV = boot().env  # as the app boots: machines, catalogues, the Jinja environment
TEMPLATE = ENV.get_template("customers/list.html")


async def _rows() -> tuple[list, str]:
    async with db.lifespan_pool():
        dealer = await Dealer.select(Dealer.id).where(Dealer.slug == "bench").first()
        return await services.search(dealer["id"])


ROWS, TOKEN = asyncio.run(_rows())
FILTERS = {key: "" for key in ("q", "status", "temperature", "source", "model", "followup", "created_from",
                               "created_to", "sort", "view", "invalid")} | {"view": "list"}
CONTEXT = {
    "ctx": SimpleNamespace(dealer_id=1, dealer_name="Bench Motors", user_name="Bench Admin"),
    "nav": [NavItem(label="Home", href="/", order=0, active_prefix="/"),
            NavItem(label="Customers", href="/customers/", order=20),
            NavItem(label="Users", href="/admin/dealers/1/users", order=900),
            NavItem(label="Modules", href="/admin/dealers/1/modules", order=910)],
    "csrf_token": "x" * 43, "lang": "en", "languages": LANGUAGE_NAMES, "flashes": [], "path": "/customers/",
    "fragment": False, "f": FILTERS, "rows": ROWS, "sections": [], "next_after": TOKEN, "after": "", "notes": {},
    "fields": fields, "can_edit": True, "can_admin": True, "url_with": _url_with(FILTERS),
}


@get("/")
async def customers() -> Response:
    return Response(TEMPLATE.render(**CONTEXT), media_type="text/html; charset=utf-8")


@get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar([customers, health])
