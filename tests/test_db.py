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


async def test_short_reads_run_on_the_loop_thread_and_long_ones_on_a_reader(tmp_path):
    """A short SELECT is answered on the event loop's thread; one past the budget is interrupted there, answered
    by a reader connection all the same, and goes there directly from then on; writes are seen at once."""
    import threading

    engine = PooledSQLiteEngine(path=str(tmp_path / "quick.sqlite"))
    await engine.start_connection_pool()
    try:
        await engine._run("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)", [])
        await engine._run("INSERT INTO t (id, v) VALUES (1, 'one')", [])
        threads: list[int] = []
        engine._quick.set_trace_callback(lambda _sql: threads.append(threading.get_ident()))
        short = "SELECT v FROM t WHERE id = ?"
        assert await engine._run(short, [1]) == [{"v": "one"}]
        assert threads == [threading.get_ident()] and short not in engine._slow
        await engine._run("UPDATE t SET v = 'uno' WHERE id = 1", [])  # committed by the writer ...
        assert await engine._run(short, [1]) == [{"v": "uno"}]  # ... and read at once on the loop's connection

        long = ("SELECT count(*) AS n FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                "WHERE x < 300000) SELECT x FROM c)")
        assert await engine._run(long, []) == [{"n": 300000}]  # interrupted here, answered by a reader
        assert long in engine._slow
        threads.clear()
        assert await engine._run(long, []) == [{"n": 300000}]
        assert threads == []  # remembered: straight to a reader

        async with engine.transaction():  # inside a transaction a read sees its own writes
            await engine._run("INSERT INTO t (id, v) VALUES (2, 'two')", [])
            assert await engine._run(short, [2]) == [{"v": "two"}]
        with_error = "SELECT v FROM nowhere"
        try:
            await engine._run(with_error, [])
        except Exception as exc:  # the reader's own error, not a silent empty answer
            assert "nowhere" in str(exc)
        else:
            raise AssertionError("a bad query must fail")
        assert await engine._run("SELECT count(*) AS n FROM t", []) == [{"n": 2}]
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
