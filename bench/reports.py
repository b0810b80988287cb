"""Benchmark: each report page for one dealer at 10,000 and at 1,000,000 leads + orders over 100 dealers.

Run: ``.venv/bin/python bench/reports.py [--total 1000000] [--small 10000] [--rounds 5] [--requests 5]
[--sqlite-only] [--keep DIR]``

Seeds 100 dealers (leads, orders, customers and reports switched on; an
administrator each) with ``total`` leads and ``total`` orders spread over the
last 700 days (SQLite ``executemany``, PostgreSQL ``COPY``), then for one
dealer, on SQLite and on PostgreSQL:

* each report page (manager efficiency, funnel and speed to lead, sales
  performance with its series, customer analysis) over the last 90 days,
  requested one at a time by the dealer's administrator, both sizes served at
  once (one uvicorn worker each, on the server core; on loopback the client's
  time is the server's) and asked in ``--rounds`` alternating rounds of
  ``--requests`` requests after two warm-ups: each page's median time at each
  size, and the median of the rounds' large/small ratios (this machine's
  speed drifts for minutes; a page is compared with itself at the other size
  measured seconds before). Goal: <= 200 ms, and the large base within 1.5x
  of the small one;
* against the same metrics' SQL run alone: ``compute_metrics`` (and
  ``compute_metric_series`` for sales) for the same keys and period
  in-process, no HTTP, no template — what the page costs beyond its queries.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import orders as orders_bench  # the orders benchmark's realistic rows and fast bulk insert
from harness import ROOT, bulk_insert, login_cookie, server, table, throwaway_postgres

PASSWORD = "bench-pass-2026"
DEALERS = 100
PAGES = ("efficiency", "funnel", "sales", "customers")
PLUGINS = "leads,orders,customers,reports"
LEAD_STATUSES = ("new",) * 3 + ("awaiting_visit", "contract_signed", "qualified", "test_drive", "offer",
                                "negotiation", "won", "lost", "refused", "discarded", "postponed")
LEAD_SOURCES = ("website", "phone", "walk_in", "email", "partner")


def _columns(table_cls: Any) -> list[tuple[str, Any]]:
    columns = []
    for column in table_cls._meta.columns:
        name = column._meta.db_column_name
        if name != "id":
            default = column.default
            columns.append((name, None if column._meta.null and default is None else default))
    return columns


def _lead(rng: random.Random, i: int, dealer_id: int, manager: int, moment: dt.datetime) -> dict[str, Any]:
    status = rng.choice(LEAD_STATUSES)
    contacted = None if status == "new" and rng.random() < 0.7 else moment + dt.timedelta(
        minutes=rng.expovariate(1 / 240))
    email = f"l{i}@example.com"
    return {"dealer_id": dealer_id, "surname": "Novák", "first_name": "Jan", "email": email,
            "phone": "+420 601 000 000", "model": "Peugeot 408", "source": rng.choice(LEAD_SOURCES),
            "kind": "pre_order", "status": status, "assignee_id": manager if rng.random() < 0.8 else None,
            "created_at": moment, "updated_at": moment, "contacted_at": contacted,
            "contract_signed_at": moment + dt.timedelta(days=2) if status in ("contract_signed", "won") else None,
            "name_key": "novak jan", "email_key": email, "phone_rev": "000000106024"}


async def _seed(total: int) -> None:
    """In a child process: migrate, 100 dealers with an administrator each, ``total`` leads and orders."""
    from core import accounts, db
    from core.context import system_context
    from core.migrations import migrate
    from core.settings import Settings
    from core.startup import boot
    from core.tables import Dealer
    from plugins.leads.standing import fold
    from plugins.leads.tables import Lead

    settings = Settings.from_env()
    boot(settings)
    async with db.lifespan_pool():
        await migrate()
        if await Dealer.exists().where(Dealer.slug == "d-1"):
            return
        admins = {}
        for n in range(1, DEALERS + 1):
            dealer = await accounts.create_dealer(f"Dealer {n}", f"d-{n}", f"City {n}", "cs" if n % 2 else "ru",
                                                  PLUGINS.split(","))
            user = await accounts.create_user(login=f"a{n}", password=PASSWORD, role="dealer_admin",
                                              dealer_id=dealer.id, must_change_password=False,
                                              full_name=f"Admin {n}")
            admins[dealer.id] = (user.id, n % 2)
        rng = random.Random(2026)
        start = dt.datetime.now(dt.UTC) - dt.timedelta(days=700)
        step = dt.timedelta(days=700) / total
        ids = list(admins)
        lead_columns, order_columns = _columns(Lead), orders_bench._order_columns()
        leads: list[dict[str, Any]] = []
        orders: list[dict[str, Any]] = []
        for i in range(total):
            dealer_id = ids[i % DEALERS]
            user_id, czech = admins[dealer_id]
            moment = start + step * i
            leads.append(_lead(rng, i, dealer_id, user_id, moment))
            row = orders_bench._values(rng, i, bool(czech), user_id, moment)
            row.update(dealer_id=dealer_id, number=i // DEALERS + 1)
            orders.append(row)
            if len(leads) == 50_000:
                await bulk_insert(settings.database_url, "leads_lead", lead_columns, leads)
                await bulk_insert(settings.database_url, "orders_order", order_columns, orders)
                leads.clear()
                orders.clear()
        if leads:
            await bulk_insert(settings.database_url, "leads_lead", lead_columns, leads)
            await bulk_insert(settings.database_url, "orders_order", order_columns, orders)
        for dealer_id in ids:  # what the job leads.fold_standing does every ten minutes
            await fold(system_context(dealer_id, frozenset(PLUGINS.split(","))))
        # after a bulk load, what autovacuum soon does in production (PostgreSQL 13+ vacuums after inserts too):
        # the statistics, and on PostgreSQL the visibility map, without which every index-only scan of the
        # reports' covering indexes reads the heap page of each row anyway (1,300 pages a pass at 1M)
        await db.engine().run_ddl("ANALYZE" if settings.is_sqlite else "VACUUM (ANALYZE)")


def _span() -> tuple[dt.date, dt.date]:
    today = dt.datetime.now(dt.UTC).date()
    return today - dt.timedelta(days=89), today


async def _alone(requests: int) -> None:
    """In a child process: each page's metrics (and series) computed in-process, the median ms per page."""
    from core import db
    from core.settings import Settings
    from core.startup import boot
    from core.tables import Dealer
    from forecourt import compute_metric_series, compute_metrics, declared_metrics, enabled_modules, system_context
    from plugins.reports.build import REPORTS
    from plugins.reports.periods import Span
    from plugins.reports.views import SERIES

    settings = Settings.from_env()
    boot(settings)
    async with db.lifespan_pool():
        dealer = await Dealer.select(Dealer.id, Dealer.name).where(Dealer.slug == "d-1").first()
        ctx = system_context(dealer["id"], await enabled_modules(dealer["id"]), dealer["name"])
        first, last = _span()
        period = Span(first, last).period()
        out = []
        for slug in PAGES:
            keys = REPORTS[slug].wants([m for _p, m in await declared_metrics(ctx)])
            times = []
            for n in range(requests + 2):
                t = time.perf_counter()
                await compute_metrics(ctx, period, keys, breakdowns=REPORTS[slug].breakdowns)
                if slug == "sales":
                    await compute_metric_series(ctx, period, "week", [k for k in keys if k in SERIES])
                if n >= 2:
                    times.append((time.perf_counter() - t) * 1000)
            out.append(f"{statistics.median(times):.2f}")
        print(" ".join(out))


