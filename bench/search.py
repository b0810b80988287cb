"""Benchmark: substring search within a dealer, and what each leads index costs per lead, on SQLite and PostgreSQL.

Run: ``.venv/bin/python bench/search.py [--total 100000] [--repeat 50]``

Seeds the base of ``bench/leads.py`` (100 dealers; Czech and Russian names,
phones, e-mails; multi-row INSERTs, so every row also passes through the
substring index's triggers on SQLite), then in-process, one dealer's list
search (``plugins.leads.listing.search``: a page of 50, median of
``--repeat`` runs, the query and row conversion without HTTP):

* the prefix searches that existed before (a surname, a phone's last
  digits) — the "before" rows, for the cost of ranking the prefix matches
  first and adding the substring matches after them;
* a phone fragment from the middle of the number, a fragment inside a
  surname ("ová" / "ов"), the middle of one lead's e-mail (rare), and a
  fragment with no match at all (the substring part's worst case: it reads
  every candidate the trigram index gives);
* the same substring condition over every dealer (no dealer condition), to
  show what the dealer's condition saves.

Then the storage: bytes per lead of the table and of each index (SQLite
``dbstat``; PostgreSQL ``pg_relation_size``), with the indexes the audit
dropped built again for the measurement ("before" = without the substring
index, with the dropped ones; "after" = as migrated now).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, table, throwaway_postgres

#: the indexes the audit dropped or replaced (plugins/leads/piccolo_migrations/leads_2026_12_02t06_41_00_000000.py)
DROPPED = {
    "leads_lead_postponed": "CREATE INDEX leads_lead_postponed ON leads_lead (dealer_id, status, postponed_until)",
    "leads_lead_customer": "CREATE INDEX leads_lead_customer ON leads_lead (dealer_id, customer_id)",
}
ADDED = ("leads_lead_fts", "leads_lead_trgm", "leads_lead_customer_linked")


async def _measure(repeat: int) -> None:
    """In a child process (the seeded database in FORECOURT_DATABASE_URL): print the rows as ``label|ms|found``."""
    from core import db
    from core.settings import Settings
    from core.startup import boot
    from core.tables import Dealer
    from plugins.leads import listing
    from plugins.leads.search import SUBSTRING
    from plugins.leads.tables import Lead

    boot(Settings.from_env())
    async with db.lifespan_pool():
        dealer = (await Dealer.select(Dealer.id).where(Dealer.slug == "d-1").first())["id"]
        one = (await Lead.scoped(dealer).select(Lead.email, Lead.phone, Lead.surname).limit(1).offset(50).first())
        digits = "".join(c for c in one["phone"] if c.isdigit())
        cases = [
            ("surname", one["surname"]),
            ("phone's last 4 digits", digits[-4:]),
            ("phone fragment from the middle (5 digits)", digits[-8:-3]),
            ("name fragment inside the word", "ová"),  # d-1 has Czech names
            ("middle of one lead's e-mail", one["email"][1:-8]),
            ("fragment found nowhere", "qqzx"),
        ]
        substring = listing.substring_fragments
        for label, q in cases:
            # alternating: the search as it was (prefix only) and as it is now, in the same rounds
            times: dict[str, list[float]] = {"before": [], "now": []}
            found = {"before": 0, "now": 0}
            for _ in range(repeat):
                for mode in ("before", "now"):
                    listing.substring_fragments = substring if mode == "now" else (lambda q: None)
                    t = time.perf_counter()
                    rows, _token = await listing.search(dealer, q=q)
                    times[mode].append((time.perf_counter() - t) * 1000)
                    found[mode] = len(rows)
            listing.substring_fragments = substring
            for mode in ("before", "now"):
                what = "prefix only (before)" if mode == "before" else "prefix, then substring (now)"
                print(f"{label} {q!r}: {what}|{statistics.median(times[mode]):.2f}|{found[mode]}")
        inside = SUBSTRING.contains_sql({"name_key": "ova"})
        sql = f"SELECT id FROM leads_lead WHERE {inside[0]} ORDER BY created_at DESC LIMIT 51"
        times = []
        for _ in range(max(3, repeat // 5)):
            t = time.perf_counter()
            rows = await Lead.raw(sql, *inside[1])
            times.append((time.perf_counter() - t) * 1000)
        print(f"the name fragment over every dealer (no dealer condition)|{statistics.median(times):.2f}|{len(rows)}")
        await _storage()


async def _storage() -> None:
    """Print ``storage|name|bytes`` for the table, each index now, and each dropped index built again."""
    from core import db
    from plugins.leads.tables import Lead

    sqlite = db.engine_kind() == "sqlite"
    count = (await Lead.raw("SELECT COUNT(*) AS n FROM leads_lead"))[0]["n"]
    print(f"count|{count}")

    async def sizes() -> dict[str, int]:
        if sqlite:
            rows = await Lead.raw("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name")
            return {r["name"]: r["bytes"] for r in rows if r["name"].startswith("leads_lead")
                    and not r["name"].startswith(("leads_lead_intake",))}
        rows = await Lead.raw("SELECT c.relname AS name, pg_relation_size(c.oid) AS bytes FROM pg_class c "
                              "WHERE c.relname LIKE 'leads_lead%' AND c.relname NOT LIKE 'leads_lead_intake%' "
                              "AND c.relkind IN ('r', 'i')")
        toast = await Lead.raw("SELECT pg_total_relation_size('leads_lead') - pg_relation_size('leads_lead') "
                               "- pg_indexes_size('leads_lead') AS bytes")
        return {**{r["name"]: r["bytes"] for r in rows}, "leads_lead (toast, maps)": toast[0]["bytes"]}

    for statement in DROPPED.values():
        await db.engine().run_ddl(statement)
    if not sqlite:
        await db.engine().run_ddl("VACUUM ANALYZE leads_lead")
    for name, size in sorted((await sizes()).items()):
        print(f"storage|{name}|{size}")
    for name in DROPPED:
        await db.engine().run_ddl(f"DROP INDEX {name}")
    if not sqlite:  # the GIN index grew row by row with the inserts; built at once it is smaller
        await db.engine().run_ddl("REINDEX INDEX leads_lead_trgm")
        size = (await Lead.raw("SELECT pg_relation_size('leads_lead_trgm') AS bytes"))[0]["bytes"]
        print(f"storage|leads_lead_trgm (rebuilt: REINDEX)|{size}")


def measure(engine: str, url: str, total: int, repeat: int) -> tuple[list[list[str]], list[list[str]]]:
    # (the test Argon2 profile: 100 users are made, nobody logs in)
    env = {"FORECOURT_DATABASE_URL": url, "FORECOURT_ARGON2_PROFILE": "test", "FORECOURT_PLUGINS": "leads",
           "FORECOURT_JOBS_INTERVAL": "0",
           "FORECOURT_SECRET_KEY": "bench-secret-key-not-for-production"}
    t = time.monotonic()
    subprocess.run([sys.executable, str(ROOT / "bench" / "leads.py"), "--seed", str(total)],
                   env={**os.environ, **env}, cwd=ROOT, check=True)
    seeded = time.monotonic() - t
    out: Any = subprocess.run([sys.executable, __file__, "--measure", str(repeat)], env={**os.environ, **env}, cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    out = out.stdout.splitlines()
    searches = [[engine, *line.split("|")] for line in out if not line.startswith(("storage|", "count|"))]
    count = int(next(line for line in out if line.startswith("count|")).split("|")[1])
    sizes = {parts[1]: int(parts[2]) for parts in (line.split("|") for line in out if line.startswith("storage|"))}
    fts = sum(size for name, size in sizes.items() if name.startswith("leads_lead_fts"))
    shown = {name: size for name, size in sizes.items() if not name.startswith("leads_lead_fts")}
    if fts:
        shown["leads_lead_fts (the FTS5 tables)"] = fts
    per = {name: size / count for name, size in shown.items()}
    before = sum(v for k, v in per.items() if not k.startswith(ADDED))
    after = sum(v for k, v in per.items() if k not in DROPPED and "REINDEX" not in k)
    storage = [[engine, name + (" (dropped)" if name in DROPPED else " (new)" if name.startswith(ADDED) else ""),
                f"{value:.1f}"] for name, value in sorted(per.items())]
    storage += [[engine, "total before (no substring index, the dropped ones)", f"{before:.1f}"],
                [engine, "total after", f"{after:.1f}"],
                [engine, f"seeding {total:,} leads took", f"{seeded:.0f} s"]]
    return searches, storage


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        asyncio.run(_measure(args.measure))
        return 0
    searches = [["engine", "search of one dealer's leads (page of 50)", "median ms", "rows"]]
    storage = [["engine", "table / index", "bytes per lead"]]
    with tempfile.TemporaryDirectory(prefix="fc-bench-") as tmp:
        found, sizes = measure("SQLite", f"sqlite:///{tmp}/search.sqlite", args.total, args.repeat)
        searches += found
        storage += sizes
    with throwaway_postgres() as pg_url:
        if pg_url:
            found, sizes = measure("PostgreSQL", pg_url, args.total, args.repeat)
            searches += found
            storage += sizes
    print(f"\nSubstring search at {args.total:,} leads over 100 dealers (in-process, median of {args.repeat})\n")
    print(table(searches))
    print("\nStorage of leads_lead\n")
    print(table(storage))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
