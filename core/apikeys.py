"""Keys for machine-to-machine APIs of the dealer's plugins: made, listed, revoked and checked in one place.

A plugin whose API another system calls (leads' intake, orders' telephony
webhook, a partner's) keeps no key table of its own. The dealer's
administrator makes a key on the plugin's page (:func:`make`); the key is
256 random bits behind the plugin's own prefix (``"fcl_"``, ``"fct_"``),
shown once and never again: only its SHA-256 is kept (a fast hash is enough
for a random key), with its first characters to recognise it in the list.
Every key belongs to one dealer and one ``purpose`` (``"<plugin>.<api>"``):
a key made for one API is refused by every other, and the key itself says
whose dealer's it is, so the caller names no dealer.

:func:`check` is what an API route calls first, before it reads the body:
it counts the request with the core's rate limiter (one atomic upsert per
hit, shared by every worker) — per client address while the key is missing
or wrong (so guessing keys is slow), per key once it is right (the key's
own ``per_minute``) — and moves the key's "last used" on. A revoked key is
refused exactly like a wrong one. Nothing here answers HTTP: the plugin
turns a :class:`KeyCheck` into its own error format.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from core.context import Context
from core.ratelimit import hit
from core.tables import ApiKey
from core.tenancy import Scoped
from core.timeutil import now

MINUTE = dt.timedelta(minutes=1)
FAILURES_PER_MINUTE = 10  #: requests without a valid key one client address may make per purpose in a minute
PER_MINUTE = (1, 1000)  #: the range a key's own limit may be set in
SHOWN = ("id", "purpose", "name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at",
         "per_minute")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class KeyCheck:
    """What :func:`check` found: the live ``key`` (a dict with ``id``, ``dealer_id``, ``name``, ``per_minute``…),
    or why not — ``refused`` is ``"unauthorized"`` or ``"too_many"`` (then wait ``retry_after`` seconds)."""

    key: dict[str, Any] | None
    refused: str = ""
    retry_after: int = 0


async def make(ctx: Context, purpose: str, token_prefix: str, name: str, per_minute: int = 60) -> str:
    """Make a key of ``ctx``'s dealer for ``purpose``; return it — the only time anyone sees it.

    The plugin reads and checks ``name`` and ``per_minute`` (its form's
    labels and messages) before; ``per_minute`` is kept within :data:`PER_MINUTE`.
    """
    if ctx.dealer_id is None:
        raise ValueError("an API key belongs to a dealer")
    token = token_prefix + secrets.token_urlsafe(32)
    limit = min(max(int(per_minute or 60), PER_MINUTE[0]), PER_MINUTE[1])
    await Scoped(ApiKey, ctx.dealer_id).insert(
        purpose=purpose, name=name[:100], token_hash=_hash(token), prefix=token[:10], created_at=now(),
        created_by=ctx.user_id, per_minute=limit)
    return token


async def revoke(ctx: Context, purpose: str, key_id: int) -> bool:
    """Revoke one of the dealer's live keys for ``purpose`` (``False``: no such live key); requests with it fail."""
    if ctx.dealer_id is None:
        return False
    done = await Scoped(ApiKey, ctx.dealer_id).update({ApiKey.revoked_at: now()}).where(
        (ApiKey.id == key_id) & (ApiKey.purpose == purpose) & ApiKey.revoked_at.is_null()).returning(ApiKey.id)
    return bool(done)


async def listed(dealer_id: int, purpose: str) -> list[dict[str, Any]]:
    """The dealer's keys for ``purpose``, newest first, revoked ones included (never the hash)."""
    return await Scoped(ApiKey, dealer_id).select(*(getattr(ApiKey, c) for c in SHOWN)).where(
        ApiKey.purpose == purpose).order_by(ApiKey.created_at, ascending=False).order_by(ApiKey.id, ascending=False)


def bearer(headers: Any) -> str:
    """The key a request carries: ``Authorization: Bearer <key>``, else ``X-Api-Key: <key>``; ``""`` for none."""
    header = headers.get("authorization", "") or ""
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return (headers.get("x-api-key", "") or "").strip()


async def check(purpose: str, token: str, address: str, token_prefix: str = "",
                failures_per_minute: int = FAILURES_PER_MINUTE) -> KeyCheck:
    """The live key ``token`` is for ``purpose``, counted against its limit; or why it is refused.

    ``address`` is the client's (a request without a valid key is counted
    against it: ``"<purpose>.nokey:<address>"``; a valid one against the key:
    ``"<purpose>.key:<id>"``). ``token_prefix`` lets a token of another shape
    be refused without a query.
    """
    key = None
    if token and token.startswith(token_prefix) and len(token) <= 100 and token.isascii():
        # the one query over every dealer's keys: the key itself says whose it is
        key = await ApiKey.select().where(
            (ApiKey.token_hash == _hash(token)) & (ApiKey.purpose == purpose) & ApiKey.revoked_at.is_null()).first()
    if key is None:
        decision = await hit(f"{purpose}.nokey:{address[:64]}", failures_per_minute, MINUTE)
        return KeyCheck(None, "too_many" if not decision.allowed else "unauthorized", decision.retry_after)
    decision = await hit(f"{purpose}.key:{key['id']}", key["per_minute"] or 60, MINUTE)
    if not decision.allowed:
        return KeyCheck(None, "too_many", decision.retry_after)
    await Scoped(ApiKey, key["dealer_id"]).update({ApiKey.last_used_at: now()}).where(ApiKey.id == key["id"])
    key.pop("token_hash", None)
    return KeyCheck(key)
