"""The storage layer: long-lived SQLite connections, no "database is locked"."""

import asyncio

from fc_notes.tables import Note

from core.db import PooledSQLiteEngine, build_engine, pg_config


class CountingEngine(PooledSQLiteEngine):
    opened = 0

    async def get_connection(self):
        CountingEngine.opened += 1
        return await super().get_connection()


async def test_sqlite_pool_reuses_connections_and_serialises_writers(tmp_path):
    engine = CountingEngine(path=str(tmp_path / "pool.sqlite"))
    await engine.start_connection_pool()
    try:
        await engine._run("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)", [])
        await engine._run("INSERT INTO counter (id, n) VALUES (1, 0)", [])
        opened = CountingEngine.opened

        async def bump() -> None:
            async with engine.transaction():
                row = (await engine._run("SELECT n FROM counter WHERE id = 1", []))[0]
                await asyncio.sleep(0)  # let the others in between read and write
                await engine._run("UPDATE counter SET n = ? WHERE id = 1", [row["n"] + 1])

        await asyncio.gather(*(bump() for _ in range(100)))
        reads = await asyncio.gather(
            *(engine._run("SELECT n FROM counter", []) for _ in range(50)))
        assert all(r[0]["n"] == 100 for r in reads)  # no lost update, no "locked"
        assert CountingEngine.opened == opened  # no new connection per query
        mode = await engine._run("PRAGMA journal_mode", [])
        assert mode[0]["journal_mode"] == "wal"
        fks = await engine._run("PRAGMA foreign_keys", [])
        assert fks[0]["foreign_keys"] == 1
    finally:
        await engine.close_connection_pool()


async def test_failed_transaction_leaves_nothing_and_frees_the_writer(tmp_path):
    engine = PooledSQLiteEngine(path=str(tmp_path / "rollback.sqlite"))
    await engine.start_connection_pool()
    try:
        await engine._run("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)", [])
        try:
            async with engine.transaction():
                await engine._run("INSERT INTO t (v) VALUES ('half')", [])
                await engine._run("INSERT INTO t (v) VALUES (NULL)", [])
        except Exception as exc:
            assert "NOT NULL" in str(exc)
        assert await engine._run("SELECT count(*) AS c FROM t", []) == [{"c": 0}]
        async with engine.transaction():  # the lock was released
            await engine._run("INSERT INTO t (v) VALUES ('ok')", [])
        assert await engine._run("SELECT count(*) AS c FROM t", []) == [{"c": 1}]
    finally:
        await engine.close_connection_pool()


def test_database_urls(tmp_path):
    assert isinstance(build_engine(f"sqlite:///{tmp_path / 'x.sqlite'}"), PooledSQLiteEngine)
    assert pg_config("postgresql://u:p%40ss@db.example:5433/forecourt") == {
        "host": "db.example", "port": 5433, "user": "u", "password": "p@ss", "database": "forecourt",
    }


async def test_concurrent_writes_over_http_all_succeed(make_dealer, client_as):
    dealer = await make_dealer(modules=["notes"])
    clients = [await client_as(dealer, "manager") for _ in range(4)]
    responses = await asyncio.gather(*(
        clients[i % 4].post("/notes/", data={"title": f"note {i}"}) for i in range(40)))
    assert [r.status_code for r in responses] == [302] * 40
    assert await Note.scoped(dealer.id).count() == 40
