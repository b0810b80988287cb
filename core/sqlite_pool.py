"""SQLite with long-lived connections: the engine :func:`core.db.build_engine` makes for a ``sqlite:///`` URL.

Piccolo's stock ``SQLiteEngine`` opens a new connection (and OS thread) for
every query outside a transaction, and its DEFERRED transactions fail with
"database is locked" under concurrent writers. :class:`PooledSQLiteEngine`
fixes both once the app's lifespan has called ``start_connection_pool()``
(the same call that opens PostgreSQL's pool):

* a few long-lived reader connections serve plain SELECTs;
* one writer connection, guarded by an in-process lock, serves every write
  and every transaction (``BEGIN IMMEDIATE``), so writers queue instead of
  failing; WAL lets the readers go on meanwhile;
* a plain SELECT first runs on a read-only connection of the event loop's own
  thread, within a budget of :data:`QUICK_STEPS` progress steps (well under a
  millisecond): the indexed reads a page makes cost ~10 µs there instead of
  ~150 µs for the hop to a reader's thread and back. A read that runs out of
  budget (or meets a busy database) is interrupted and goes to a reader
  connection instead, and its SQL is remembered so it goes there directly
  next time: no request waits behind a long read on the loop.
* inside a transaction, a statement runs on the writer connection from the
  loop's own thread as well (the transaction holds the writer and SQLite's
  write lock since ``BEGIN IMMEDIATE``, so it waits for nobody): a
  quick-link checkout's ten statements cost the hop to the writer's thread
  once each otherwise. ``BEGIN`` (which may wait for another process),
  ``COMMIT`` (which may checkpoint the WAL), a statement with more than
  :data:`QUICK_WRITE_ARGS` parameters (a batch load) and one that once took
  longer than :data:`QUICK_WRITE_MS` there (remembered, as the long reads
  are) go to the writer's thread.

Outside a started pool (CLI commands, migrations) it behaves like the stock
engine. Use :func:`core.db.transaction` for every write that spans queries.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from typing import Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.querystring import QueryString

from core import sqlite_convert

_READ_PREFIXES = ("SELECT", "WITH", "PRAGMA", "EXPLAIN")
#: statements that begin or end a transaction: only ever on the writer's thread
_ENDS = ("BEGIN", "COMMIT", "END", "ROLLBACK")
#: progress-handler calls (each after 1,000 SQLite VM steps) a read may take on the loop's thread
QUICK_STEPS = 20
#: how many SQL texts found too long for the loop's thread are remembered (then forgotten, and learnt again)
SLOW_MEMORY = 2000
#: a statement in a transaction that took longer than this (ms) on the loop's thread goes to the writer's thread
QUICK_WRITE_MS = 2.0
#: a statement with more parameters than this (a batch of rows) goes to the writer's thread at once
QUICK_WRITE_ARGS = 200


class PooledSQLiteTransaction(SQLiteTransaction):
    """A transaction on the engine's single writer connection, under its lock."""

    __slots__ = ("_pooled",)

    async def get_connection(self) -> aiosqlite.Connection:
        engine: PooledSQLiteEngine = self.engine  # type: ignore[assignment]
        self._pooled = engine._writer is not None
        if not self._pooled:
            return await engine.get_connection()
        await engine._write_lock.acquire()
        return engine._writer  # type: ignore[return-value]

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            if self._pooled:
                self.engine._write_lock.release()  # type: ignore[attr-defined]
            else:
                await self.connection.close()
            self.engine.current_transaction.reset(self.context)
        return exception is None


