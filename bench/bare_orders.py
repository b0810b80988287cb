"""The framework floor for the orders list and its search: the same template and rows, rendered from memory.

Serve with ``uvicorn --app-dir bench bare_orders:app`` (env ``BENCH_DEALER`` = the dealer's slug,
``BENCH_QUERY`` = the search term whose rows ``/search`` renders).
"""

from __future__ import annotations

import asyncio
import os
from types import SimpleNamespace

from litestar import Litestar, Response, get

from core import db
from core.i18n import LANGUAGE_NAMES
from core.startup import boot
from core.tables import Dealer, User
from core.web import NavItem
from plugins.orders import list_pages
from plugins.orders.listing import orders as listing
from plugins.orders.machines import ORDER_MACHINE

RUNTIME = boot()  # as the app boots: machines, catalogues, the Jinja environment
TEMPLATE = RUNTIME.env.get_template("orders/list.html")


async def _rows(q: str) -> tuple[list, str, list]:
    async with db.lifespan_pool():
        dealer = await Dealer.select(Dealer.id).where(Dealer.slug == os.environ.get("BENCH_DEALER", "d-1")).first()
        rows, token = await listing.search(dealer["id"], listing.Filters(q=q))
        users = await User.select(User.id, User.full_name).where(User.dealer_id == dealer["id"])
        names = {u["id"]: u["full_name"] for u in users}
        for row in rows:
            row["manager_name"] = names.get(row["manager_id"], "")
            row["blacklisted"] = None
        return rows, token, [{"id": u["id"], "name": u["full_name"], "role": "manager"} for u in users]


def _context(q: str) -> dict:
    rows, token, users = asyncio.run(_rows(q))
    values = {key: "" for key in list_pages.FILTERS} | {"q": q, "status": []}
    return {
        "ctx": SimpleNamespace(dealer_id=1, dealer_name="Bench Motors", user_name="Bench Manager", can=lambda _: True),
        "nav": [NavItem(label="Home", href="/", order=0, active_prefix="/"),
                NavItem(label="Orders", href="/orders/", order=35), NavItem(label="Catalogue",
                                                                            href="/orders/catalogue/", order=40)],
        "csrf_token": "x" * 43, "lang": "en", "languages": LANGUAGE_NAMES, "flashes": [], "path": "/orders/",
        "fragment": False, "f": values, "rows": rows, "after": "", "users": users,
        "statuses": ORDER_MACHINE.states, "deliveries": list_pages.DELIVERY_METHODS, "sources": list_pages.SOURCES,
        "next_url": f"/orders/?after={token}" if token else "", "first_url": "/orders/?",
        "export_url": "/orders/export.csv?",
    }


LIST = _context("")
SEARCH = _context(os.environ.get("BENCH_QUERY", ""))


@get("/")
async def orders() -> Response:
    return Response(TEMPLATE.render(**LIST), media_type="text/html; charset=utf-8")


@get("/search")
async def search() -> Response:
    return Response(TEMPLATE.render(**SEARCH), media_type="text/html; charset=utf-8")


@get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar([orders, search, health])
