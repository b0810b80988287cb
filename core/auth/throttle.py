"""Throttling of failed logins, counted in the database (shared by workers).

An attempt is *claimed* before its password is checked, through
:mod:`core.ratelimit` (one atomic upsert per attempt). So N parallel guesses
get the counts 1..N and only the first ``attempts`` of them are checked at
all; the rest are refused unseen, and a correct password sent after them is
refused too (a count read first and a failure written later let 26 wrong
guesses and then the right one through). A successful login (or a password
reset) starts the login afresh; otherwise the window, which starts at the
first attempt, has to pass. Every failure is also kept in
``core_login_failure`` with the client address, for whoever investigates.
"""

from __future__ import annotations

import datetime as dt

from core import ratelimit
from core.tables import LoginFailure
from core.timeutil import now


def _bucket(login: str) -> str:
    return "login:" + login.lower()[:254]


async def claim_attempt(login: str, attempts: int, minutes: int) -> bool:
    """Count one login attempt for ``login``; False once more than ``attempts`` were made in the window."""
    return (await ratelimit.hit(_bucket(login), attempts, dt.timedelta(minutes=minutes))).allowed


async def record_failure(login: str, remote: str) -> None:
    await LoginFailure.insert(LoginFailure(login=login.lower()[:254], remote=remote[:64], at=now()))


async def purge_older_than(minutes: int) -> None:
    """Forget failures and windows that no longer count, so the tables stay small."""
    await LoginFailure.delete().where(LoginFailure.at < now() - dt.timedelta(minutes=minutes))
    await ratelimit.purge(dt.timedelta(days=1))


async def clear(login: str) -> None:
    """A successful login or a password reset: the login starts afresh."""
    await ratelimit.reset(_bucket(login))
    await LoginFailure.delete().where(LoginFailure.login == login.lower())
