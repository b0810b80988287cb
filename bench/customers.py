"""Benchmark: the customers list and search at 100,000 customers in one dealer, on SQLite and PostgreSQL.

Run: ``.venv/bin/python bench/customers.py [--customers 100000] [--seconds 10]``

Seeds one dealer with N customers (plus a second dealer with the same number,
so scoping is exercised), logs in as its administrator and loads, with wrk:
the first page of the list (50 rows), a page deep in the list (keyset), a
surname search, a phone-fragment search and a lower-case Cyrillic search.
Beside them, ``bench/bare_customers.py`` renders the same list template with
the same 50 rows from memory (the framework floor), and the raw SQL of the
first page is timed alone (the database floor).

Before / after (issue 14, the page floor): the first page and the bare page
of main before that work (``harness.FLOOR_BEFORE``: its templates, i18n and
formatting, on asyncio and h11 as it was served) run in the same rounds on
the same data beside today's (uvloop and httptools); the first page also
with one connection (its p50 is one request's server time).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (
    FLOOR_BEFORE,
    ROOT,
    alternate,
    login_cookie,
    median_load,
    old_tree,
    ratio_spread,
    server,
    table,
    throwaway_postgres,
)

LOGIN, PASSWORD = "bench-admin", "bench-pass-2026"
FIRST = ["Jan", "Petr", "Jana", "Eva", "Tomáš", "Lucie", "Иван", "Мария", "Алексей", "Елена", "Jürgen", "Wei"]
LAST = ["Novák", "Svoboda", "Dvořák", "Černý", "Procházka", "Kučera", "Смирнов", "Кузнецов", "Попов",
        "Васильев", "Müller", "Zhang", "Horák", "Němec", "Marek", "Pokorný", "Соколов", "Лебедев"]


async def _seed(count: int) -> None:
    """In a child process: migrate, then two dealers with ``count`` customers each (skipped if present)."""
    import datetime as dt

    from core import accounts, db
    from core.migrations import migrate
    from core.settings import Settings
    from core.startup import boot
    from core.tables import User
    from plugins.customers.search import name_keys
    from plugins.customers.tables import Counter, Customer

    boot()
    async with db.lifespan_pool():
        await migrate()
        if await User.exists().where(User.login == LOGIN):
            return
        rng = random.Random(2026)
        start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        for slug in ("bench", "bench-other"):
            dealer = await accounts.create_dealer(f"Bench Motors {slug}", slug, "Praha", "cs", ["customers"])
            if slug == "bench":
                await accounts.create_user(login=LOGIN, password=PASSWORD, role="dealer_admin", dealer_id=dealer.id,
                                           must_change_password=False, full_name="Bench Admin")
            batch = []
            for i in range(1, count + 1):
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                rest = f"{rng.randint(1, 8)}{rng.randrange(10**6):06d}"  # a Czech mobile: +420 60x xxx xxx
                display, digits = f"+420 60{rest[0]} {rest[1:4]} {rest[4:]}", f"42060{rest}"
                key, key2 = name_keys(name)
                moment = start + dt.timedelta(minutes=7 * i)
                batch.append(Customer(
                    dealer_id=dealer.id, number=i, name=name, phone=display, phone_rev=digits[::-1],
                    email=f"c{i}@example.com", email_key=f"c{i}@example.com", source="walk_in",
                    status=rng.choice(("current", "potential", "potential")),
                    temperature=rng.choice(("hot", "warm", "cold", "not_interested")),
                    name_key=key, name_key2=key2, created_at=moment, updated_at=moment, city="Praha"))
                if len(batch) == 500:  # PostgreSQL takes at most 32,767 parameters a statement
                    async with db.transaction():
                        await Customer.insert(*batch)
                    batch = []
            if batch:
                async with db.transaction():
                    await Customer.insert(*batch)
            await Counter.insert(Counter(dealer_id=dealer.id, last=count))
        if not Settings.from_env().is_sqlite:
            await Customer.raw("ANALYZE")  # what autovacuum does soon after a bulk load in production
        # (on SQLite the app analyses at start-up and hourly)


def _raw_sql_ms(url: str) -> float:
    """The first page's query alone, median of 200 runs, from a child process with its own engine."""
    out = subprocess.run([sys.executable, __file__, "--raw-sql"], env={**os.environ, "FORECOURT_DATABASE_URL": url},
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return float(out.strip().splitlines()[-1])


async def _raw_sql() -> None:
    from core import db
    from core.startup import boot
    from core.tables import Dealer
    from plugins.customers import services

    boot()
    async with db.lifespan_pool():
        dealer = await Dealer.select(Dealer.id).where(Dealer.slug == "bench").first()
        times = []
        for _ in range(200):
            t = time.perf_counter()
            await services.search(dealer["id"])
            times.append((time.perf_counter() - t) * 1000)
        print(sorted(times)[100])


def measure(engine: str, url: str, args: argparse.Namespace) -> list[list[str]]:
    env = {"FORECOURT_DATABASE_URL": url, "FORECOURT_PLUGINS": "customers", "FORECOURT_JOBS_INTERVAL": "0",
           "FORECOURT_SECRET_KEY": "bench-secret-key-not-for-production"}
    t = time.monotonic()
    subprocess.run([sys.executable, __file__, "--seed", str(args.customers)], env={**os.environ, **env}, cwd=ROOT,
                   check=True)
    print(f"{engine}: seeded/checked {args.customers:,} customers x 2 dealers in {time.monotonic() - t:.0f} s",
          flush=True)
    rows = []
    with server(["--factory", "core.cli:app_factory"], env) as app_url, \
            server(["--app-dir", "bench", "bare_customers:app"], env) as bare_url, \
            contextlib.ExitStack() as stack:
        cookie = {"Cookie": login_cookie(app_url, LOGIN, PASSWORD)}
        before = stack.enter_context(old_tree(args.before)) if args.before else None
        old: dict[str, tuple[str, int, dict[str, str] | None]] = {}
        if before:
            old_url = stack.enter_context(server(["--factory", "core.cli:app_factory"], env, tree=before))
            old_bare = stack.enter_context(server(["--app-dir", "bench", "bare_customers:app"], env, tree=before))
            old_cookie = {"Cookie": login_cookie(old_url, LOGIN, PASSWORD)}
            old = {"before: list, first page": (old_url + "/customers/?view=list", args.connections, old_cookie),
                   "before: bare Litestar, same 50 rows": (old_bare + "/", args.connections, None),
                   "before: list, first page, 1 connection": (old_url + "/customers/?view=list", 1, old_cookie)}
        with httpx.Client(base_url=app_url, headers=cookie) as client:
            page = client.get("/customers/", params={"view": "list"}).text
            deep = page.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
            for _ in range(20):  # walk 20 pages deep with the keyset token
                nxt = client.get(deep).text
                if 'rel="next"' not in nxt:
                    break
                deep = nxt.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
        pages = {
            "list, first page": "/customers/?view=list",
            "bare Litestar, same 50 rows": None,
            "list, 20 pages deep": deep,
            "surname search (dvořák)": "/customers/?view=list&q=dvo%C5%99%C3%A1k",
            "phone fragment (last 4 digits)": "/customers/?view=list&q=4567",
            "lower-case Cyrillic (смирнов)": "/customers/?view=list&q=%D1%81%D0%BC%D0%B8%D1%80%D0%BD%D0%BE%D0%B2",
        }
        targets = {label: (app_url + path, args.connections, cookie) if path else (bare_url + "/", args.connections,
                                                                                   None)
                   for label, path in pages.items()}
        targets["list, first page, 1 connection"] = (app_url + "/customers/?view=list", 1, cookie)
        runs = alternate({**targets, **old}, args.rounds, args.seconds)
    for label, loads in runs.items():
        load = median_load(loads)
        rows.append([engine, label, f"{load.rps:,.0f}", f"{load.p50_ms:.2f}", f"{load.p99_ms:.2f}", str(load.errors)])
    ratio = ratio_spread(runs["list, first page"], runs["bare Litestar, same 50 rows"])
    rows.append([engine, "ratio first page / bare (median of the rounds' ratios, lowest-highest)", "", ratio, "", ""])
    if old:
        for label, page, base in (
                ("before: ratio first page / bare", "before: list, first page", "before: bare Litestar, same 50 rows"),
                ("bare floor after / before", "bare Litestar, same 50 rows", "before: bare Litestar, same 50 rows"),
                ("first page after / before", "list, first page", "before: list, first page"),
                ("first page after / before, 1 connection", "list, first page, 1 connection",
                 "before: list, first page, 1 connection")):
            rows.append([engine, label + " (median, lowest-highest)", "", ratio_spread(runs[page], runs[base]), "", ""])
    rows.append([engine, "raw query of the first page", "", f"{_raw_sql_ms(url):.2f}", "", ""])
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per page; medians are reported")
    parser.add_argument("--before", default=FLOOR_BEFORE,
                        help="the commit whose list and bare page are the 'before' rows ('' for none)")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--raw-sql", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        asyncio.run(_seed(args.seed))
        return 0
    if args.raw_sql:
        asyncio.run(_raw_sql())
        return 0
    rows = [["engine", "page", "req/s", "p50 ms", "p99 ms", "errors"]]
    with tempfile.TemporaryDirectory(prefix="fc-bench-") as tmp:
        rows += measure("SQLite", f"sqlite:///{tmp}/bench.sqlite", args)
    with throwaway_postgres() as pg_url:
        if pg_url:
            rows += measure("PostgreSQL", pg_url, args)
    print(f"\nCustomers at {args.customers:,} per dealer (medians of {args.rounds} alternating runs of "
          f"{args.seconds}s, {args.connections} connections, 1 worker; server and wrk on separate cores)\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
