"""Benchmark: ``forecourt serve`` with 1, 2 and 4 workers on one PostgreSQL, side by side.

Run: ``.venv/bin/python bench/workers.py [--seconds 8] [--rounds 2] [--workers 1,2,4]``
(as root with Debian's postgresql, or with ``FORECOURT_BENCH_PG_URL``; needs ``wrk``).

The demo data (``forecourt demo --no-serve``) on a throwaway PostgreSQL; then,
round after round, for each worker count: start ``forecourt serve --workers N``
(not pinned: the workers may use every core, and so may wrk and PostgreSQL),
and load with wrk

* the lead list of the demo manager (``/leads/``) and the login page
  (``/login``), with 16 connections (throughput) and with 1 (the latency of
  a single client: what TCP_NODELAY and the accept path decide);

printing req/s, p50, how many of the 16 connections each worker held, and
the CPU the app's workers and PostgreSQL used (in cores) during the run.

Goals (issue 18): single-connection latency with 2 workers within 1.2x of 1
worker; throughput from 1 to 2 workers >= 1.7x on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, Load, free_port, login_cookie, table, throwaway_postgres, wrk

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLK_TCK
        except (OSError, IndexError, ValueError):
            continue
    return total


def _postgres_pids() -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as fh:
                    if fh.read().strip() == "postgres":
                        pids.append(int(entry))
            except OSError:
                continue
    return pids


def _connections(pids: list[int], port: int) -> list[int]:
    """Established connections to ``port`` held by each of ``pids`` (from /proc)."""
    inodes: set[str] = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(name) as fh:
            for line in list(fh)[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                    inodes.add(fields[9])
    counts = []
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            counts.append(sum(1 for fd in fds if os.readlink(f"/proc/{pid}/fd/{fd}").strip("socket:[]") in inodes))
        except OSError:
            counts.append(0)
    return counts


class Serving:
    """``forecourt serve --workers N`` on a free port; its worker pids."""

    def __init__(self, workers: int, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - the server writes to it until stopped
        self.proc = subprocess.Popen([sys.executable, "-m", "core.cli", "serve", "--port", str(self.port),
                                      "--workers", str(workers)], env={**os.environ, **env}, cwd=ROOT,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                raise RuntimeError(f"server did not start: {self.log.read().decode()[-2000:]}")
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        time.sleep(1 if workers > 1 else 0)  # every worker up, not just the first
        self.log.seek(0)
        found = re.search(r"pids ([\d, ]+)", self.log.read().decode())
        self.pids = [int(p) for p in found.group(1).split(",")] if found else [self.proc.pid]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(40)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def measure(serving: Serving, path: str, connections: int, seconds: int,
            headers: dict[str, str]) -> tuple[Load, list[int], float, float]:
    """One wrk run: the load, connections per worker (sampled mid-run), app and database CPU in cores."""
    sample: list[int] = []
    timer = threading.Timer(seconds / 2 + 2, lambda: sample.extend(_connections(serving.pids, serving.port)))
    pg = _postgres_pids()
    app0, db0, t0 = _cpu_seconds(serving.pids), _cpu_seconds(pg), time.monotonic()
    timer.start()
    load = wrk(serving.url + path, seconds, connections, headers)  # 2 s warm-up, then the measured run
    elapsed = time.monotonic() - t0
    timer.join()
    return load, sample, (_cpu_seconds(serving.pids) - app0) / elapsed, (_cpu_seconds(pg) - db0) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    with throwaway_postgres() as url:
        if url is None:
            sys.exit("bench/workers.py needs PostgreSQL")
        env = {"FORECOURT_DATABASE_URL": url, "FORECOURT_SECRET_KEY": "bench-workers", "FORECOURT_JOBS_INTERVAL": "0",
               "FORECOURT_DB_POOL": "8"}
        subprocess.run([sys.executable, "-m", "core.cli", "demo", "--no-serve"], env={**os.environ, **env},
                       cwd=ROOT, check=True, capture_output=True)
        pages = [("lead list", "/leads/", True), ("login page", "/login", False)]
        results: dict[tuple[int, str, int], list[tuple[Load, list[int], float, float]]] = {}
        for _round in range(args.rounds):
            for n in counts:
                serving = Serving(n, env)
                try:
                    cookie = {"Cookie": login_cookie(serving.url, "manager.praha", "demo-2026")}
                    for label, path, logged_in in pages:
                        for connections in (16, 1):
                            results.setdefault((n, label, connections), []).append(
                                measure(serving, path, connections, args.seconds, cookie if logged_in else {}))
                finally:
                    serving.stop()
        rows = [["page", "workers", "conns", "req/s", "p50 ms", "conns per worker", "app CPU", "db CPU", "errors"]]
        for label, _path, _ in pages:
            for connections in (16, 1):
                for n in counts:
                    runs = results[(n, label, connections)]
                    rows.append([label, str(n), str(connections),
                                 f"{statistics.median(r[0].rps for r in runs):.0f}",
                                 f"{statistics.median(r[0].p50_ms for r in runs):.2f}",
                                 "/".join(str(c) for c in runs[-1][1]),
                                 f"{statistics.median(r[2] for r in runs):.2f}",
                                 f"{statistics.median(r[3] for r in runs):.2f}",
                                 str(sum(r[0].errors for r in runs))])
        print(table(rows))
        if 1 in counts and 2 in counts:
            for label, _path, _ in pages:
                one = results[(1, label, 16)]
                two = results[(2, label, 16)]
                gain = statistics.median(b[0].rps / a[0].rps for a, b in zip(one, two, strict=True))
                lat = statistics.median(b[0].p50_ms / a[0].p50_ms for a, b in
                                        zip(results[(1, label, 1)], results[(2, label, 1)], strict=True))
                print(f"{label}: throughput 2 vs 1 workers {gain:.2f}x (goal >= 1.7x); "
                      f"single-connection p50 2 vs 1 workers {lat:.2f}x (goal <= 1.2x)")


if __name__ == "__main__":
    main()
