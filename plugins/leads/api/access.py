"""The senders' keys: made and revoked by the dealer's administrator, checked (and limited) on every request.

A key is 256 random bits shown once; only its SHA-256 is kept (a fast hash
is enough for a random key), with its first characters to recognise it.
Every request is counted with the core's rate limiter (one atomic upsert
per hit, shared by every worker): requests without a valid key per client
address (:data:`FAILURES_PER_MINUTE`, so guessing keys is slow), requests
with a key per key (its own ``per_minute``). Beyond either limit the answer
is 429 with Retry-After. A key's "last used" moves on every authenticated
request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from litestar import Request

from forecourt import Context, FieldReader, ValidationFailed, now, rate_limit
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.leads.api.problems import Problem
from plugins.leads.tables import IntakeKey

PREFIX = "fcl_"
FAILURES_PER_MINUTE = 10  #: requests without a valid key one client address may make in a minute
PER_MINUTE = (1, 1000)  #: the range a key's own limit may be set in
MINUTE = dt.timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def new_key(ctx: Context, raw: dict[str, Any]) -> str:
    """Make a key for a sender from the settings form (``name``, ``per_minute``); the key, never shown again."""
    form = FieldReader(raw)
    name = form.text("name", _l("Who will send leads with it"), IntakeKey.name)
    per_minute = form.integer("per_minute", _l("Requests per minute"), minimum=PER_MINUTE[0],
                              maximum=PER_MINUTE[1])
    if not name and "name" not in form.errors:
        form.errors["name"] = _("Say who will send leads with this key.")
    if form.errors:
        raise ValidationFailed(form.errors)
    token = PREFIX + secrets.token_urlsafe(32)
    await IntakeKey.scoped(ctx.dealer_id).insert(name=name, token_hash=_hash(token), prefix=token[:10],
                                                 created_at=now(), created_by=ctx.user_id,
                                                 per_minute=per_minute or 60)
    return token


async def revoke(ctx: Context, key_id: int) -> bool:
    done = await IntakeKey.scoped(ctx.dealer_id).update({IntakeKey.revoked_at: now()}).where(
        (IntakeKey.id == key_id) & IntakeKey.revoked_at.is_null()).returning(IntakeKey.id)
    return bool(done)


async def keys(dealer_id: int) -> list[dict[str, Any]]:
    return await IntakeKey.scoped(dealer_id).select(
        IntakeKey.id, IntakeKey.name, IntakeKey.prefix, IntakeKey.created_at, IntakeKey.last_used_at,
        IntakeKey.revoked_at, IntakeKey.per_minute).order_by(IntakeKey.created_at, ascending=False)


def client_address(request: Request) -> str:
    return (request.client.host if request.client else "")[:64]


def _token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.headers.get("x-api-key", "").strip()


def _too_many(retry_after: int) -> Problem:
    return Problem("too-many", _("Too many requests; try again in %(seconds)d s.") % {"seconds": retry_after},
                   headers={"retry-after": str(retry_after)})


async def authenticate(request: Request) -> dict[str, Any]:
    """The request's live key (counted against its limit, its "last used" moved on); :class:`Problem` otherwise."""
    token = _token(request)
    key = None
    if token.startswith(PREFIX) and len(token) <= 100 and token.isascii():
        # the one query over every dealer's keys: the key itself says whose it is
        key = await IntakeKey.unscoped_select().where(
            (IntakeKey.token_hash == _hash(token)) & IntakeKey.revoked_at.is_null()).first()
    if key is None:
        decision = await rate_limit(f"leads.intake.nokey:{client_address(request)}", FAILURES_PER_MINUTE, MINUTE)
        if not decision.allowed:
            raise _too_many(decision.retry_after)
        raise Problem("unauthorized", headers={"www-authenticate": 'Bearer realm="leads intake"'})
    decision = await rate_limit(f"leads.intake.key:{key['id']}", key["per_minute"] or 60, MINUTE)
    if not decision.allowed:
        raise _too_many(decision.retry_after)
    await IntakeKey.scoped(key["dealer_id"]).update({IntakeKey.last_used_at: now()}).where(IntakeKey.id == key["id"])
    return key
