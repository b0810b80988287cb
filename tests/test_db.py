"""The storage layer: long-lived SQLite connections, no "database is locked"."""

import asyncio

import pytest
from fc_notes.tables import Note

from core import db
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



async def test_statements_of_a_transaction_run_on_the_loop_thread_except_begin_commit_and_slow_ones(tmp_path):
    """In a transaction the writer runs short statements on the loop's thread (it holds SQLite's write lock, so
    they wait for nobody); BEGIN and COMMIT, a write outside a transaction, a batch with many parameters and a
    statement once found slow go to the writer's thread; a failed statement rolls back all as before."""
    import sqlite3
    import threading

    from core.sqlite_pool import QUICK_WRITE_ARGS

    engine = PooledSQLiteEngine(path=str(tmp_path / "writes.sqlite"))
    await engine.start_connection_pool()
    loop_thread = threading.get_ident()
    try:
        await engine._run("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)", [])
        seen: list[tuple[bool, str]] = []
        engine._writer._conn.set_trace_callback(
            lambda sql: seen.append((threading.get_ident() == loop_thread, sql.split()[0].upper())))
        await engine._run("INSERT INTO t (v) VALUES (?)", ["outside"])  # autocommit: may wait for a lock
        assert (True, "INSERT") not in seen
        seen.clear()
        async with engine.transaction():
            assert await engine._run("INSERT INTO t (v) VALUES (?) RETURNING id", ["a"]) == [{"id": 2}]
            await engine._run("UPDATE t SET v = ? WHERE id = ?", ["b", 2])
            batch = [f"x{i}" for i in range(QUICK_WRITE_ARGS + 1)]
            await engine._run("INSERT INTO t (v) VALUES " + ", ".join(["(?)"] * len(batch)), batch)
        on_loop = [sql for here, sql in seen if here]
        on_writer = [sql for here, sql in seen if not here]
        assert on_loop == ["INSERT", "UPDATE"], seen
        assert on_writer[0] == "BEGIN" and on_writer[-1] == "COMMIT" and "INSERT" in on_writer, seen

        slow = ("INSERT INTO t (v) SELECT 'n' || x FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
                "FROM c WHERE x < 200000) SELECT x FROM c) WHERE x < ?")
        async with engine.transaction():
            await engine._run(slow, [3])  # ran here, took too long: remembered
        assert slow in engine._slow
        seen.clear()
        async with engine.transaction():
            await engine._run(slow, [0])
        assert [sql for here, sql in seen if here] == [], seen  # straight to the writer's thread now

        try:
            async with engine.transaction():
                await engine._run("INSERT INTO t (v) VALUES (?)", ["c"])
                await engine._run("INSERT INTO t (v) VALUES (?)", ["c"])  # the unique index refuses it, here
        except sqlite3.IntegrityError:
            pass
        else:
            raise AssertionError("a duplicate must fail")
        assert await engine._run("SELECT count(*) AS n FROM t WHERE v = 'c'", []) == [{"n": 0}]  # all rolled back
        assert await engine._run("SELECT count(*) AS n FROM t", []) == [{"n": 2 + QUICK_WRITE_ARGS + 1 + 2}]
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


async def test_insert_rows_writes_what_piccolos_save_writes(make_dealer):
    """The one-statement insert (core.inserts) stores every column as ``row.save()`` does, on either engine."""
    import datetime as dt
    from decimal import Decimal

    from plugins.orders.tables import Order

    dealer = await make_dealer(modules=["orders"])
    scoped = Order.scoped(dealer.id)
    moment = dt.datetime(2026, 12, 3, 9, 30, 15, 120000, tzinfo=dt.UTC)
    values = {"total": Decimal("1234.50"), "currency": "CZK", "contact_name": "Jan Novák", "source": "quicklink",
              "created_at": moment, "updated_at": moment, "note": "a \"quoted\" 'note' {}"}
    saved = scoped.new(number=1, **values)
    await saved.save()  # Piccolo's own insert
    fast = await scoped.insert(number=2, **values)
    assert isinstance(fast.id, int) and fast.id != saved.id and fast._exists_in_db
    piccolo_row, our_row = await scoped.select().where(Order.id.is_in([saved.id, fast.id])).order_by(Order.number)
    assert our_row["id"] == fast.id and our_row["number"] == 2
    assert {k: v for k, v in our_row.items() if k not in ("id", "number")} == \
        {k: v for k, v in piccolo_row.items() if k not in ("id", "number")}
    assert our_row["total"] == Decimal("1234.50") and our_row["created_at"] == moment

    many = await scoped.insert_many({"number": n, **values} for n in (3, 4, 5))  # one statement, an id each
    stored = {r["id"]: r["number"] for r in await scoped.select(Order.id, Order.number).where(Order.number >= 3)}
    assert stored == {row.id: row.number for row in many} and len(stored) == 3


async def test_a_pooled_postgres_connection_goes_back_without_the_reset_round_trip(make_dealer):
    """A query outside a transaction is one round trip: the pool sends nothing after it (core.pg_pool).

    ``pg_stat_activity`` shows each backend's last statement: ours, not
    asyncpg's ``SELECT pg_advisory_unlock_all(); CLOSE ALL; ...``. A
    transaction left open on a released connection is still rolled back
    (its transaction-scoped lock is free at once).
    """
    import asyncpg

    await make_dealer()  # the app booted
    if db.engine_kind() != "postgres":
        pytest.skip("PostgreSQL's connection pool")
    engine = db.engine()
    marker = "SELECT pg_backend_pid() /* forecourt: a pooled query */"
    async with db.lifespan_pool():  # the pool as the server opens it
        async with engine.pool.acquire() as plain:  # type: ignore[attr-defined]
            plain_pid = await plain.fetchval(marker)
            async with engine.pool.acquire() as left_open:  # type: ignore[attr-defined]
                await left_open.execute("BEGIN; SELECT pg_advisory_xact_lock(424242)")
                open_pid = await left_open.fetchval("SELECT pg_backend_pid()")
        observer = await asyncpg.connect(**engine.config)  # type: ignore[attr-defined]
        try:
            last = dict(await observer.fetch("SELECT pid, query FROM pg_stat_activity WHERE pid = ANY($1::int[])",
                                             [plain_pid, open_pid]))
            free = await observer.fetchval("SELECT pg_try_advisory_xact_lock(424242)")
        finally:
            await observer.close()
    assert plain_pid != open_pid
    assert last == {plain_pid: marker, open_pid: "ROLLBACK"}
    assert free is True
