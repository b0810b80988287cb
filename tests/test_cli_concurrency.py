"""Several processes at once: one migrator, one demo seeder at a time, and nothing half-done."""

import os
import subprocess
import sys
import uuid

import asyncpg
import pytest

from core.db import pg_config


def start_cli(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "core.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **env})


@pytest.fixture
async def empty_database(tmp_path):
    """The URL of a database nobody has migrated yet, on the engine the suite runs on."""
    url = os.environ.get("FORECOURT_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    name = f"empty_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(**pg_config(url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


def finish(procs: list[subprocess.Popen]) -> list[tuple[int, str, str]]:
    out = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=300)
        out.append((proc.returncode, stdout, stderr))
    return out


def test_three_migrators_at_once_one_does_the_work(empty_database):
    env = {"FORECOURT_DATABASE_URL": empty_database}
    results = finish([start_cli("migrate", env=env) for _ in range(3)])
    assert all(rc == 0 for rc, _, _ in results), results
    said = sorted(stdout.strip().split(" ")[0] for _, stdout, _ in results)
    assert said == ["Applied", "Nothing", "Nothing"], results
    again = subprocess.run([sys.executable, "-m", "core.cli", "migrate"], capture_output=True, text=True,
                           env={**os.environ, **env}, timeout=120)
    assert "Nothing to migrate" in again.stdout


async def test_three_demo_seeders_at_once_seed_each_dealer_once(empty_database):
    env = {"FORECOURT_DATABASE_URL": empty_database, "FORECOURT_SECRET_KEY": "demo-test"}
    results = finish([start_cli("demo", "--no-serve", env=env) for _ in range(3)])
    assert all(rc == 0 for rc, _, _ in results), results
    counts = await _counts(empty_database)
    assert counts["dealers"] == 2 and counts["users"] == 7, counts
    rerun = finish([start_cli("demo", "--no-serve", env=env)])
    assert rerun[0][0] == 0 and await _counts(empty_database) == counts  # idempotent


async def _counts(url: str) -> dict[str, int]:
    queries = {"dealers": "SELECT COUNT(*) FROM core_dealer", "users": "SELECT COUNT(*) FROM core_user",
               "leads": "SELECT COUNT(*) FROM leads_lead", "customers": "SELECT COUNT(*) FROM customers_customer"}
    if url.startswith("postgresql"):
        conn = await asyncpg.connect(**pg_config(url))
        try:
            return {k: await conn.fetchval(q) for k, q in queries.items()}
        finally:
            await conn.close()
    import sqlite3

    with sqlite3.connect(url.split("sqlite:///", 1)[1]) as conn:
        return {k: conn.execute(q).fetchone()[0] for k, q in queries.items()}
