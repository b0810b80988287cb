"""Throttling of failed logins, counted in the database (shared by workers).

An attempt is *claimed* before its password is checked, in one statement: an
upsert of the login's guard row that counts the attempt and returns the
count. So N parallel guesses get the counts 1..N and only the first
``attempts`` of them are checked at all; the rest are refused unseen, and a
correct password sent after them is refused too (a count read first and a
failure written later let 26 wrong guesses and then the right one through).
A successful login (or a password reset) clears the row; each failure stays
counted until the window, which starts at the first attempt, has passed.
Every failure is also kept in ``core_login_failure`` with the client
address, for whoever investigates.
"""

from __future__ import annotations

import datetime as dt

from core.tables import LoginFailure, LoginGuard
from core.timeutil import now

# One statement on both engines: the attempt is counted and the count decided on atomically.
_CLAIM_SQL = """
INSERT INTO core_login_guard (login, window_start, attempts) VALUES ({}, {}, 1)
ON CONFLICT (login) DO UPDATE SET
  attempts = CASE WHEN core_login_guard.window_start < {} THEN 1 ELSE core_login_guard.attempts + 1 END,
  window_start = CASE WHEN core_login_guard.window_start < {} THEN {} ELSE core_login_guard.window_start END
RETURNING attempts
"""


async def claim_attempt(login: str, attempts: int, minutes: int) -> bool:
    """Count one login attempt for ``login``; False once more than ``attempts`` were made in the window."""
    moment = now()
    expired = moment - dt.timedelta(minutes=minutes)
    rows = await LoginGuard.raw(_CLAIM_SQL, login.lower()[:254], moment, expired, expired, moment)
    return bool(rows) and rows[0]["attempts"] <= attempts


async def record_failure(login: str, remote: str) -> None:
    await LoginFailure.insert(LoginFailure(login=login.lower()[:254], remote=remote[:64], at=now()))


async def purge_older_than(minutes: int) -> None:
    """Forget failures and windows that no longer count, so the tables stay small."""
    since = now() - dt.timedelta(minutes=minutes)
    await LoginFailure.delete().where(LoginFailure.at < since)
    await LoginGuard.delete().where(LoginGuard.window_start < since)


async def clear(login: str) -> None:
    """A successful login or a password reset: the login starts afresh."""
    await LoginGuard.delete().where(LoginGuard.login == login.lower())
    await LoginFailure.delete().where(LoginFailure.login == login.lower())
