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
