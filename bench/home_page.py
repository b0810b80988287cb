"""Benchmark: the logged-in home page against a bare Litestar page, on SQLite and PostgreSQL.

Run: ``.venv/bin/python bench/home_page.py [--seconds 10] [--connections 8]``

For each engine it migrates a fresh database, creates a dealer and its
administrator, logs in once, then loads ``/`` with wrk (server and load
generator pinned to different cores, one uvicorn worker each, access log off)
and does the same against ``bench/bare_app.py``, which renders the same
template with the same Jinja environment from memory. Every Forecourt request
is the real thing: session lookup, dealer and modules, permission checks, the
``nav_items`` and ``page_slots`` hooks, the template. The ratio is
Forecourt's p50 latency over the bare page's (the issue's goal: small).

Plugins: only the core (``FORECOURT_PLUGINS=-``) unless you set
``FORECOURT_PLUGINS`` yourself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, Load, login_cookie, server, table, throwaway_postgres, wrk

LOGIN, PASSWORD = "bench-admin", "bench-pass-2026"


async def _seed() -> None:
    """In a child process: migrate and create the bench dealer and its admin (idempotent)."""
    from core import accounts, db
    from core.migrations import migrate
    from core.startup import boot
    from core.tables import User

    registry = boot().registry
    async with db.lifespan_pool():
        await migrate()
        if not await User.exists().where(User.login == LOGIN):
            dealer = await accounts.create_dealer("Bench Motors", "bench", "Brno", "en", registry.names)
            await accounts.create_user(login=LOGIN, password=PASSWORD, role="dealer_admin",
                                       dealer_id=dealer.id, must_change_password=False,
                                       full_name="Bench Admin")


def measure(engine: str, url: str, args: argparse.Namespace) -> list[list[str]]:
    env = {"FORECOURT_DATABASE_URL": url, "FORECOURT_PLUGINS": os.environ.get("FORECOURT_PLUGINS", "-"),
           "FORECOURT_SECRET_KEY": "bench-secret-key-not-for-production"}
    subprocess.run([sys.executable, __file__, "--seed"], env={**os.environ, **env}, cwd=ROOT, check=True)
    with server(["--factory", "core.cli:app_factory"], env) as app_url:
        cookie = login_cookie(app_url, LOGIN, PASSWORD, expect_on_home="Bench Motors")
        ours = wrk(app_url + "/", args.seconds, args.connections, {"Cookie": cookie})
    with server(["--app-dir", "bench", "bare_app:app"], env) as bare_url:
        bare = wrk(bare_url + "/", args.seconds, args.connections)

    def row(label: str, load: Load) -> list[str]:
        return [engine, label, f"{load.rps:,.0f}", f"{load.p50_ms:.2f}", f"{load.p99_ms:.2f}",
                str(load.errors)]

    return [row("Forecourt home, logged in", ours), row("bare Litestar page", bare),
            [engine, "ratio (p50 ours / bare)", f"{bare.rps / ours.rps:.2f}x fewer",
             f"{ours.p50_ms / bare.p50_ms:.2f}x", f"{ours.p99_ms / bare.p99_ms:.2f}x", ""]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        asyncio.run(_seed())
        return 0
    rows = [["engine", "page", "req/s", "p50 ms", "p99 ms", "errors"]]
    with tempfile.TemporaryDirectory(prefix="fc-bench-") as tmp:
        rows += measure("SQLite", f"sqlite:///{tmp}/bench.sqlite", args)
    with throwaway_postgres() as pg_url:
        if pg_url:
            rows += measure("PostgreSQL", pg_url, args)
    print(f"\nHome page vs bare Litestar page ({args.seconds}s per run, {args.connections} connections, "
          "1 worker; server and wrk on separate cores)\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
