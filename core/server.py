"""``forecourt serve``: one or more app processes behind one port.

uvicorn's own multi-worker mode shares one listening socket made with
``socket.socket(family)``; asyncio sets ``TCP_NODELAY`` on accepted
connections only when the listening socket's protocol is TCP, so every
response then waited on Nagle's algorithm (a single connection's ``/login``
went from 1 ms to 44 ms p50), and the workers competing on one ``accept``
left most connections with one of them. Here each worker opens its own
listening socket with ``SO_REUSEPORT`` and protocol TCP: the kernel spreads
new connections over the workers, and asyncio sets ``TCP_NODELAY`` on each.

The parent only watches: it stops every worker when one dies or when it is
told to stop (SIGTERM / SIGINT), so a supervisor (systemd, a container
runtime) restarts the whole service cleanly.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import sys
import time


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP listening socket that other workers may bind too (``SO_REUSEPORT``)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _worker(host: str, port: int, log_level: str) -> None:
    import uvicorn

    from core.logscrub import install as scrub_secrets
    from core.settings import Settings

    sock = listening_socket(host, port)
    # Behind a reverse proxy every request comes from the proxy's address: the client's address
    # (per-address limits, the login failure log) and scheme come from its X-Forwarded-* headers,
    # believed only from the proxies named in FORECOURT_TRUSTED_PROXIES.
    proxies = Settings.from_env().trusted_proxies
    config = uvicorn.Config("core.cli:app_factory", factory=True, log_level=log_level,
                            proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None)
    scrub_secrets()  # after uvicorn configured its loggers: quick link tokens never reach the access log
    uvicorn.Server(config).run(sockets=[sock])


def serve(host: str, port: int, workers: int = 1, log_level: str = "info") -> int:
    """Serve on ``host:port`` with ``workers`` processes; returns when they have stopped."""
    if workers <= 1:
        _worker(host, port, log_level)
        return 0
    context = multiprocessing.get_context("spawn")  # a fresh interpreter each: no state shared by fork
    procs = [context.Process(target=_worker, args=(host, port, log_level), name=f"forecourt-worker-{i}")
             for i in range(workers)]
    signalled = False

    def on_signal(_signum: int, _frame: object) -> None:
        nonlocal signalled
        signalled = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    for proc in procs:
        proc.start()
    print(f"forecourt: {workers} workers on http://{host}:{port} (pids {', '.join(str(p.pid) for p in procs)})",
          file=sys.stderr, flush=True)
    while not signalled and all(proc.is_alive() for proc in procs):
        time.sleep(0.5)
    dead = [proc for proc in procs if not proc.is_alive()]
    for proc in procs:
        if proc.is_alive():
            proc.terminate()  # uvicorn finishes the requests in flight on SIGTERM
    deadline = time.monotonic() + 30
    for proc in procs:
        proc.join(max(0.1, deadline - time.monotonic()))
        if proc.is_alive():
            os.kill(proc.pid, signal.SIGKILL)
    if dead and not signalled:
        print(f"forecourt: worker {dead[0].name} stopped (exit code {dead[0].exitcode}); stopped the others too",
              file=sys.stderr)
        return 1
    return 0
