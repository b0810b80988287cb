"""Benchmark: importing 100,000 customers from a CSV file, against a bare multi-row INSERT of the same rows.

Run: ``.venv/bin/python bench/import.py [--rows 100000] [--rounds 2]``

For each engine (SQLite, and PostgreSQL when one can be had, see
:func:`harness.throwaway_postgres`) a child process migrates a fresh
database, writes a CSV export of N customers (names in Czech, Russian, German,
Chinese; phones in three formats; e-mails) and, in alternating rounds, each
into a fresh dealer:

* **bare** — the customers' final column values (computed beforehand, not
  timed) written by multi-row ``INSERT`` statements of 1,000 rows in one
  transaction: the floor of the database and driver;
* **import load** — the job that the confirmation starts
  (:func:`core.bulk.load.confirm` to "done"): the checked values read back,
  duplicates looked up again, numbers taken, every row
  through ``create_entities`` (veto hook per row, protected columns, the
  ``on_entity_created`` notification) in batches, one transaction;
* **whole import** — reading the file, the preview's check, and the load.

The goal (issue 14) is a load at >= 50 % of the bare rows/s and 100,000
customers in under a minute. The output is a table of seconds and rows/s per
engine and round, and the median ratio load/bare.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, table, throwaway_postgres

FIRST = ["Jan", "Petr", "Jana", "Eva", "Tomáš", "Lucie", "Иван", "Мария", "Алексей", "Елена", "Jürgen", "Wei"]
LAST = ["Novák", "Svoboda", "Dvořák", "Černý", "Procházka", "Kučera", "Смирнов", "Кузнецов", "Попов",
        "Васильев", "Müller", "Zhang", "Horák", "Němec", "Marek", "Pokorný", "Соколов", "Лебедев"]
CITIES = ["Praha", "Brno", "Ostrava", "Москва", "Казань", "Plzeň", "", "Liberec"]


def csv_file(rows: int) -> bytes:
    """An export of ``rows`` customers, every phone and e-mail distinct (no duplicates to skip)."""
    rng = random.Random(14)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Name", "Phone", "E-mail", "City", "Source", "Temperature"])
    formats = ["+420 {} {} {}", "+420{}{}{}", "00420 {}-{}-{}"]
    for n in range(rows):
        number = f"{601_000_000 + n}"
        phone = formats[n % 3].format(number[:3], number[3:6], number[6:])
        writer.writerow([f"{rng.choice(FIRST)} {rng.choice(LAST)}", phone, f"c{n}@example.cz", rng.choice(CITIES),
                         rng.choice(["walk_in", "website", "Phone call", ""]), rng.choice(["hot", "warm", "cold"])])
    return out.getvalue().encode()


async def _child(rows: int, rounds: int) -> list[dict[str, float]]:
    from core import accounts, db
    from core.bulk import load, runs
    from core.bulk.insert import _insert, chunk
    from core.bulk.reading import read_table
    from core.context import system_context
    from core.migrations import migrate
    from core.startup import boot
    from core.timeutil import now
    from plugins.customers.imports import IMPORTER
    from plugins.customers.tables import Customer

    boot()
    results: list[dict[str, float]] = []
    async with db.lifespan_pool():
        await migrate()
        data = csv_file(rows)
        values: list[dict] = []
        for n in range(rounds * 2):
            dealer = await accounts.create_dealer(f"Bench {n}", f"bench-import-{n}-{os.getpid()}", "Praha", "cs",
                                                  ["customers"])
            ctx = system_context(dealer.id, frozenset({"customers"}), dealer.name, "cs", "Europe/Prague")
            if n % 2 == 0:  # the import
                started = time.perf_counter()
                parsed = read_table(data, max_bytes=IMPORTER.max_bytes, max_rows=IMPORTER.max_rows)
                token = await runs.store(ctx, IMPORTER, "bench.csv", parsed)
                run = await runs.load(ctx, IMPORTER, token)
                await runs.save_mapping(ctx, IMPORTER, run, await runs.suggested(ctx, IMPORTER, parsed.header))
                run = await runs.load(ctx, IMPORTER, token)
                await load.start_check(ctx, IMPORTER, run)
                await load.wait(run["id"])
                run = await runs.load(ctx, IMPORTER, token)
                assert run["status"] == "checked" and not run["invalid"] and not run["duplicates"], run["report"][:300]
                checked = time.perf_counter()
                if not values:
                    moment = now()
                    kept = json.loads(run["checked"], object_hook=load._decode)["rows"]
                    values = [{**v, "number": i + 1, "created_at": moment, "updated_at": moment, "owner_id": None,
                               "status": "potential"} for i, v in enumerate(kept)]
                loading = time.perf_counter()
                assert await load.confirm(ctx, IMPORTER, run, False)
                await load.wait(run["id"])
                ended = time.perf_counter()
                assert (await runs.load(ctx, IMPORTER, token))["status"] == "done"
                assert await Customer.scoped(dealer.id).count() == rows
                results.append({"kind": "import", "load": ended - loading, "whole": ended - started,
                                "check": checked - started})
            else:  # the bare floor: the same rows' final values, multi-row INSERTs in one transaction
                names = sorted(values[0])
                started = time.perf_counter()
                async with db.transaction():
                    per = chunk(len(names) + 1)
                    for start in range(0, len(values), per):
                        await _insert(Customer, dealer.id, names, values[start:start + per])
                ended = time.perf_counter()
                assert await Customer.scoped(dealer.id).count() == rows
                results.append({"kind": "bare", "load": ended - started, "whole": ended - started})
    return results


def _run_child(url: str, rows: int, rounds: int) -> list[dict[str, float]]:
    env = {**os.environ, "FORECOURT_DATABASE_URL": url, "FORECOURT_PLUGINS": "customers",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, __file__, "--child", "--rows", str(rows), "--rounds", str(rounds)],
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"the benchmark child failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(_child(args.rows, args.rounds))))
        return
    engines: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="fc-bench-import.") as tmp:
        engines["SQLite"] = _run_child(f"sqlite:///{tmp}/bench.sqlite", args.rows, args.rounds)
    with throwaway_postgres() as pg:
        if pg:
            engines["PostgreSQL"] = _run_child(pg, args.rows, args.rounds)
    out = [["engine", "round", "bare INSERT", "import load", "load / bare", "whole import (read+check+load)"]]
    for engine, results in engines.items():
        bare = [r for r in results if r["kind"] == "bare"]
        imports = [r for r in results if r["kind"] == "import"]
        ratios = []
        for n, (b, i) in enumerate(zip(bare, imports, strict=True), start=1):
            ratios.append(b["load"] / i["load"])
            out.append([engine, str(n), f"{b['load']:.2f} s, {args.rows / b['load']:,.0f} rows/s",
                        f"{i['load']:.2f} s, {args.rows / i['load']:,.0f} rows/s", f"{ratios[-1]:.0%}",
                        f"{i['whole']:.2f} s, {args.rows / i['whole']:,.0f} rows/s"])
        out.append([engine, "median", "", "", f"{statistics.median(ratios):.0%}", ""])
    print(f"{args.rows:,} customers, {args.rounds} alternating rounds")
    print(table(out))


if __name__ == "__main__":
    main()