class PooledSQLiteEngine(SQLiteEngine):
    """SQLite with long-lived connections and serialised writers (see module doc)."""

    __slots__ = ("_all", "_quick", "_reader_count", "_readers", "_slow", "_steps", "_write_lock", "_writer")

    def __init__(self, path: str, readers: int = 4, **kwargs: Any) -> None:
        super().__init__(path=path, timeout=15, **kwargs)
        sqlite_convert.install()
        self._reader_count = readers
        self._readers: asyncio.Queue[aiosqlite.Connection] | None = None
        self._writer: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._all: list[aiosqlite.Connection] = []
        self._quick: sqlite3.Connection | None = None
        self._slow: set[str] = set()
        self._steps = 0

    async def get_connection(self) -> aiosqlite.Connection:
        # used from the loop's thread too (the writer, in a transaction), never by two threads at once
        connection = await aiosqlite.connect(**{**self.connection_kwargs, "check_same_thread": False})
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA foreign_keys = 1")
        await connection.execute("PRAGMA synchronous = NORMAL")
        return connection

    async def prep_database(self) -> None:
        """WAL persists in the file: set it once."""
        connection = await self.get_connection()
        try:
            await connection.execute("PRAGMA journal_mode = WAL")
        finally:
            await connection.close()

    async def start_connection_pool(self, **_: Any) -> None:
        if self._readers is not None:
            return
        await self.prep_database()
        self._write_lock = asyncio.Lock()
        self._writer = await self.get_connection()
        readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all = [self._writer]
        for _ in range(self._reader_count):
            connection = await self.get_connection()
            self._all.append(connection)
            readers.put_nowait(connection)
        self._readers = readers
        self._quick = self._open_quick()
        await self.optimize()

    def _open_quick(self) -> sqlite3.Connection:
        """The loop thread's read-only connection: it never waits for a lock (timeout 0: busy goes elsewhere)."""
        kwargs = {**self.connection_kwargs, "timeout": 0, "check_same_thread": False}
        connection = sqlite3.connect(**kwargs)
        connection.row_factory = dict_factory
        connection.execute("PRAGMA query_only = 1")

        def budget() -> bool:
            self._steps += 1
            return self._steps > QUICK_STEPS  # True interrupts the statement

        connection.set_progress_handler(budget, 1000)
        return connection

    def _read_here(self, query: str, args: list[Any]) -> list[dict[str, Any]] | None:
        """The rows of a short read run on this thread, or ``None``: it must go to a reader connection."""
        quick = self._quick
        if quick is None or query in self._slow:
            return None
        self._steps = 0
        cursor = None
        try:
            cursor = quick.execute(query, args)
            return cursor.fetchall()
        except sqlite3.OperationalError:  # interrupted (too long for the loop), busy, or an error the reader repeats
            if len(self._slow) >= SLOW_MEMORY:
                self._slow.clear()
            self._slow.add(query)
            return None
        finally:
            if cursor is not None:
                cursor.close()  # whatever happened, no read transaction stays open on the loop's connection

    async def optimize(self) -> None:
        """Refresh the query planner's statistics (sampled, cheap).

        Without statistics SQLite may pick an index that serves the ORDER BY
        and scan a whole dealer's rows for a rare search term; run at start-up
        and hourly by the app. ``analysis_limit`` makes ANALYZE sample each
        index instead of reading it whole, so this stays in the milliseconds
        at millions of rows.
        """
        if self._writer is None:
            return
        async with self._write_lock:
            await self._writer.execute("PRAGMA analysis_limit = 1000")
            await self._writer.execute("ANALYZE")
            await self._writer.commit()

    async def close_connection_pool(self) -> None:
        connections, self._all = self._all, []
        self._readers = None
        self._writer = None
        quick, self._quick = self._quick, None
        if quick is not None:
            quick.close()
        for connection in connections:
            with contextlib.suppress(Exception):
                await connection.close()

    async def _run_in_existing_connection(
        self, connection, query: str, args=None, query_type: str = "generic", table=None
    ):
        # The stock engine re-sends "PRAGMA foreign_keys" before every query;
        # our connections set it once when opened. execute_fetchall is one trip
        # to the connection's thread instead of three (execute, fetch, close).
        if connection is self._writer and (rows := self._write_here(connection, query, args or [])) is not None:
            return rows
        return await connection.execute_fetchall(query, args or [])

    def _write_here(self, connection: aiosqlite.Connection, query: str, args: list[Any]) -> list[Any] | None:
        """The rows of a statement of the open transaction, run on this thread; ``None``: for the writer's thread."""
        raw = connection._conn
        if not raw.in_transaction or len(args) > QUICK_WRITE_ARGS or query in self._slow:
            return None  # outside BEGIN IMMEDIATE a write may wait for another process's lock: not on the loop
        if query.lstrip()[:8].upper().startswith(_ENDS):
            return None
        started = time.perf_counter()
        cursor = raw.execute(query, args)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()
            if time.perf_counter() - started > QUICK_WRITE_MS / 1000:
                if len(self._slow) >= SLOW_MEMORY:
                    self._slow.clear()
                self._slow.add(query)

    async def _run(self, query: str, args: list[Any]) -> list[dict[str, Any]]:
        current = self.current_transaction.get()
        if current is not None:
            return await self._run_in_existing_connection(current.connection, query, args)
        if self._readers is None:
            return await self._run_in_new_connection(query, args)
        if query.lstrip()[:7].upper().startswith(_READ_PREFIXES):
            if query.lstrip()[:6].upper() == "SELECT" and (rows := self._read_here(query, args)) is not None:
                return rows
            connection = await self._readers.get()
            try:
                return await self._run_in_existing_connection(connection, query, args)
            finally:
                self._readers.put_nowait(connection)
        async with self._write_lock:
            writer = self._writer
            assert writer is not None
            try:
                result = await self._run_in_existing_connection(writer, query, args)
                await writer.commit()
            except BaseException:
                with contextlib.suppress(Exception):
                    await writer.rollback()
                raise
            return result

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False):
        query, args = querystring.compile_string(engine_type=self.engine_type)
        if self.log_queries:
            self.print_query(query_id=self.get_query_id(), query=str(querystring))
        return await self._run(query, args)

    async def run_ddl(self, ddl: str, in_pool: bool = False):
        return await self._run(ddl, [])

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.immediate,
        allow_nested: bool = True,
    ) -> PooledSQLiteTransaction:
        return PooledSQLiteTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )
