"""core.pg_pool: PostgreSQL connections handed out without asyncpg's per-query pool work, and never lost.

Real connections to the test server: at most ``max_size`` backends, waiters
served first come first served, a waiter that gives up loses nobody a
connection, a broken or failed connection frees its place, a transaction
left open is rolled back, and a closed pool refuses.
"""

import asyncio
import contextlib

import asyncpg
import pytest

from core import db
from core.pg_pool import ConnectionPool, PoolClosed


@contextlib.asynccontextmanager
async def opened(connect, min_size: int, max_size: int):
    """A pool with its ``min_size`` connections open, closed at the end of the block."""
    pool = ConnectionPool(connect, min_size, max_size)
    await pool.open()
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
async def connect(make_dealer):
    await make_dealer()  # the app booted on the test database
    if db.engine_kind() != "postgres":
        pytest.skip("PostgreSQL's connection pool")
    config = db.engine().config  # type: ignore[attr-defined]
    return lambda: asyncpg.connect(**config)


async def test_at_most_max_size_connections_and_waiters_are_served_in_turn(connect):
    async with opened(connect, 1, 2) as pool:
        a, b = await pool.acquire(), await pool.acquire()
        first = asyncio.ensure_future(pool.acquire())
        second = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0.05)
        assert not first.done() and not second.done() and pool.size == 2
        await pool.release(b)
        assert await first is b  # the longest waiter gets the released connection itself
        await pool.release(a)
        assert await second is a
        await pool.release(a)
        await pool.release(b)

        async def query(n: int) -> int:
            async with pool.acquire() as con:
                return await con.fetchval("SELECT $1::int + pg_backend_pid() * 0", n)

        assert await asyncio.gather(*[query(n) for n in range(60)]) == list(range(60))
        assert pool.size == 2


async def test_a_waiter_that_gives_up_loses_nobody_a_connection(connect):
    async with opened(connect, 1, 1) as pool:
        held = await pool.acquire()
        gave_up = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0.02)
        gave_up.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gave_up
        await pool.release(held)
        again = await asyncio.wait_for(pool.acquire(), 2)
        assert again is held and pool.size == 1
        # handed over in the same turn the waiter is cancelled: the connection goes on to the next one
        waiting = asyncio.ensure_future(pool.acquire())
        after = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0.02)
        await pool.release(again)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert await asyncio.wait_for(after, 2) is held
        await pool.release(held)


async def test_a_broken_connection_is_dropped_and_its_place_reopened(connect):
    async with opened(connect, 1, 1) as pool:
        con = await pool.acquire()
        pid = await con.fetchval("SELECT pg_backend_pid()")
        waiter = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0.02)
        observer = await connect()
        try:
            await observer.fetchval("SELECT pg_terminate_backend($1)", pid)  # the server drops it
        finally:
            await observer.close()
        with pytest.raises((asyncpg.exceptions.AdminShutdownError, asyncpg.exceptions.ConnectionDoesNotExistError,
                            asyncpg.exceptions.InterfaceError)):
            await con.fetchval("SELECT 1")
        await pool.release(con)
        fresh = await asyncio.wait_for(waiter, 5)  # the waiter gets a new connection in the freed place
        assert fresh is not con and await fresh.fetchval("SELECT pg_backend_pid()") != pid
        assert pool.size == 1
        await pool.release(fresh)


async def test_a_failed_connect_frees_its_place(connect):
    attempts = []

    async def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("connection refused")
        return await connect()

    pool = ConnectionPool(flaky, 0, 1)
    with pytest.raises(OSError):
        await pool.acquire()
    assert pool.size == 0
    con = await pool.acquire()
    assert await con.fetchval("SELECT 1") == 1 and pool.size == 1
    await pool.release(con)
    await pool.close()


async def test_a_transaction_left_open_is_rolled_back_and_the_connection_kept(connect):
    async with opened(connect, 1, 1) as pool:
        con = await pool.acquire()
        await con.execute("BEGIN; SELECT pg_advisory_xact_lock(424243)")
        await pool.release(con)
        again = await pool.acquire()
        assert again is con and not again.is_in_transaction()
        observer = await connect()
        try:
            assert await observer.fetchval("SELECT pg_try_advisory_xact_lock(424243)") is True
        finally:
            await observer.close()
        await pool.release(again)


async def test_a_closed_pool_refuses_and_closes_what_comes_back(connect):
    pool = ConnectionPool(connect, 2, 2)
    await pool.open()
    held, second = await pool.acquire(), await pool.acquire()
    waiter = asyncio.ensure_future(pool.acquire())
    await asyncio.sleep(0.02)
    await pool.close()
    with pytest.raises(PoolClosed):
        await waiter
    with pytest.raises(PoolClosed):
        await pool.acquire()
    await pool.release(held)
    await pool.release(second)
    assert held.is_closed() and second.is_closed()


def test_sizes_are_checked():
    async def never():  # pragma: no cover - not called
        raise AssertionError

    with pytest.raises(ValueError):
        ConnectionPool(never, 2, 1)
    with pytest.raises(ValueError):
        ConnectionPool(never, 0, 0)


async def test_the_engine_runs_queries_and_transactions_on_it_within_its_size(connect):
    """The app's engine opens this pool (not asyncpg's); forty concurrent requests' worth of plain reads and
    transactions all finish on at most ``max_size`` connections, and every connection comes back idle."""
    from core.tables import Dealer

    engine = db.engine()
    async with db.lifespan_pool():
        pool = engine.pool  # type: ignore[attr-defined]
        assert isinstance(pool, ConnectionPool)

        async def request(n: int) -> int:
            await Dealer.raw("SELECT id FROM core_dealer WHERE id = {}", n)
            async with db.transaction():
                await Dealer.raw("SELECT pg_advisory_xact_lock(424244, {})", n % 3)
                rows = await Dealer.raw("SELECT {}::int AS n", n)
            return int(rows[0]["n"])

        assert await asyncio.gather(*[request(n) for n in range(40)]) == list(range(40))
        assert pool.size <= pool.max_size and not pool._busy
        assert all(not con.is_in_transaction() for con in pool._idle)


async def test_a_connection_released_twice_is_refused_not_shared(connect):
    async with opened(connect, 1, 2) as pool:
        con = await pool.acquire()
        await pool.release(con)
        with pytest.raises(ValueError):
            await pool.release(con)
        a, b = await pool.acquire(), await pool.acquire()
        assert a is not b  # the connection is not handed to two callers
        await pool.release(a)
        await pool.release(b)
