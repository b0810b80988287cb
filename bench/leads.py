"""Benchmark: leads at 10,000 and 1,000,000 leads over 100 dealers, on SQLite and PostgreSQL.

Run: ``.venv/bin/python bench/leads.py [--total 1000000] [--small 10000] [--seconds 10] [--rounds 3]``

Generates a realistic base (100 dealers; Czech and Russian names, phones and
e-mails; every status; two years of creation dates) with multi-row INSERTs,
then for each size measures with wrk, one uvicorn worker, server and load on
separate cores:

* one dealer's lead list, first page and a page 20 pages deep, against
  ``bench/bare_leads.py`` rendering the same template with the same 50 rows
  from memory (goal: list <= 1.5x the bare page);
* the cross-dealer search (surname + first name + last 4 phone digits) over
  the whole base, with one connection so that latency is the server's time
  (goal: median <= 10 ms), plus the search alone in-process;
* the same list at the small and the large size (goal: 1M within 1.2x of 10k);
* before / after (issue 14, the page floor): the list and the bare page of
  main before that work (``harness.FLOOR_BEFORE``: its templates, i18n and
  formatting, served on asyncio and h11, as then) beside today's (uvloop and
  httptools), in the same rounds on the same data; the list also with one
  connection, so that its p50 is one request's server time (goal <= 5 ms),
  and the bare floor after / before (goal <= 0.5x).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (
    FLOOR_BEFORE,
    ROOT,
    alternate,
    login_cookie,
    median_load,
    old_tree,
    paired_ratio,
    ratio_spread,
    server,
    table,
    throwaway_postgres,
)

PASSWORD = "bench-pass-2026"
DEALERS = 100
CS = (["Novák", "Svoboda", "Novotný", "Dvořák", "Černý", "Procházka", "Kučera", "Veselý", "Horák", "Němec",
       "Marek", "Pokorný", "Pospíšil", "Hájek", "Jelínek", "Král", "Růžička", "Beneš", "Fiala", "Sedláček"],
      ["Jan", "Petr", "Josef", "Pavel", "Martin", "Tomáš", "Jaroslav", "Miroslav", "Zdeněk", "Václav",
       "Jana", "Marie", "Eva", "Hana", "Anna", "Lenka", "Kateřina", "Lucie", "Věra", "Alena"])
RU = (["Смирнов", "Иванов", "Кузнецов", "Соколов", "Попов", "Лебедев", "Козлов", "Новиков", "Морозов",
       "Петров", "Волков", "Соловьёв", "Васильев", "Зайцев", "Павлов", "Семёнов", "Голубев", "Виноградов"],
      ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений", "Иван", "Михаил", "Артём",
       "Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Екатерина"])
STATUSES = ("new",) * 4 + ("awaiting_visit",) * 3 + ("contract_signed", "postponed", "refused", "discarded",
                                                      "qualified", "offer", "won", "lost")
COLUMNS = ("dealer_id", "surname", "first_name", "email", "phone", "city", "model", "version", "trim", "price",
           "source", "request_type", "status", "assignee_id", "assignee_name", "created_at", "updated_at",
           "name_key", "email_key", "phone_rev", "note", "client_ip", "watch_model", "watch_trim", "watch_fuel",
           "watch_colour", "watch_max_price")


async def _seed(total: int) -> None:
    """In a child process: migrate, 100 dealers with a manager each, ``total`` leads (skipped if present)."""
    from core import accounts, db
    from core.migrations import migrate
    from core.settings import Settings
    from core.startup import boot
    from core.tables import Dealer
    from forecourt import fold
    from plugins.leads.tables import Lead

    settings = Settings.from_env()
    boot(settings)
    async with db.lifespan_pool():
        await migrate()
        if await Dealer.exists().where(Dealer.slug == "d-1"):
            return
        managers = {}
        for n in range(1, DEALERS + 1):
            dealer = await accounts.create_dealer(f"Dealer {n}", f"d-{n}", f"City {n}", "cs" if n % 2 else "ru",
                                                  ["leads"])
            user = await accounts.create_user(login=f"m{n}", password=PASSWORD, role="manager", dealer_id=dealer.id,
                                              must_change_password=False, full_name=f"Manager {n}")
            managers[dealer.id] = (user.id, f"Manager {n}", n % 2)
        rng = random.Random(2026)
        start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        step = dt.timedelta(days=700) / total
        placeholders = "(" + ", ".join(["{}"] * len(COLUMNS)) + ")"
        batch: list[tuple] = []
        dealer_ids = list(managers)

        async def flush() -> None:
            sql = f"INSERT INTO leads_lead ({', '.join(COLUMNS)}) VALUES " + ", ".join([placeholders] * len(batch))
            async with db.transaction():
                await Lead.raw(sql, *[v for row in batch for v in row])
            batch.clear()

        for i in range(total):
            dealer_id = dealer_ids[i % DEALERS]
            user_id, user_name, czech = managers[dealer_id]
            surnames, firsts = CS if czech else RU
            surname, first = rng.choice(surnames), rng.choice(firsts)
            if czech:
                number = f"60{rng.randint(1, 8)}{rng.randrange(10**6):06d}"
                phone, digits = f"+420 {number[:3]} {number[3:6]} {number[6:]}", "420" + number
            else:
                number = f"9{rng.randrange(10**9):09d}"[:10]
                phone, digits = f"+7 {number[:3]} {number[3:6]}-{number[6:8]}-{number[8:]}", "7" + number
            moment = start + step * i
            email = f"l{i}@example.com"
            assigned = rng.random() < 0.8
            batch.append((dealer_id, surname, first, email, phone, "", "Peugeot 408", "", "", 3190000, "website",
                          "pre_order", rng.choice(STATUSES), user_id if assigned else None,
                          user_name if assigned else "", moment, moment, fold(f"{surname} {first}"), email,
                          digits[::-1], "", "", "", "", "", "", ""))
            if len(batch) == 1000:
                await flush()
        if batch:
            await flush()
        if not settings.is_sqlite:
            await Lead.raw("ANALYZE")


async def _search_alone(surname: str, first: str, phone: str) -> None:
    from core import db
    from core.context import Context
    from core.settings import Settings
    from core.startup import boot
    from plugins.leads.transfer import find_everywhere

    settings = Settings.from_env()
    boot(settings)
    searcher = Context(dealer_id=0, user_id=0)
    async with db.lifespan_pool():
        times = []
        for _ in range(200):
            t = time.perf_counter()
            found = await find_everywhere(searcher, surname, first, phone=phone)
            times.append((time.perf_counter() - t) * 1000)
        print(len(found), sorted(times)[100])


def _a_known_lead(url: str, cookie: dict[str, str]) -> tuple[str, str, str]:
    """Surname, first name and last 4 phone digits of a lead on the first page (to search for it)."""
    import re

    text = httpx.get(url + "/leads/", headers=cookie).text
    name, phone = re.search(r'<a href="/leads/\d+">([^<]+)</a></td>\s*<td>[^<]*<br>([^<]+)</td>', text).groups()
    surname, first = name.split(" ", 1)
    return surname, first, "".join(c for c in phone if c.isdigit())[-4:]


def measure(engine: str, url: str, total: int, args: argparse.Namespace) -> dict[str, Any]:
    env = {"FORECOURT_DATABASE_URL": url, "FORECOURT_PLUGINS": "leads", "FORECOURT_JOBS_INTERVAL": "0",
           "FORECOURT_SECRET_KEY": "bench-secret-key-not-for-production", "BENCH_DEALER": "d-1"}
    t = time.monotonic()
    subprocess.run([sys.executable, __file__, "--seed", str(total)], env={**os.environ, **env}, cwd=ROOT, check=True)
    print(f"{engine}: {total:,} leads over {DEALERS} dealers ready in {time.monotonic() - t:.0f} s", flush=True)
    out: dict[str, Any] = {}
    with server(["--factory", "core.cli:app_factory"], env) as app_url, \
            server(["--app-dir", "bench", "bare_leads:app"], env) as bare_url, \
            contextlib.ExitStack() as stack:
        before = stack.enter_context(old_tree(args.before)) if args.before else None
        if before:
            then = not args.before_as_now
            old_url = stack.enter_context(server(["--factory", "core.cli:app_factory"], env, tree=before,
                                                 as_then=then))
            old_bare = stack.enter_context(server(["--app-dir", "bench", "bare_leads:app"], env, tree=before,
                                                  as_then=then))
            old_cookie = {"Cookie": login_cookie(old_url, "m1", PASSWORD)}
        cookie = {"Cookie": login_cookie(app_url, "m1", PASSWORD)}
        surname, first, tail = _a_known_lead(app_url, cookie)
        with httpx.Client(base_url=app_url, headers=cookie) as client:
            deep = "/leads/"
            for _ in range(20):
                text = client.get(deep).text
                if 'rel="next"' not in text:
                    break
                deep = text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
        search = "/leads/search-all?" + urlencode({"surname": surname, "first_name": first, "phone": tail})
        targets = {"list": (app_url + "/leads/", args.connections, cookie),
                   "bare": (bare_url + "/", args.connections, None),
                   "list1": (app_url + "/leads/", 1, cookie)}
        if before:
            targets.update({"old_list": (old_url + "/leads/", args.connections, old_cookie),
                            "old_bare": (old_bare + "/", args.connections, None),
                            "old_list1": (old_url + "/leads/", 1, old_cookie)})
        targets.update({"deep": (app_url + deep, args.connections, cookie),
                        "search": (app_url + search, 1, cookie)})
        runs = alternate(targets, args.rounds, args.seconds)
        for label, loads in runs.items():
            load = median_load(loads)
            out[label], out[label + "_rps"], out[label + "_errors"] = load.p50_ms, load.rps, load.errors
        out["ratio"] = paired_ratio(runs["list"], runs["bare"])
        out["ratio_spread"] = ratio_spread(runs["list"], runs["bare"])
        if before:
            out["old_ratio_spread"] = ratio_spread(runs["old_list"], runs["old_bare"])
            out["floor_spread"] = ratio_spread(runs["bare"], runs["old_bare"])
            out["list_spread"] = ratio_spread(runs["list"], runs["old_list"])
            out["list1_spread"] = ratio_spread(runs["list1"], runs["old_list1"])
    alone = subprocess.run([sys.executable, __file__, "--search-alone", surname, first, tail],
                           env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True, check=True)
    out["search_alone"] = float(alone.stdout.split()[-1])
    return out


def _errors(out: dict[str, Any]) -> float:
    return sum(value for key, value in out.items() if key.endswith("_errors"))


def _floor_rows(engine: str, small: dict[str, Any], large: dict[str, Any]) -> list[list[str]]:
    """Issue 14's before / after rows (empty when the run had no "before" tree)."""
    if "old_list" not in large:
        return []

    def both(key: str, fmt: str = "{:.2f}") -> list[str]:
        return [fmt.format(small[key]) if key in small else "", fmt.format(large[key])]

    return [
        [engine, "before: list p50 ms (req/s)", f"{small['old_list']:.2f} ({small['old_list_rps']:,.0f})",
         f"{large['old_list']:.2f} ({large['old_list_rps']:,.0f})", ""],
        [engine, "before: list p50 ms, 1 connection", *both("old_list1"), ""],
        [engine, "after:  list p50 ms, 1 connection", *both("list1"), "<= 5 ms"],
        [engine, "before: bare page p50 ms", *both("old_bare"), ""],
        [engine, "before: list / bare (median, lowest-highest)", small.get("old_ratio_spread", ""),
         large["old_ratio_spread"], ""],
        [engine, "bare floor after / before (the rounds' ratios)", small.get("floor_spread", ""),
         large["floor_spread"], "<= 0.5x"],
        [engine, "list after / before, 8 connections", small.get("list_spread", ""), large["list_spread"], ""],
        [engine, "list after / before, 1 connection", small.get("list1_spread", ""), large["list1_spread"], ""],
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per page; medians are reported")
    parser.add_argument("--before", default=FLOOR_BEFORE,
                        help="the commit whose list and bare page are the 'before' rows ('' for none)")
    parser.add_argument("--before-as-now", action="store_true",
                        help="serve the 'before' commit on today's loop and HTTP parser (a recent commit)")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--search-alone", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        asyncio.run(_seed(args.seed))
        return 0
    if args.search_alone:
        asyncio.run(_search_alone(*args.search_alone))
        return 0
    rows = [["engine", "measure", f"{args.small:,} leads", f"{args.total:,} leads", "goal"]]

    def report(engine: str, small: dict[str, Any], large: dict[str, Any]) -> None:
        rows.extend([
            [engine, "list p50 ms (req/s)", f"{small['list']:.2f} ({small['list_rps']:,.0f})",
             f"{large['list']:.2f} ({large['list_rps']:,.0f})", ""],
            [engine, "list 20 pages deep p50 ms", f"{small['deep']:.2f}", f"{large['deep']:.2f}", ""],
            [engine, "bare page p50 ms", f"{small['bare']:.2f}", f"{large['bare']:.2f}", ""],
            [engine, "list / bare (median of the rounds' ratios, lowest-highest)", small["ratio_spread"],
             large["ratio_spread"], "<= 1.2x"],
            [engine, "list at the large / the small size", "", f"{large['list'] / small['list']:.2f}x", "<= 1.2x"],
            [engine, "cross-dealer search p50 ms (1 conn)", f"{small['search']:.2f}", f"{large['search']:.2f}",
             "<= 10 ms"],
            [engine, "cross-dealer search alone ms", f"{small['search_alone']:.2f}",
             f"{large['search_alone']:.2f}", ""],
            [engine, "errors (all pages, the bare one too)", f"{_errors(small):.0f}", f"{_errors(large):.0f}", "0"],
            *_floor_rows(engine, small, large),
        ])

    with tempfile.TemporaryDirectory(prefix="fc-bench-") as tmp:
        small = measure("SQLite", f"sqlite:///{tmp}/small.sqlite", args.small, args)
        large = measure("SQLite", f"sqlite:///{tmp}/large.sqlite", args.total, args)
        report("SQLite", small, large)
    for size, label in ((args.small, "small"), (args.total, "large")):
        with throwaway_postgres() as pg_url:
            if not pg_url:
                break
            result = measure("PostgreSQL", pg_url, size, args)
            if label == "small":
                pg_small = result
            else:
                report("PostgreSQL", pg_small, result)
    print(f"\nLeads (medians of {args.rounds} alternating runs of {args.seconds}s; {args.connections} connections "
          "for lists, 1 for the search; 1 worker; server and wrk on separate cores)\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
