"""What every bench script shares: a throwaway PostgreSQL, servers on pinned cores, wrk.

Benchmarks measure, side by side in one run, Forecourt against a baseline on
the same machine; absolute numbers vary by machine, ratios are what we quote.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
SERVER_CPU, LOAD_CPU = "0", "1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pinned(cpu: str, argv: list[str]) -> list[str]:
    """``argv`` pinned to one core when taskset exists and the machine has two."""
    if shutil.which("taskset") and (os.cpu_count() or 1) >= 2:
        return ["taskset", "-c", cpu, *argv]
    return argv


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str | None]:
    """A PostgreSQL URL: ``$FORECOURT_BENCH_PG_URL``, else a server started for this run, else None."""
    if url := os.environ.get("FORECOURT_BENCH_PG_URL"):
        yield url
        return
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: float(p.parent.name))
    if not bins or os.geteuid() != 0:
        print("(no PostgreSQL: set FORECOURT_BENCH_PG_URL, or run as root with Debian's postgresql)")
        yield None
        return
    pgbin, tmp = bins[-1], Path(tempfile.mkdtemp(prefix="fc-bench-pg."))
    shutil.chown(tmp, "postgres")
    port = free_port()

    def as_pg(*argv: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *argv], check=True, stdout=subprocess.DEVNULL)

    try:
        as_pg(str(pgbin / "initdb"), "-D", f"{tmp}/data", "-U", "postgres", "-A", "trust", "-E", "UTF8",
              "--locale=C.UTF-8", "--no-sync")
        as_pg(str(pgbin / "pg_ctl"), "-D", f"{tmp}/data", "-l", f"{tmp}/log", "-w", "-t", "30", "start",
              "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {tmp}")
        as_pg("psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-qv", "ON_ERROR_STOP=1",
              "-c", "CREATE ROLE app LOGIN PASSWORD 'app' SUPERUSER", "-c", "CREATE DATABASE app OWNER app")
        yield f"postgresql://app:app@127.0.0.1:{port}/app"
    finally:
        subprocess.run(["runuser", "-u", "postgres", "--", str(pgbin / "pg_ctl"), "-D", f"{tmp}/data",
                        "-m", "immediate", "-w", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)


#: main before issue 14's page-floor work: the "before" rows of leads.py and customers.py run this code
#: (its templates, its i18n and formatting, plain asyncio and h11) on the same data, beside today's
FLOOR_BEFORE = "b598c5697c865f5dc22480a5b2a1985fe02611cf"


@contextlib.contextmanager
def old_tree(rev: str) -> Iterator[Path | None]:
    """The project's files at ``rev`` in a temporary folder (``git archive``), or None without git or the commit.

    A server started with ``tree=`` runs that code instead of the checkout's
    (``PYTHONPATH`` and the working folder come first, before the editable install).
    """
    with tempfile.TemporaryDirectory(prefix="fc-bench-before-") as tmp:
        try:
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True)
            subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        except (OSError, subprocess.CalledProcessError):
            print(f"(no 'before' rows: commit {rev[:12]} is not in this checkout's git history)")
            yield None
            return
        yield Path(tmp)


@contextlib.contextmanager
def server(argv: list[str], env: dict[str, str], health: str = "/health", tree: Path | None = None,
           as_then: bool = True) -> Iterator[str]:
    """Run a uvicorn server (one worker, no access log) on the server core; yield its base URL.

    It runs on the loop and HTTP parser ``forecourt serve`` uses (:func:`core.server.loop_and_parser`);
    with ``tree`` (see :func:`old_tree`) it runs that tree's code on plain asyncio and h11, as it was served
    before issue 14 (``as_then=False``: on today's loop and parser, to compare a recent commit).
    """
    from core.server import loop_and_parser

    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - the server writes to it until we stop it
    loop, http = ("asyncio", "h11") if tree and as_then else loop_and_parser()
    cmd = pinned(SERVER_CPU, [sys.executable, "-m", "uvicorn", *argv, "--host", "127.0.0.1",
                              "--port", str(port), "--no-access-log", "--log-level", "warning",
                              "--loop", loop, "--http", http])
    if tree:
        env = {**env, "PYTHONPATH": str(tree)}
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, cwd=tree or ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"server did not start: {log.read().decode()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + health, timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def login_cookie(url: str, login: str, password: str, expect_on_home: str = "") -> str:
    """Log in through the real form; the Cookie header value that carries the session.

    ``expect_on_home`` checks that the home page is the logged-in one (the run stops otherwise).
    """
    with httpx.Client(base_url=url, follow_redirects=False) as client:
        client.get("/login")
        r = client.post("/login", data={"identifier": login, "password": password},
                        headers={"x-csrftoken": client.cookies.get("fc_csrf", "")})
        if r.status_code != 302:
            sys.exit(f"bench login failed: {r.status_code} {r.text[:300]}")
        if expect_on_home:
            home = client.get("/")
            if home.status_code != 200 or expect_on_home not in home.text:
                sys.exit(f"bench home page is not the logged-in page: {home.status_code}")
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, seconds: int, connections: int, headers: dict[str, str] | None = None) -> Load:
    """Load ``url`` with wrk from the other core; warm up first, then measure."""
    if not shutil.which("wrk"):
        sys.exit("bench needs wrk: apt-get install wrk")
    args = []
    for key, value in (headers or {}).items():
        args += ["-H", f"{key}: {value}"]
    base = ["wrk", "-t1", f"-c{connections}", *args, "--latency"]
    subprocess.run(pinned(LOAD_CPU, [*base, "-d2s", url]), check=True, capture_output=True)
    out = subprocess.run(pinned(LOAD_CPU, [*base, f"-d{seconds}s", url]), check=True,
                         capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Load(rps, p50, p99, errors)


def alternate(targets: dict[str, tuple[str, int, dict[str, str] | None]], rounds: int,
              seconds: int) -> dict[str, list[Load]]:
    """Load each ``label -> (url, connections, headers)`` once a round, in turn, for ``rounds`` rounds.

    This machine's speed drifts for minutes at a time; running the pages one after the other, round after
    round, lets a page be compared with the baseline measured seconds before it (see :func:`paired_ratio`).
    """
    runs: dict[str, list[Load]] = {label: [] for label in targets}
    for _ in range(rounds):
        for label, (url, connections, headers) in targets.items():
            runs[label].append(wrk(url, seconds, connections, headers))
    return runs


def median_load(loads: list[Load]) -> Load:
    return Load(statistics.median(x.rps for x in loads), statistics.median(x.p50_ms for x in loads),
                statistics.median(x.p99_ms for x in loads), sum(x.errors for x in loads))


def paired_ratio(pages: list[Load], baseline: list[Load]) -> float:
    """The median of each round's page/baseline p50 ratio."""
    return statistics.median(a.p50_ms / b.p50_ms for a, b in zip(pages, baseline, strict=True))


def ratio_spread(pages: list[Load], baseline: list[Load]) -> str:
    """``"0.52x (0.47-0.60)"``: the median of the rounds' p50 ratios and their lowest and highest."""
    ratios = [a.p50_ms / b.p50_ms for a, b in zip(pages, baseline, strict=True)]
    return f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


async def bulk_insert(database_url: str, table_name: str, columns: list[tuple[str, Any]],
                      rows: list[dict[str, Any]]) -> None:
    """A seed's fast path: SQLite ``executemany`` in one transaction, PostgreSQL ``COPY``.

    ``columns`` are (name, default) pairs; a row missing a column gets its default.
    """
    names = [n for n, _ in columns]
    if database_url.startswith("sqlite"):
        import sqlite3

        from piccolo.engine.sqlite import convert_datetime_in

        def cell(value: Any) -> Any:
            if isinstance(value, dt.datetime):
                return convert_datetime_in(value)
            return float(value) if isinstance(value, Decimal) else value

        con = sqlite3.connect(database_url.split("sqlite:///", 1)[1], timeout=60)
        with con:
            con.executemany(f"INSERT INTO {table_name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                            ([cell(row.get(n, d)) for n, d in columns] for row in rows))
        con.close()
        return
    import asyncpg

    con = await asyncpg.connect(database_url)
    try:
        await con.copy_records_to_table(table_name, columns=names,
                                        records=[tuple(row.get(n, d) for n, d in columns) for row in rows])
    finally:
        await con.close()
