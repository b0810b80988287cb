"""Benchmark: the orders list and search at 10,000 and 1,000,000 orders over 100 dealers, and order creation.

Run: ``.venv/bin/python bench/orders.py [--total 1000000] [--small 10000] [--seconds 5] [--rounds 3]``

Generates a realistic base (100 dealers; Czech and Russian names, phones and
e-mails; every status, delivery method and source; waybills on shipped
orders; two years of dates) with multi-row INSERTs, then for each size
measures with wrk, one uvicorn worker, server and load on separate cores,
on SQLite and on PostgreSQL:

* one dealer's orders list, first page and 20 pages deep, against
  ``bench/bare_orders.py`` rendering the same template with the same 50 rows
  from memory (goal: list <= 1.5x the bare page);
* the order search by a common surname against the bare page rendering the
  same found rows (goal <= 1.5x), and by the last 4 digits of a phone;
* the list at the small and the large size (goal: 1M within 1.2x of 10k);
* order creation in-process: orders of one item, one at a time through the
  sales service (``plugins.orders.sales.services.create``: the form's
  reading and checks, the line from the catalogue, Decimal totals, the
  approval limits, gap-free numbering, ``create_entity`` with its veto hook
  and history, ``orders_order_placed`` after the commit) against bare
  multi-row INSERTs of the same order and line rows, orders per second.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (
    ROOT,
    alternate,
    bulk_insert,
    login_cookie,
    median_load,
    paired_ratio,
    server,
    table,
    throwaway_postgres,
)

PASSWORD = "bench-pass-2026"
DEALERS = 100
CREATE = 1000  #: orders created one by one (and bare-inserted) for the throughput figure
CS = (["Novák", "Svoboda", "Novotný", "Dvořák", "Černý", "Procházka", "Kučera", "Veselý", "Horák", "Němec",
       "Marek", "Pokorný", "Pospíšil", "Hájek", "Jelínek", "Král", "Růžička", "Beneš", "Fiala", "Sedláček"],
      ["Jan", "Petr", "Josef", "Pavel", "Martin", "Tomáš", "Jaroslav", "Miroslav", "Zdeněk", "Václav",
       "Jana", "Marie", "Eva", "Hana", "Anna", "Lenka", "Kateřina", "Lucie", "Věra", "Alena"])
RU = (["Смирнов", "Иванов", "Кузнецов", "Соколов", "Попов", "Лебедев", "Козлов", "Новиков", "Морозов",
       "Петров", "Волков", "Соловьёв", "Васильев", "Зайцев", "Павлов", "Семёнов", "Голубев", "Виноградов"],
      ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений", "Иван", "Михаил", "Артём",
       "Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Екатерина"])
STATUSES = ("new",) * 4 + ("confirmed",) * 2 + ("delivered",) * 4 + (
    "refused_phone", "cancelled_site", "call_back", "pending", "preorder", "in_production", "shipped",
    "awaiting_pickup", "refused_pickup", "returned", "lost", "archived")
SHIPPED = {"shipped", "awaiting_pickup", "refused_pickup", "returned", "delivered", "lost", "archived"}


def _order_columns() -> list[tuple[str, Any]]:
    """Every column of orders_order but the id, with the value a row gets when it gives none."""
    from plugins.orders.tables import Order

    columns = []
    for column in Order._meta.columns:
        name = column._meta.db_column_name
        if name == "id":
            continue
        default = column.default
        columns.append((name, None if column._meta.null and default is None else default))
    return columns


def _values(rng: random.Random, i: int, czech: bool, manager: int, moment: dt.datetime) -> dict[str, Any]:
    """One order's own values (contact, status, money) with its search keys, as the write path derives them."""
    from plugins.orders.search.orders import name_keys, waybill_key

    surnames, firsts = CS if czech else RU
    name = f"{rng.choice(firsts)} {rng.choice(surnames)}"
    if czech:
        number = f"60{rng.randint(1, 8)}{rng.randrange(10**6):06d}"
        phone, digits = f"+420 {number[:3]} {number[3:6]} {number[6:]}", "420" + number
    else:
        number = f"9{rng.randrange(10**9):09d}"[:10]
        phone, digits = f"+7 {number[:3]} {number[3:6]}-{number[6:8]}-{number[8:]}", "7" + number
    status = rng.choice(STATUSES)
    waybill = f"RR{rng.randrange(10**9):09d}CZ" if status in SHIPPED else ""
    if name not in _NAME_KEYS:
        _NAME_KEYS[name] = name_keys(name)
    total = Decimal(rng.randrange(5_000, 3_000_000))
    email = f"o{i}@example.com"
    return {"source": rng.choice(("form", "form", "inquiry", "quicklink", "api")),
            "manager_id": manager if rng.random() < 0.85 else None,
            "contact_name": name, "contact_phone": phone, "contact_email": email,
            "delivery_method": rng.choice(("pickup", "courier", "transport")),
            "payment_method": rng.choice(("cash", "card", "bank_transfer", "online")),
            "waybill": waybill, "currency": "CZK" if czech else "RUB", "total": total, "subtotal": total,
            "created_at": moment, "updated_at": moment, "status": status,
            "name_key": _NAME_KEYS[name][0], "name_key2": _NAME_KEYS[name][1], "email_key": email,
            "phone_rev": digits[::-1], "waybill_key": waybill_key(waybill)}


