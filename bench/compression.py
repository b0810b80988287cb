"""What gzip costs the server and saves on the wire: the lead list and a lead card.

Run: ``.venv/bin/python bench/compression.py [--seconds 5]`` (SQLite, the demo data; needs ``wrk``).

It seeds the demo data into a throwaway SQLite file, serves it with one pinned
uvicorn worker and, as the demo manager, measures for the lead list and the
first lead card:

* bytes on the wire without and with ``Accept-Encoding: gzip`` (the app's own
  ``CompressionConfig``, level 6), and what levels 1 and 9 would give;
* the CPU time of compressing one page (median of 200 in-process runs per level);
* requests/s and p50 of the server with and without gzip (``wrk``, 8 connections);
* the transfer time each size takes at 100 Mbit/s and 1 Gbit/s (an office LAN),
  to set against the compression time: gzip is worth it when it saves more
  wire time than it costs CPU.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, login_cookie, server, table, wrk


def _compress_ms(body: bytes, level: int, runs: int = 200) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        c = zlib.compressobj(level, zlib.DEFLATED, 31)
        c.compress(body)
        c.flush()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _wire_ms(size: int, mbit: int) -> float:
    return size * 8 / (mbit * 1_000_000) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {"FORECOURT_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite", "FORECOURT_SECRET_KEY": "bench-gzip",
               "FORECOURT_JOBS_INTERVAL": "0"}
        subprocess.run([sys.executable, "-m", "core.cli", "demo", "--no-serve"], env={**os.environ, **env},
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        with server(["--factory", "core.cli:app_factory"], env) as url:
            cookie = login_cookie(url, "manager.praha", "demo-2026")
            headers = {"Cookie": cookie}
            leads = httpx.get(url + "/leads/", headers={**headers, "accept-encoding": "identity"})
            card = re.search(r'href="(/leads/\d+)"', leads.text)
            paths = {"lead list": "/leads/", "lead card": card.group(1) if card else "/leads/"}
            rows = [["page", "raw KB", "gzip-1 KB", "gzip-6 KB", "gzip-9 KB", "served KB", "gzip-6 CPU ms",
                     "wire ms 100M raw→gz", "wire ms 1G raw→gz", "req/s raw", "req/s gzip",
                     "p50 ms raw", "p50 ms gzip"]]
            for name, path in paths.items():
                raw = httpx.get(url + path, headers={**headers, "accept-encoding": "identity"})
                served = httpx.get(url + path, headers={**headers, "accept-encoding": "gzip"})
                on_wire = int(served.headers.get("content-length", len(served.content)))
                body = raw.content
                sizes = {lv: len(zlib.compress(body, lv)) for lv in (1, 6, 9)}
                plain = wrk(url + path, args.seconds, 8, {**headers, "Accept-Encoding": "identity"})
                gz = wrk(url + path, args.seconds, 8, {**headers, "Accept-Encoding": "gzip"})
                rows.append([
                    name, f"{len(body) / 1024:.1f}", f"{sizes[1] / 1024:.1f}", f"{sizes[6] / 1024:.1f}",
                    f"{sizes[9] / 1024:.1f}", f"{on_wire / 1024:.1f}", f"{_compress_ms(body, 6):.2f}",
                    f"{_wire_ms(len(body), 100):.2f}→{_wire_ms(on_wire, 100):.2f}",
                    f"{_wire_ms(len(body), 1000):.2f}→{_wire_ms(on_wire, 1000):.2f}",
                    f"{plain.rps:.0f}", f"{gz.rps:.0f}", f"{plain.p50_ms:.2f}", f"{gz.p50_ms:.2f}",
                ])
            print(table(rows))


if __name__ == "__main__":
    main()
