"""One process at a time, across processes and machines: for migrations and demo seeding.

Three ``forecourt migrate`` started together on an empty database crashed
two of them (the same table created twice). Work that must not run twice at
once takes :func:`exclusive`: on PostgreSQL a session advisory lock (held on
a connection of its own, so it spans every connection the work uses, and
released by the server if the process dies); on SQLite an ``flock`` on a
file beside the database (a SQLite database is only ever used from one
machine). The second process waits, then finds the work done.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
from collections.abc import AsyncIterator

from core import db


def _key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_advisory_lock``."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextlib.asynccontextmanager
async def exclusive(name: str) -> AsyncIterator[None]:
    """Hold the install-wide lock ``name`` of the configured database while the block runs."""
    engine = db.engine()
    if not db.is_sqlite():
        import asyncpg

        conn = await asyncpg.connect(**engine.config)  # type: ignore[attr-defined]
        try:
            await conn.execute("SELECT pg_advisory_lock($1)", _key(name))
            try:
                yield
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", _key(name))
        finally:
            await conn.close()
        return
    path = engine.connection_kwargs["database"]  # type: ignore[attr-defined]
    fd = os.open(f"{path}.{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
