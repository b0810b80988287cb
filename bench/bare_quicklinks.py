"""The floor for the quick links shop: the same catalogue template and rows from memory, and bare order inserts.

Serve with ``uvicorn --app-dir bench bare_quicklinks:app`` (env ``BENCH_DEALER``: the dealer's slug, as
seeded by bench/quicklinks.py).

* ``GET /`` renders ``quicklinks/shop/catalogue.html`` with the first 50 products, priced once at start-up;
* ``POST /checkout`` writes a copy of the seeded quick-link order — its row and its lines — with the next
  number: one multi-row INSERT each, in one transaction, nothing read, nothing checked.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from types import SimpleNamespace

from litestar import Litestar, Response, get, post

from core import db
from core.i18n import LANGUAGE_NAMES
from core.startup import boot
from core.tables import Dealer
from plugins.orders import services as catalogue
from plugins.orders.tables import Order, OrderLine
from plugins.quicklinks import branding, pricing, rates
from plugins.quicklinks.shop.catalogue import KINDS

RUNTIME = boot()
TEMPLATE = RUNTIME.env.get_template("quicklinks/shop/catalogue.html")


async def _load() -> tuple[dict, dict, list]:
    async with db.lifespan_pool():
        dealer = await Dealer.select(Dealer.id, Dealer.name, Dealer.currency).where(
            Dealer.slug == os.environ.get("BENCH_DEALER", "ql-1")).first()
        rows, token = await catalogue.catalogue_page(dealer["id"])
        terms = pricing.terms({"currency": "CZK", "discount_pct": "7"}, dealer["currency"],
                              await rates.table(dealer["id"]))
        look = await branding.look(dealer["id"], dealer["name"])
        products = [{**r, "price": pricing.price(r, terms), "in_stock": r["available"] > 0} for r in rows]
        shop = SimpleNamespace(terms=terms, customer={"name": "Bench Customer"})
        context = {"request": None, "ctx": None, "nav": [], "csrf_token": "x" * 43, "lang": "en",
                   "languages": LANGUAGE_NAMES, "flashes": [], "path": "/quicklinks/shop/", "fragment": False,
                   "shop": shop, "look": look, "products": products, "q": "", "kind": "", "kinds": KINDS,
                   "more": f"?after={token}" if token else "", "first": True, "in_cart": 0}
        order = await Order.scoped(dealer["id"]).select().where(Order.source == "quicklink").order_by(
            Order.id).first()
        lines = await OrderLine.scoped(dealer["id"]).select().where(OrderLine.order_id == order["id"])
        return context, order, lines


CONTEXT, ORDER, LINES = asyncio.run(_load())
#: negative, so the app's next number (the largest + 1), measured in alternation on the same base, never meets them
NUMBERS = itertools.count(-1 - os.getpid() % 1000 * 10**5, -1)
ORDER_COLUMNS = [c._meta.db_column_name for c in Order._meta.columns if c._meta.db_column_name != "id"]
LINE_COLUMNS = [c._meta.db_column_name for c in OrderLine._meta.columns if c._meta.db_column_name != "id"]
ORDER_SQL = (f"INSERT INTO orders_order ({', '.join(ORDER_COLUMNS)}) VALUES "
             f"({', '.join(['{}'] * len(ORDER_COLUMNS))}) RETURNING id")
LINE_SQL = (f"INSERT INTO orders_order_line ({', '.join(LINE_COLUMNS)}) VALUES "
            + ", ".join(["(" + ", ".join(["{}"] * len(LINE_COLUMNS)) + ")"] * len(LINES)))


@get("/")
async def shop_catalogue() -> Response:
    return Response(TEMPLATE.render(**CONTEXT), media_type="text/html; charset=utf-8")


@post("/checkout", status_code=303)
async def checkout() -> Response:
    row = {**ORDER, "number": next(NUMBERS)}
    async with db.transaction():
        made = await Order.raw(ORDER_SQL, *[row[c] for c in ORDER_COLUMNS])
        await OrderLine.raw(LINE_SQL, *[{**line, "order_id": made[0]["id"]}[c] for line in LINES
                                        for c in LINE_COLUMNS])
    return Response(b"", status_code=303, headers={"location": f"/orders/{made[0]['id']}"})


@get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


def _pool(_app: Litestar) -> object:
    return db.lifespan_pool()  # the same pooled connections the app opens in its lifespan


app = Litestar([shop_catalogue, checkout, health], lifespan=[_pool])
