"""PostgreSQL connections kept open and handed out without a task, timer or proxy per query.

asyncpg's own pool costs ~45 µs of CPU per acquire and release here (a
task for the shielded release, an inactivity timer armed and cancelled, a
proxy object, its queue), about as much as the query it wraps: every
statement run outside a transaction pays it, ten on a customer's checkout.
:class:`ConnectionPool` is what Forecourt needs of a pool and no more:

* at most ``max_size`` connections; the most recently released is handed
  out first (LIFO, so a quiet app keeps few connections warm); a caller
  beyond ``max_size`` waits its turn, first come first served, and a
  released connection goes straight to the longest waiter;
* a connection comes back usable or not at all: one that was closed (the
  server went away), is still inside a transaction (a rollback that failed)
  or is still cancelling a query is dropped (terminated), and its place is
  free for a new one; one in use that closes is noticed as well;
* no session state is reset on release (a transaction left open is rolled
  back), as behind pgbouncer in transaction mode: Forecourt never leaves any
  on a pooled connection (``SET LOCAL``, ``pg_advisory_xact_lock``; the one
  session lock, :mod:`core.locks`, holds a connection of its own) —
  docs/plugins.md says the same to plugins;
* :meth:`close` closes the idle ones at once and every other on release.

The engine (:class:`PooledPostgresEngine`) runs a statement outside a
transaction on one acquire and release, and Piccolo's transactions take
their connection from the same pool.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from piccolo.engine.postgres import PostgresEngine


class PoolClosed(RuntimeError):
    """The pool was closed: no connection is handed out any more."""


class ConnectionPool:
    """See the module doc. ``connect()`` opens one new connection."""

    def __init__(self, connect: Callable[[], Awaitable[Any]], min_size: int, max_size: int) -> None:
        if max_size < 1 or not 0 <= min_size <= max_size:
            raise ValueError("a pool needs 0 <= min_size <= max_size and max_size >= 1")
        self._connect = connect
        self.min_size, self.max_size = min_size, max_size
        self._idle: list[Any] = []
        self._busy: set[Any] = set()
        self._opening = 0  #: connections being opened (they count towards max_size)
        self._waiters: collections.deque[asyncio.Future[Any]] = collections.deque()
        self._closed = False

    @property
    def size(self) -> int:
        """Connections open or opening, idle and in use."""
        return len(self._idle) + len(self._busy) + self._opening

    async def open(self) -> None:
        """Open ``min_size`` connections up front (a failure here is the app's start-up error)."""
        for _ in range(self.min_size - self.size):
            self._idle.append(await self._connect())

    def acquire(self) -> _Acquire:
        """A connection of this caller's own until :meth:`release`: ``await pool.acquire()``, or
        ``async with pool.acquire() as con:`` (released at the end of the block)."""
        return _Acquire(self)

    async def _acquire(self) -> Any:
        if self._closed:
            raise PoolClosed("the connection pool is closed")
        while self._idle:
            con = self._idle.pop()
            if not con.is_closed():
                self._busy.add(con)
                return con
        if self.size >= self.max_size:
            self._forget_closed_busy()
        if self.size < self.max_size and not self._waiters:
            return await self._open_one()
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            con = await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                handed = waiter.result()  # handed over as this caller gave up: pass it on
                if handed is None:
                    self._opening -= 1
                    self._hand_on(None)
                else:
                    await self.release(handed)
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise
        if con is None:  # a free place, reserved for this caller: open a connection in it
            return await self._open_one(reserved=True)
        return con

    async def _open_one(self, reserved: bool = False) -> Any:
        if not reserved:
            self._opening += 1
        try:
            con = await self._connect()
        except BaseException:
            self._opening -= 1
            self._hand_on(None)  # the place this caller held is free again
            raise
        self._opening -= 1
        if self._closed:
            con.terminate()
            raise PoolClosed("the connection pool is closed")
        self._busy.add(con)
        return con

    def _forget_closed_busy(self) -> None:
        """Connections in use that closed (a caller that lost one to a failed rollback): their places are free."""
        for con in [c for c in self._busy if c.is_closed()]:
            self._busy.discard(con)

    def _hand_on(self, con: Any) -> bool:
        """Give ``con`` (or, with ``None``, a free place) to the longest waiter; False when nobody waits."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                if con is None:
                    self._opening += 1  # the place is the waiter's from now on
                else:
                    self._busy.add(con)
                waiter.set_result(con)
                return True
        return False

    async def release(self, con: Any) -> None:
        """Give ``con`` back: to the longest waiter, else to the idle ones (or closed: see the module doc)."""
        if con not in self._busy:
            if con.is_closed():
                return  # it broke in use and its place was freed already (see _forget_closed_busy)
            raise ValueError("release() of a connection this pool did not hand out, or released twice")
        if self._closed:
            self._busy.discard(con)
            with contextlib.suppress(Exception):
                await con.close(timeout=5)
            return
        usable = await self._usable(con)  # still counted while a rollback runs: the size never goes past max
        self._busy.discard(con)
        if not usable:
            con.terminate()
            self._hand_on(None)
            return
        if not self._hand_on(con):
            self._idle.append(con)

    @staticmethod
    async def _usable(con: Any) -> bool:
        """Whether ``con`` can serve the next caller: open, idle, outside a transaction (one left open is
        rolled back first, as asyncpg's pool does)."""
        if con.is_closed() or con._protocol._is_cancelling():  # a cancelled query's cancel still under way
            return False
        if con.is_in_transaction():
            try:
                await con.execute("ROLLBACK")
            except Exception:
                return False
        return True

    async def close(self) -> None:
        """Close the idle connections now and the others when they come back; waiters are refused."""
        self._closed = True
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(PoolClosed("the connection pool is closed"))
        idle, self._idle = self._idle, []
        for con in idle:
            with contextlib.suppress(Exception):
                await con.close(timeout=5)


class _Acquire:
    """What :meth:`ConnectionPool.acquire` returns: awaitable, or an async context manager that releases."""

    __slots__ = ("_con", "_pool")

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool
        self._con: Any = None

    def __await__(self) -> Any:
        return self._pool._acquire().__await__()

    async def __aenter__(self) -> Any:
        self._con = await self._pool._acquire()
        return self._con

    async def __aexit__(self, *_exc: object) -> None:
        con, self._con = self._con, None
        await self._pool.release(con)


class PooledPostgresEngine(PostgresEngine):
    """Piccolo's PostgreSQL engine on a :class:`ConnectionPool` (``start_connection_pool(min_size, max_size)``)."""

    async def start_connection_pool(self, **kwargs: Any) -> None:
        if self.pool:
            raise RuntimeError("the connection pool is already open")
        import asyncpg

        min_size, max_size = int(kwargs.pop("min_size", 1)), int(kwargs.pop("max_size", 10))
        config = {**self.config, **kwargs}
        pool = ConnectionPool(lambda: asyncpg.connect(**config), min_size, max_size)
        await pool.open()
        self.pool = pool  # type: ignore[assignment]

    async def close_connection_pool(self) -> None:
        pool, self.pool = self.pool, None
        if pool is not None:
            await pool.close()

    async def _run_in_pool(self, query: str, args: Any = None) -> Any:
        pool = self.pool
        if pool is None:
            raise ValueError("A pool isn't currently running.")
        con = await pool._acquire()
        try:
            return await con.fetch(query, *(args or ()))
        finally:
            await pool.release(con)
