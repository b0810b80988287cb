"""Login sessions kept in the database.

The cookie carries a random 256-bit token; the table keeps only its SHA-256,
so a leaked database does not leak live sessions. A new token is issued at
every login (no session fixation: a planted cookie is never promoted), and a
password change or reset ends the user's other sessions. Because sessions
live in the database they survive restarts and are shared by all workers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from core.tables import Dealer, Session, User
from core.timeutil import now

COOKIE = "fc_session"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SessionUser:
    """What one query returns for a session cookie: the user and their dealer."""

    session_id: int
    user_id: int
    login: str
    full_name: str
    role: str
    language: str
    must_change_password: bool
    dealer_id: int | None
    dealer_name: str
    dealer_modules: str
    dealer_language: str = ""
    dealer_timezone: str = ""
    dealer_currency: str = ""


async def create(user_id: int, dealer_id: int | None, days: int) -> str:
    token = secrets.token_urlsafe(32)
    moment = now()
    await Session.insert(
        Session(
            token_hash=_hash(token),
            user_id=user_id,
            dealer_id=dealer_id,
            created_at=moment,
            expires_at=moment + dt.timedelta(days=days),
        )
    )
    return token


# Written out once: this runs on every request, and building the same join with
# the query builder costs several times more than the query itself.
_LOAD_SQL = """
SELECT s.id, s.expires_at, u.id AS user_id, u.login, u.full_name, u.role, u.language,
       u.must_change_password, u.active, d.id AS dealer_id, d.name AS dealer_name,
       d.modules AS dealer_modules, d.active AS dealer_active,
       d.language AS dealer_language, d.timezone AS dealer_timezone,
       d.currency AS dealer_currency
FROM core_session s
JOIN core_user u ON u.id = s.user_id
LEFT JOIN core_dealer d ON d.id = s.dealer_id
WHERE s.token_hash = {}
"""


async def load(token: str | None) -> SessionUser | None:
    """The live session for a cookie value, with user and dealer, in one query."""
    if not token or len(token) > 100:
        return None
    rows = await Session.raw(_LOAD_SQL, _hash(token))
    row = rows[0] if rows else None
    if row is None or row["expires_at"] < now() or not row["active"]:
        return None
    if row["dealer_id"] is not None and not row["dealer_active"]:
        return None
    return SessionUser(
        session_id=row["id"],
        user_id=row["user_id"],
        login=row["login"],
        full_name=row["full_name"],
        role=row["role"],
        language=row["language"] or "",
        must_change_password=bool(row["must_change_password"]),
        dealer_id=row["dealer_id"],
        dealer_name=row["dealer_name"] or "",
        dealer_modules=row["dealer_modules"] or "",
        dealer_language=row["dealer_language"] or "",
        dealer_timezone=row["dealer_timezone"] or "",
        dealer_currency=row["dealer_currency"] or "",
    )


async def end(token: str | None) -> None:
    if token:
        await Session.delete().where(Session.token_hash == _hash(token))


async def end_all_for_user(user_id: int, keep_token: str | None = None) -> None:
    query = Session.delete().where(Session.user_id == user_id)
    if keep_token:
        query = query.where(Session.token_hash != _hash(keep_token))
    await query


async def purge_expired() -> None:
    await Session.delete().where(Session.expires_at < now())


__all__ = ["COOKIE", "Dealer", "SessionUser", "User", "create", "end", "load"]