def _seeded(engine: str, url: str, total: int) -> dict[str, str]:
    env = {"FORECOURT_DATABASE_URL": url, "FORECOURT_PLUGINS": PLUGINS, "FORECOURT_JOBS_INTERVAL": "0",
           "FORECOURT_ARGON2_PROFILE": "test", "FORECOURT_SECRET_KEY": "bench-secret-key-not-for-production"}
    t = time.monotonic()
    subprocess.run([sys.executable, __file__, "--seed", str(total)], env={**os.environ, **env}, cwd=ROOT, check=True)
    print(f"{engine}: {total:,} leads and {total:,} orders over {DEALERS} dealers ready in "
          f"{time.monotonic() - t:.0f} s", flush=True)
    return env


def _timed(client: httpx.Client, path: str, n: int) -> tuple[list[float], int]:
    times, errors = [], 0
    for _ in range(n):
        t = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - t) * 1000)
        errors += answer.status_code != 200
    return times, errors


def measure(engine: str, urls: dict[str, str], totals: dict[str, int],
            args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Both sizes served at once and requested in alternating rounds (this machine's speed drifts for minutes:
    a page is compared with the same page at the other size measured seconds before), plus the metrics alone."""
    envs = {size: _seeded(engine, urls[size], totals[size]) for size in ("small", "large")}
    first, last = _span()
    query = f"period=custom&from={first}&to={last}"
    out: dict[str, dict[str, float]] = {"small": {}, "large": {}, "ratio": {}}
    with server(["--factory", "core.cli:app_factory"], envs["small"]) as small_url, \
            server(["--factory", "core.cli:app_factory"], envs["large"]) as large_url:
        clients = {size: httpx.Client(base_url=url, timeout=120,
                                      headers={"Cookie": login_cookie(url, "a1", PASSWORD)})
                   for size, url in (("small", small_url), ("large", large_url))}
        for slug in PAGES:
            times: dict[str, list[float]] = {"small": [], "large": []}
            ratios, errors = [], 0
            for client in clients.values():
                _timed(client, f"/reports/{slug}?{query}", 2)  # warm-up
            for n in range(args.rounds):
                medians = {}
                for size in (("small", "large") if n % 2 == 0 else ("large", "small")):
                    found, failed = _timed(clients[size], f"/reports/{slug}?{query}", args.requests)
                    times[size] += found
                    medians[size], errors = statistics.median(found), errors + failed
                ratios.append(medians["large"] / medians["small"])
            for size in ("small", "large"):
                out[size][slug] = statistics.median(times[size])
            out["ratio"][slug] = statistics.median(ratios)
            out["ratio"][slug + "_spread"] = f"{min(ratios):.2f}-{max(ratios):.2f}"  # type: ignore[assignment]
            out["large"][slug + "_errors"] = errors
        for client in clients.values():
            client.close()
    for size in ("small", "large"):
        alone = subprocess.run([sys.executable, __file__, "--alone", str(args.requests * args.rounds)],
                               env={**os.environ, **envs[size]}, cwd=ROOT, capture_output=True, text=True,
                               check=True)
        for slug, value in zip(PAGES, alone.stdout.split()[-len(PAGES):], strict=True):
            out[size][slug + "_alone"] = float(value)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=5, help="requests per page and size in a round")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of both sizes")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--keep", metavar="DIR", help="SQLite bases in DIR, named for their size (10000.sqlite "
                        "...): seeded once, reused by later runs (seeding a million takes minutes)")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--alone", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        asyncio.run(_seed(args.seed))
        return 0
    if args.alone:
        asyncio.run(_alone(args.alone))
        return 0
    rows = [["engine", "report page (last 90 days, one dealer)", f"{args.small:,}", f"{args.total:,}",
             "large / small (rounds' median, range)", "metrics alone small / large", "goal"]]

    def report(engine: str, found: dict[str, dict[str, Any]]) -> None:
        small, large, ratio = found["small"], found["large"], found["ratio"]
        for slug in PAGES:
            rows.append([engine, f"{slug} median ms", f"{small[slug]:.1f}", f"{large[slug]:.1f}",
                         f"{ratio[slug]:.2f}x ({ratio[slug + '_spread']})",
                         f"{small[slug + '_alone']:.1f} / {large[slug + '_alone']:.1f}", "<= 200 ms, <= 1.5x"])
        rows.append([engine, "errors (non-200)", "", f"{sum(large[s + '_errors'] for s in PAGES):.0f}", "", "", "0"])

    totals = {"small": args.small, "large": args.total}
    if not args.postgres_only:
        with tempfile.TemporaryDirectory(prefix="fc-bench-") as tmp:
            where = Path(args.keep).resolve() if args.keep else Path(tmp)
            where.mkdir(parents=True, exist_ok=True)
            urls = {size: f"sqlite:///{where}/{totals[size]}.sqlite" for size in totals}
            report("SQLite", measure("SQLite", urls, totals, args))
    if not args.sqlite_only:
        with throwaway_postgres() as small_pg, throwaway_postgres() as large_pg:
            if small_pg and large_pg and small_pg == large_pg:
                print("(FORECOURT_BENCH_PG_URL names one database: both sizes need their own; PostgreSQL skipped)")
            elif small_pg and large_pg:
                report("PostgreSQL", measure("PostgreSQL", {"small": small_pg, "large": large_pg}, totals, args))
    print(f"\nReports ({args.rounds} alternating rounds of {args.requests} sequential requests per page and size, "
          "after 2 warm-ups; 1 worker each)\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
