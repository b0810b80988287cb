"""The framework floor for the lead list: the same template and 50 rows, rendered from memory.

Serve with ``uvicorn --app-dir bench bare_leads:app`` (env ``BENCH_DEALER`` = the dealer's slug).
"""

from __future__ import annotations

import asyncio
import os
from types import SimpleNamespace

from litestar import Litestar, Response, get

from core import db
from core.i18n import LANGUAGE_NAMES
from core.startup import boot
from core.tables import Dealer
from core.web import NavItem
from plugins.leads import fields, services
from plugins.leads.views import FILTERS

RUNTIME = boot()  # as the app boots: machines, catalogues, the Jinja environment
TEMPLATE = RUNTIME.env.get_template("leads/list.html")


async def _rows() -> tuple[list, str]:
    async with db.lifespan_pool():
        dealer = await Dealer.select(Dealer.id).where(Dealer.slug == os.environ.get("BENCH_DEALER", "d-1")).first()
        return await services.search(dealer["id"])


ROWS, TOKEN = asyncio.run(_rows())
CONTEXT = {
    "ctx": SimpleNamespace(dealer_id=1, dealer_name="Bench Motors", user_name="Bench Manager", can=lambda _: True),
    "nav": [NavItem(label="Home", href="/", order=0, active_prefix="/"),
            NavItem(label="Leads", href="/leads/", order=10), NavItem(label="Opportunities", href="/leads/board")],
    "csrf_token": "x" * 43, "lang": "en", "languages": LANGUAGE_NAMES, "flashes": [], "path": "/leads/",
    "fragment": False, "f": dict.fromkeys(FILTERS, ""),
    "rows": ROWS, "fields": fields, "users": [{"id": 1, "name": "Bench Manager", "role": "manager"}], "after": "",
    "next_url": f"/leads/?after={TOKEN}", "first_url": "/leads/", "can_edit": True,
    "since": ROWS[0]["created_at"].isoformat(), "export_url": "/leads/export.csv?",
    "can_assign": True, "here": "/leads/",
}


@get("/")
async def leads() -> Response:
    return Response(TEMPLATE.render(**CONTEXT), media_type="text/html; charset=utf-8")


@get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar([leads, health])
