"""The database engine: SQLite by default, PostgreSQL when the URL says so.

SQLite runs on :class:`core.sqlite_pool.PooledSQLiteEngine` (long-lived
reader connections, one serialised writer, short reads on the event loop's
own thread); PostgreSQL on Piccolo's ``PostgresEngine`` with a pool of our own (:mod:`core.pg_pool`). Both
open their connections in the app's lifespan (:func:`lifespan_pool`). Use
:func:`transaction` for every write that spans queries: it picks the right
transaction type for the engine, and :func:`after_commit` waits for it.
"""

from __future__ import annotations

import contextlib
import contextvars
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from core import runtime
from core.pg_pool import PooledPostgresEngine
from core.sqlite_pool import PooledSQLiteEngine as PooledSQLiteEngine  # the SQLite engine, used here and by tests

MAX_ID = 2**31 - 1  #: a ``Serial`` primary key's largest value on PostgreSQL (as core.fields.MAX_ID)


def valid_id(value: int) -> bool:
    """True if ``value`` can be a primary key (anything else finds no row, not a 500)."""
    return 0 < value <= MAX_ID


def pg_config(url: str) -> dict[str, Any]:
    """asyncpg connection settings from a ``postgresql://user:pw@host:port/db`` URL."""
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "localhost",
        "port": parts.port or 5432,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "database": parts.path.lstrip("/"),
    }


def build_engine(url: str, pgbouncer: bool = False) -> Engine:
    """Make the engine a database URL names (``sqlite:///path`` or ``postgresql://``).

    ``pgbouncer``: the server is reached through pgbouncer in transaction mode,
    where a prepared statement may land on another server connection, so
    asyncpg's statement cache is switched off.
    """
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[1] if "sqlite:///" in url else "forecourt.sqlite"
        return PooledSQLiteEngine(path=path or "forecourt.sqlite")
    if url.startswith("postgresql"):
        config: dict[str, Any] = pg_config(url)
        if pgbouncer:
            config["statement_cache_size"] = 0
        return PooledPostgresEngine(config=config, extensions=())
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///FILE or postgresql://...")


def engine() -> Engine:
    """The booted runtime's engine."""
    return runtime.current().engine


def bind(db: Engine, tables: list[type]) -> None:
    """Bind Piccolo's configuration and every known table to ``db`` (done by :func:`core.startup.boot`).

    Piccolo binds tables to the engine of ``piccolo_conf``; we own that module
    (:mod:`core.piccolo_conf`) and rebind, so a test or a benchmark that boots
    again on another database moves every table with it.
    """
    from piccolo.apps.migrations.tables import Migration

    from core import piccolo_conf

    piccolo_conf.DB = db
    for table in [Migration, *tables]:
        table._meta.db = db


#: the callbacks waiting for the commit of the outermost transaction of this task (None: no transaction)
_after_commit: contextvars.ContextVar[list[Callable[[], Awaitable[None]]] | None] = contextvars.ContextVar(
    "forecourt_after_commit", default=None)


class _Transaction:
    """Piccolo's transaction, plus the after-commit queue of the outermost one.

    Nested uses join the outer transaction (Piccolo's own rule); only the
    outermost one runs the queued callbacks, in order, once its commit went
    through, and drops them when it rolls back.
    """

    __slots__ = ("inner", "queue", "token")

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.queue: list[Callable[[], Awaitable[None]]] | None = None
        self.token: contextvars.Token[Any] | None = None

    async def __aenter__(self) -> Any:
        if _after_commit.get() is None:
            self.queue = []
            self.token = _after_commit.set(self.queue)
        try:
            return await self.inner.__aenter__()
        except BaseException:
            self._forget()
            raise

    async def __aexit__(self, *exc_info: Any) -> Any:
        try:
            suppressed = await self.inner.__aexit__(*exc_info)
        finally:
            queue = self.queue
            self._forget()
        if queue and exc_info[0] is None:
            for callback in queue:
                await callback()
        return suppressed

    def _forget(self) -> None:
        if self.token is not None:
            _after_commit.reset(self.token)
            self.token = None


def transaction() -> Any:
    """A write transaction of the right kind for the engine.

    ``async with transaction():`` — nested uses join the outer transaction,
    and :func:`after_commit` callbacks wait for the outermost one's commit.
    """
    db = engine()
    if isinstance(db, SQLiteEngine):
        return _Transaction(db.transaction(TransactionType.immediate))
    return _Transaction(db.transaction())


async def after_commit(callback: Callable[[], Awaitable[None]]) -> None:
    """Await ``callback()`` once the current transaction has committed; at once outside any transaction.

    Guaranteed: inside ``transaction()`` (at any depth) the callback runs
    after the outermost commit, in the order queued, and never if that
    transaction rolls back. The notification hooks go through this, so "after
    the commit" holds for a write made inside someone else's transaction too.
    """
    queue = _after_commit.get()
    if queue is None:
        await callback()
    else:
        queue.append(callback)


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


def engine_kind() -> str:
    """``"sqlite"`` or ``"postgres"``: for the rare query a plugin must write per dialect."""
    return "sqlite" if is_sqlite() else "postgres"


def in_transaction() -> bool:
    db = engine()
    return db.current_transaction.get() is not None


@contextlib.asynccontextmanager
async def lifespan_pool() -> AsyncIterator[None]:
    """Open the engine's connections for the app's lifetime (PostgreSQL: at most the configured pool)."""
    db = engine()
    if isinstance(db, PostgresEngine):
        pool = runtime.current().settings.db_pool
        await db.start_connection_pool(min_size=min(2, pool), max_size=pool)
    else:
        await db.start_connection_pool()
    try:
        yield
    finally:
        await db.close_connection_pool()


def is_integrity_error(exc: BaseException) -> bool:
    """True for a unique/foreign-key violation on either engine."""
    if isinstance(exc, sqlite3.IntegrityError):
        return True
    try:
        import asyncpg

        return isinstance(exc, asyncpg.exceptions.IntegrityConstraintViolationError)
    except ImportError:  # pragma: no cover
        return False
