"""Limits counted in the database, atomically: "at most N per window" that holds under parallel requests.

A limit read first and written after (count the rows, then insert) lets a
burst through: every request of the burst reads the same count. Here each
hit is counted and decided on in one statement — an upsert of the bucket's
row returning its new count — so N parallel hits get the counts 1..N and
exactly ``limit`` of them pass, on every worker, on both engines.

A window starts with its first hit and lasts ``window``; the next hit after
it starts a new one. Buckets are named by the caller
(``"login:anna"``, ``"leads.pre_order:203.0.113.7"``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.tables import RateBucket
from core.timeutil import now

_HIT_SQL = """
INSERT INTO core_rate_bucket (bucket, window_start, hits) VALUES ({}, {}, 1)
ON CONFLICT (bucket) DO UPDATE SET
  hits = CASE WHEN core_rate_bucket.window_start < {} THEN 1 ELSE core_rate_bucket.hits + 1 END,
  window_start = CASE WHEN core_rate_bucket.window_start < {} THEN {} ELSE core_rate_bucket.window_start END
RETURNING hits, window_start
"""


@dataclass(frozen=True)
class Decision:
    """``allowed``: this hit is within the limit; otherwise ``retry_after`` seconds until the window ends."""

    allowed: bool
    hits: int
    retry_after: int = 0


async def hit(bucket: str, limit: int, window: dt.timedelta) -> Decision:
    """Count one hit in ``bucket`` and say whether it is within ``limit`` hits per ``window``.

    Joins the caller's transaction if there is one (then the hit is undone with it).
    """
    moment = now()
    expired = moment - window
    rows = await RateBucket.raw(_HIT_SQL, bucket[:300], moment, expired, expired, moment)
    hits = int(rows[0]["hits"])
    if hits <= limit:
        return Decision(True, hits)
    started = rows[0]["window_start"]
    if isinstance(started, str):  # SQLite hands RETURNING's timestamp back as text
        started = dt.datetime.fromisoformat(started)
    left = (started + window - moment).total_seconds() if isinstance(started, dt.datetime) else window.total_seconds()
    # a parallel hit that started the window a moment after ours was timed would make it longer than the window
    return Decision(False, hits, max(1, min(int(window.total_seconds() + 0.999), int(left + 0.999))))


async def reset(bucket: str) -> None:
    """Start ``bucket`` afresh (a successful login, a password reset)."""
    await RateBucket.delete().where(RateBucket.bucket == bucket[:300])


async def purge(older_than: dt.timedelta) -> None:
    """Forget buckets whose window ended long ago, so the table stays small."""
    await RateBucket.delete().where(RateBucket.window_start < now() - older_than)
