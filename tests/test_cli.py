"""The command line: migrate, serve's refusal with pending migrations, createuser,
and sessions shared by several server processes (restart / workers)."""

import os
import subprocess
import sys
import time

import httpx
import pytest

from forecourt.testing import _free_port


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core.cli", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)


def test_serve_refuses_with_pending_migrations_and_migrate_applies_them(tmp_path):
    env = {"FORECOURT_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite'}"}
    refused = run_cli("serve", "--port", str(_free_port()), env=env)
    assert refused.returncode == 2
    assert "migrations are not applied" in refused.stderr and "forecourt migrate" in refused.stderr
    assert "core:" in refused.stderr and "notes:" in refused.stderr
    migrated = run_cli("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    assert "Applied" in migrated.stdout
    assert "Nothing to migrate" in run_cli("migrate", env=env).stdout


def test_createuser(forecourt_env, make_dealer):
    login = f"cli-{time.time_ns()}"
    ok = run_cli("createuser", login, "--password", "cli-pass-123", "--no-change")
    assert ok.returncode == 0, ok.stderr
    assert f"Created platform_admin {login}" in ok.stdout
    weak = run_cli("createuser", login + "x", "--password", "short")
    assert weak.returncode == 2 and "at least 8" in weak.stderr
    missing = run_cli("createuser", login + "y", "--role", "manager", "--dealer", "nowhere",
                      "--password", "cli-pass-123")
    assert missing.returncode == 2 and "no dealer" in missing.stderr


async def test_session_works_on_another_server_process(forecourt_env, make_dealer, login):
    """Sessions live in the database: a restart or a second worker keeps them."""
    dealer = await make_dealer(modules=[])
    client = await login(dealer.users["manager"])
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "core.cli", "serve", "--port", str(port)],
                            env={**os.environ, **forecourt_env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        async with httpx.AsyncClient(base_url=url) as other:
            other.cookies.set("fc_session", client.cookies.get("fc_session"))
            r = await other.get("/", follow_redirects=False)
            assert r.status_code == 200 and dealer.name in r.text
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_refuses_workers_whose_pools_do_not_fit_the_server(forecourt_env):
    if not forecourt_env["FORECOURT_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("SQLite has no connection limit")
    refused = run_cli("serve", "--port", str(_free_port()), "--workers", "12", env={"FORECOURT_DB_POOL": "10"})
    assert refused.returncode == 2, refused.stderr
    assert "max_connections=100" in refused.stderr and "FORECOURT_DB_POOL" in refused.stderr


@pytest.mark.filterwarnings("ignore:.*Unable to connect")  # Piccolo looks for the server it is not given
def test_pool_size_and_pgbouncer_mode_reach_the_engine():
    from core import db

    engine = db.build_engine("postgresql://u:p@127.0.0.1:5432/x", pgbouncer=True)
    assert engine.config["statement_cache_size"] == 0  # no prepared statements across pgbouncer's connections
    assert "statement_cache_size" not in db.build_engine("postgresql://u:p@127.0.0.1:5432/x").config


def _established_per_process(pids: list[int], port: int) -> dict[int, int]:
    """How many established connections to ``port`` each process holds (from /proc, Linux)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as fh:
            for line in list(fh)[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                    inodes.add(fields[9])
    counts = {}
    for pid in pids:
        fds = os.listdir(f"/proc/{pid}/fd")
        counts[pid] = sum(1 for fd in fds if os.readlink(f"/proc/{pid}/fd/{fd}").strip("socket:[]") in inodes)
    return counts


async def test_several_workers_share_the_connections(forecourt_env, make_dealer, login):
    """Each worker listens on the port itself (SO_REUSEPORT): new connections are spread over them."""
    import asyncio
    import re

    dealer = await make_dealer(modules=[])
    session = (await login(dealer.users["manager"])).cookies.get("fc_session")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "core.cli", "serve", "--port", str(port), "--workers", "2"],
                            env={**os.environ, **forecourt_env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    clients = []
    try:
        pids = [int(p) for p in re.findall(r"\d+", proc.stderr.readline().split("pids", 1)[1])]
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        clients = [httpx.AsyncClient(base_url=url, cookies={"fc_session": session}) for _ in range(16)]
        answers = await asyncio.gather(*(c.get("/") for c in clients))
        assert all(a.status_code == 200 and dealer.name in a.text for a in answers)  # every worker knows the session
        counts = _established_per_process(pids, port)
        assert sum(counts.values()) == 16 and all(n >= 1 for n in counts.values()), counts
    finally:
        for client in clients:
            await client.aclose()
        proc.terminate()
        assert proc.wait(timeout=40) == 0


async def test_behind_a_trusted_proxy_the_clients_address_counts(forecourt_env, make_dealer):
    """FORECOURT_TRUSTED_PROXIES: per-address limits see each visitor, not the proxy's one address."""
    from plugins.leads.tables import Lead

    dealer = await make_dealer(modules=["leads"])
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "core.cli", "serve", "--port", str(port)],
                            env={**os.environ, **forecourt_env, "FORECOURT_TRUSTED_PROXIES": "127.0.0.1"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        async with httpx.AsyncClient(base_url=url) as client:
            await client.get("/leads/pre-order")
            order = {"version": "1.6 PureTech 180 EAT8", "trim": "GT", "surname": "Proxy", "first_name": "Anna",
                     "phone": "+7 903 111-22-33", "consent": "1", "dealer": str(dealer.id),
                     "_csrf_token": client.cookies.get("fc_csrf", "")}
            for i in range(7):
                r = await client.post("/leads/pre-order", data=order, headers={"x-forwarded-for": f"203.0.113.{i}"})
                assert r.status_code == 200, (i, r.status_code)
        stored = {row["client_ip"] for row in await Lead.scoped(dealer.id).select(Lead.client_ip)}
        assert stored == {f"203.0.113.{i}" for i in range(7)}
    finally:
        proc.terminate()
        proc.wait(timeout=20)