_NAME_KEYS: dict[str, tuple[str, str]] = {}


def _check_keys() -> None:
    """The seed's shortcut keys are the write path's (:func:`plugins.orders.search.orders.keys`)."""
    from plugins.orders.search.orders import keys

    rng = random.Random(1)
    for i, czech in ((1, True), (2, False)):
        row = _values(rng, i, czech, 1, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        wanted = keys(row, "cs" if czech else "ru")
        assert {k: row[k] for k in wanted} == wanted, (row, wanted)


async def _insert_rows(rows: list[dict[str, Any]]) -> list[int]:
    """One multi-row INSERT of complete order rows (the bare write); their ids."""
    from core import db
    from plugins.orders.tables import Order

    columns = _order_columns()
    placeholders = "(" + ", ".join(["{}"] * len(columns)) + ")"
    sql = (f"INSERT INTO orders_order ({', '.join(name for name, _ in columns)}) VALUES "
           + ", ".join([placeholders] * len(rows)) + " RETURNING id")
    params = [row.get(name, default) for row in rows for name, default in columns]
    async with db.transaction():
        return [r["id"] for r in await Order.raw(sql, *params)]


async def _insert_lines(lines: list[dict[str, Any]]) -> None:
    """One multi-row INSERT of the orders' lines (the bare write's second statement)."""
    from core import db
    from plugins.orders.tables import OrderLine

    names = [c._meta.db_column_name for c in OrderLine._meta.columns if c._meta.db_column_name != "id"]
    sql = (f"INSERT INTO orders_order_line ({', '.join(names)}) VALUES "
           + ", ".join(["(" + ", ".join(["{}"] * len(names)) + ")"] * len(lines)))
    async with db.transaction():
        await OrderLine.raw(sql, *[line[n] for line in lines for n in names])


async def _seed(total: int) -> None:
    """In a child process: migrate, 100 dealers with a manager each, ``total`` orders (skipped if present)."""
    from core import accounts, db
    from core.migrations import migrate
    from core.settings import Settings
    from core.startup import boot
    from core.tables import Dealer
    from plugins.orders.tables import Order

    settings = Settings.from_env()
    boot(settings)
    async with db.lifespan_pool():
        await migrate()
        if await Dealer.exists().where(Dealer.slug == "d-1"):
            return
        managers = {}
        for n in range(1, DEALERS + 1):
            dealer = await accounts.create_dealer(f"Dealer {n}", f"d-{n}", f"City {n}", "cs" if n % 2 else "ru",
                                                  ["orders"])
            user = await accounts.create_user(login=f"m{n}", password=PASSWORD, role="manager", dealer_id=dealer.id,
                                              must_change_password=False, full_name=f"Manager {n}")
            managers[dealer.id] = (user.id, n % 2)
        rng = random.Random(2026)
        start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        step = dt.timedelta(days=700) / total
        dealer_ids = list(managers)
        _check_keys()
        batch: list[dict[str, Any]] = []
        for i in range(total):
            dealer_id = dealer_ids[i % DEALERS]
            user_id, czech = managers[dealer_id]
            row = _values(rng, i, bool(czech), user_id, start + step * i)
            row.update(dealer_id=dealer_id, number=i // DEALERS + 1)
            batch.append(row)
            if len(batch) == 50_000:
                await bulk_insert(settings.database_url, "orders_order", _order_columns(), batch)
                batch.clear()
        if batch:
            await bulk_insert(settings.database_url, "orders_order", _order_columns(), batch)
        if not settings.is_sqlite:
            await Order.raw("ANALYZE")


async def _creation() -> None:
    """In a child process: CREATE orders of one item through the sales service, then the same rows bare-inserted."""
    from core import db
    from core.settings import Settings
    from core.startup import boot
    from core.tables import Dealer, User
    from forecourt import system_context
    from plugins.orders import services as catalogue
    from plugins.orders.sales import services as sales
    from plugins.orders.tables import Order, OrderLine

    settings = Settings.from_env()
    boot(settings)
    async with db.lifespan_pool():
        dealer = await Dealer.select(Dealer.id, Dealer.language).where(Dealer.slug == "d-2").first()
        manager = await User.select(User.id).where(User.dealer_id == dealer["id"]).first()
        ctx = system_context(dealer["id"], frozenset({"orders"}))
        warehouse = await catalogue.create_warehouse(ctx, {"name": "Bench"})
        product = await catalogue.create_product(ctx, {"kind": "part", "sku": "BENCH-1", "name": "Wiper blade",
                                                        "active": "1", "base_price": "490"})
        rng = random.Random(11)
        moment = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
        rows = [_values(rng, 10**8 + i, False, manager["id"], moment) for i in range(CREATE)]
        form = ("contact_name", "contact_phone", "contact_email", "delivery_method", "payment_method", "waybill")

        t = time.perf_counter()
        for row in rows:  # what the order form sends: strings, one item
            await sales.create(ctx, {**{k: row[k] for k in form}, "manager_id": str(manager["id"]),
                                     "warehouse_id": str(warehouse.id)},
                               [{"product_id": product.id, "quantity": "1"}], source=row["source"])
        service_rate = CREATE / (time.perf_counter() - t)
        made = await Order.scoped(dealer["id"]).select().where(Order.warehouse_id == warehouse.id).order_by(Order.id)
        line = (await OrderLine.scoped(dealer["id"]).select().where(OrderLine.order_id == made[0]["id"]))[0]
        top = (await Order.raw("SELECT MAX(number) AS n FROM orders_order WHERE dealer_id = {}", dealer["id"]))[0]["n"]
        bare = [{k: v for k, v in {**row, "number": top + 1 + n}.items() if k != "id"} for n, row in enumerate(made)]
        t = time.perf_counter()
        for start in range(0, CREATE, 500):
            ids = await _insert_rows(bare[start:start + 500])
            await _insert_lines([{**line, "order_id": i} for i in ids])
        bare_rate = CREATE / (time.perf_counter() - t)
        print(f"{service_rate:.1f} {bare_rate:.1f}")


def _known_order(url: str, cookie: dict[str, str]) -> tuple[str, str]:
    """A surname and the last 4 phone digits of an order on the first page (to search for them)."""
    text = httpx.get(url + "/orders/", headers=cookie).text
    name, phone = re.search(r'<td>([^<]+)</td>\s*<td>([^<]+)<br>', text).groups()
    return name.split()[-1], "".join(c for c in phone if c.isdigit())[-4:]


def measure(engine: str, url: str, total: int, args: argparse.Namespace, creation: bool) -> dict[str, float]:
    env = {"FORECOURT_DATABASE_URL": url, "FORECOURT_PLUGINS": "orders", "FORECOURT_JOBS_INTERVAL": "0",
           "FORECOURT_ARGON2_PROFILE": "test",  # the 100 seeded logins hash fast; the login still verifies
           "FORECOURT_SECRET_KEY": "bench-secret-key-not-for-production", "BENCH_DEALER": "d-1"}
    t = time.monotonic()
    subprocess.run([sys.executable, __file__, "--seed", str(total)], env={**os.environ, **env}, cwd=ROOT, check=True)
    print(f"{engine}: {total:,} orders over {DEALERS} dealers ready in {time.monotonic() - t:.0f} s", flush=True)
    out: dict[str, float] = {}
    with server(["--factory", "core.cli:app_factory"], env) as app_url:
        cookie = {"Cookie": login_cookie(app_url, "m1", PASSWORD)}
        surname, tail = _known_order(app_url, cookie)
    env["BENCH_QUERY"] = surname
    with server(["--factory", "core.cli:app_factory"], env) as app_url, \
            server(["--app-dir", "bench", "bare_orders:app"], env) as bare_url:
        cookie = {"Cookie": login_cookie(app_url, "m1", PASSWORD)}
        with httpx.Client(base_url=app_url, headers=cookie) as client:
            deep = "/orders/"
            for _ in range(20):
                text = client.get(deep).text
                if 'rel="next"' not in text:
                    break
                deep = text.split('" rel="next"')[0].rsplit('href="', 1)[1].replace("&amp;", "&")
        targets = {"list": (app_url + "/orders/", args.connections, cookie),
                   "bare": (bare_url + "/", args.connections, None),
                   "deep": (app_url + deep, args.connections, cookie),
                   "search": (app_url + "/orders/?" + urlencode({"q": surname}), args.connections, cookie),
                   "bare_search": (bare_url + "/search", args.connections, None),
                   "phone": (app_url + "/orders/?" + urlencode({"q": tail}), args.connections, cookie)}
        runs = alternate(targets, args.rounds, args.seconds)
        for label, loads in runs.items():
            load = median_load(loads)
            out[label], out[label + "_rps"], out[label + "_errors"] = load.p50_ms, load.rps, load.errors
        out["ratio"] = paired_ratio(runs["list"], runs["bare"])
        out["search_ratio"] = paired_ratio(runs["search"], runs["bare_search"])
    if creation:
        made = subprocess.run([sys.executable, __file__, "--creation"], env={**os.environ, **env}, cwd=ROOT,
                              capture_output=True, text=True, check=True)
        out["create"], out["create_bare"] = (float(v) for v in made.stdout.split()[-2:])
    return out


def _errors(out: dict[str, float]) -> float:
    return sum(value for key, value in out.items() if key.endswith("_errors"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per page; medians are reported")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--creation", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        asyncio.run(_seed(args.seed))
        return 0
    if args.creation:
        asyncio.run(_creation())
        return 0
    rows = [["engine", "measure", f"{args.small:,} orders", f"{args.total:,} orders", "goal"]]

    def report(engine: str, small: dict[str, float], large: dict[str, float]) -> None:
        rows.extend([
            [engine, "list p50 ms (req/s)", f"{small['list']:.2f} ({small['list_rps']:,.0f})",
             f"{large['list']:.2f} ({large['list_rps']:,.0f})", ""],
            [engine, "list 20 pages deep p50 ms", f"{small['deep']:.2f}", f"{large['deep']:.2f}", ""],
            [engine, "bare page p50 ms", f"{small['bare']:.2f}", f"{large['bare']:.2f}", ""],
            [engine, "list / bare (median of the rounds' ratios)", f"{small['ratio']:.2f}x",
             f"{large['ratio']:.2f}x", "<= 1.5x"],
            [engine, "list at the large / the small size", "", f"{large['list'] / small['list']:.2f}x", "<= 1.2x"],
            [engine, "surname search p50 ms (req/s)", f"{small['search']:.2f} ({small['search_rps']:,.0f})",
             f"{large['search']:.2f} ({large['search_rps']:,.0f})", ""],
            [engine, "bare page of the found rows p50 ms", f"{small['bare_search']:.2f}",
             f"{large['bare_search']:.2f}", ""],
            [engine, "search / bare (median of the rounds' ratios)", f"{small['search_ratio']:.2f}x",
             f"{large['search_ratio']:.2f}x", "<= 1.5x"],
            [engine, "phone's last 4 digits p50 ms", f"{small['phone']:.2f}", f"{large['phone']:.2f}", ""],
            [engine, "errors (all pages, the bare ones too)", f"{_errors(small):.0f}", f"{_errors(large):.0f}", "0"],
        ])
        if "create" in large:
            rows.append([engine, f"creation, orders/s: sales service / bare INSERT ({CREATE:,} orders of 1 item)", "",
                         f"{large['create']:,.0f} / {large['create_bare']:,.0f} "
                         f"({large['create_bare'] / large['create']:.1f}x)", ""])

    with tempfile.TemporaryDirectory(prefix="fc-bench-") as tmp:
        small = measure("SQLite", f"sqlite:///{tmp}/small.sqlite", args.small, args, False)
        large = measure("SQLite", f"sqlite:///{tmp}/large.sqlite", args.total, args, True)
        report("SQLite", small, large)
    for size, label in ((args.small, "small"), (args.total, "large")):
        with throwaway_postgres() as pg_url:
            if not pg_url:
                break
            result = measure("PostgreSQL", pg_url, size, args, label == "large")
            if label == "small":
                pg_small = result
            else:
                report("PostgreSQL", pg_small, result)
    print(f"\nOrders (medians of {args.rounds} alternating runs of {args.seconds}s; {args.connections} connections; "
          "1 worker; server and wrk on separate cores)\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
