"""Throttling of failed logins, counted in the database (shared by workers)."""

from __future__ import annotations

import datetime as dt

from core.tables import LoginFailure
from core.timeutil import now


async def is_throttled(login: str, attempts: int, minutes: int) -> bool:
    since = now() - dt.timedelta(minutes=minutes)
    count = await LoginFailure.count().where(
        (LoginFailure.login == login.lower()) & (LoginFailure.at > since)
    )
    return count >= attempts


async def record_failure(login: str, remote: str) -> None:
    await LoginFailure.insert(LoginFailure(login=login.lower()[:254], remote=remote[:64], at=now()))


async def purge_older_than(minutes: int) -> None:
    """Forget failures that no longer count, so the table stays small."""
    await LoginFailure.delete().where(LoginFailure.at < now() - dt.timedelta(minutes=minutes))


async def clear(login: str) -> None:
    await LoginFailure.delete().where(LoginFailure.login == login.lower())
