"""One page, in-process, through the real app: CPU time per request and where it goes (issue 14, the page floor).

Run against a seeded database (e.g. ``bench/leads.py --seed 10000`` with the
same environment), from a checkout or from an old commit's tree
(``PYTHONPATH=<tree>``) to compare the two::

    FORECOURT_DATABASE_URL=sqlite:////tmp/l.sqlite FORECOURT_PLUGINS=leads \\
        .venv/bin/python bench/profile_page.py --path /leads/ --mode time
    ... --mode cprofile            # the 40 costliest functions, by own time and by cumulative time
    ... --mode pyinstrument        # a call tree (needs pyinstrument installed; not a dependency)

The requests go straight into the ASGI app (no client, no socket), after a
login through the real form, so the figures are the server's work alone:
session, guards, CSRF, the handler, the query, the template, the response.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import time
from typing import Any

os.environ.setdefault("FORECOURT_JOBS_INTERVAL", "0")
os.environ.setdefault("FORECOURT_SECRET_KEY", "bench-secret-key-not-for-production")


async def _get(app: Any, path: str, cookie: str) -> None:
    raw, _, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": raw, "raw_path": raw.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"127.0.0.1"), (b"cookie", cookie.encode()), (b"accept", b"text/html")],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80), "state": {}}
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    if sent[0]["status"] != 200:
        raise SystemExit(f"{path} answered {sent[0]['status']}")


async def main(args: argparse.Namespace) -> None:
    from litestar.testing import AsyncTestClient

    from core.app import create_app

    logging.disable(logging.INFO)
    app = create_app()
    async with AsyncTestClient(app, base_url="http://bench.local") as client:
        await client.get("/login")
        answer = await client.post("/login", data={"identifier": args.login, "password": args.password},
                                   headers={"x-csrftoken": client.cookies.get("fc_csrf", "")}, follow_redirects=False)
        if answer.status_code != 302:
            raise SystemExit(f"login failed: {answer.status_code}")
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        for _ in range(30):  # warm: templates compiled, patterns parsed, texts remembered
            await _get(app, args.path, cookie)
        if args.mode == "time":
            for round_ in range(args.rounds):
                times = []
                for _ in range(args.requests):
                    start = time.process_time()
                    await _get(app, args.path, cookie)
                    times.append((time.process_time() - start) * 1000)
                print(f"round {round_ + 1}: {statistics.median(times):.3f} ms CPU per request (median of "
                      f"{args.requests}), lowest decile {sorted(times)[len(times) // 10]:.3f}", flush=True)
        elif args.mode == "cprofile":
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.requests):
                await _get(app, args.path, cookie)
            profile.disable()
            stats = pstats.Stats(profile)
            stats.sort_stats("tottime").print_stats(40)
            stats.sort_stats("cumulative").print_stats(40)
        else:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005, async_mode="disabled")
            profiler.start()
            for _ in range(args.requests):
                await _get(app, args.path, cookie)
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/leads/")
    parser.add_argument("--mode", choices=("time", "cprofile", "pyinstrument"), default="time")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--login", default="m1")
    parser.add_argument("--password", default="bench-pass-2026")
    asyncio.run(main(parser.parse_args()))
