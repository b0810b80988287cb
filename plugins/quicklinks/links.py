"""A customer's quick link: made, regenerated, revoked, resolved from its token — the one place tokens are handled.

Guarantees:

* the token is 256 bits from :mod:`secrets` (``token_urlsafe(32)``), handed
  back once by :func:`make` and never stored: the table keeps its SHA-256;
* a customer has at most one live link (a partial unique index): :func:`make`
  revokes the live one ("regenerated") and inserts the new one in one
  transaction, so the old link dies the moment the new one exists;
* :func:`resolve` finds a link by the token's hash (one indexed read,
  whatever the token) and compares in constant time; it answers the same
  ``None`` for an unknown, revoked or expired token — a caller cannot tell them apart;
* :func:`why_dead` names why a link no longer opens (for the manager's card).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from forecourt import Conflict, Context, now, transaction
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.quicklinks.tables import Link

TOKEN_BYTES = 32  #: 256 bits
#: the longest token :func:`resolve` looks at (``token_urlsafe(32)`` is 43 characters)
MAX_TOKEN = 64

#: why a link stopped opening, as the card says it
REASONS = {
    "revoked": _l("Revoked by hand"),
    "regenerated": _l("Replaced by a new link"),
    "deleted": _l("The customer was deleted"),
    "expired": _l("Expired"),
    "blacklisted": _l("The customer is blacklisted"),
    "invalid": _l("The customer is marked invalid"),
    "module_off": _l("Quick links are switched off for this dealer"),
}


def digest(token: str) -> str:
    """The hex SHA-256 of a token: what the table stores and looks up."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class Made:
    """A new link: its row and the token, to be shown once and then forgotten."""

    link: dict[str, Any]
    token: str


def _is_unique_violation(exc: Exception) -> bool:
    text = str(exc).lower()
    return "unique" in text or "duplicate key" in text


async def live(dealer_id: int, customer_id: int) -> dict[str, Any] | None:
    """The customer's live (not revoked) link, or ``None`` — it may still have expired."""
    return await Link.scoped(dealer_id).select().where(
        (Link.customer_id == customer_id) & Link.revoked_at.is_null()).first()


async def history(dealer_id: int, customer_id: int, limit: int = 20) -> list[dict[str, Any]]:
    """The customer's links, newest first (the live one, then the revoked ones)."""
    return await Link.scoped(dealer_id).select().where(Link.customer_id == customer_id).order_by(
        Link.id, ascending=False).limit(limit)


async def make(ctx: Context, customer_id: int, expires_at: dt.datetime | None = None) -> Made:
    """A new link for the customer (the caller checked the customer is the dealer's); the old one dies.

    Raises :class:`Conflict` if another link was made for the customer at the same moment.
    """
    token = secrets.token_urlsafe(TOKEN_BYTES)
    moment = now()
    try:
        async with transaction():
            await Link.scoped(ctx.dealer_id).update(
                {Link.revoked_at: moment, Link.revoked_reason: "regenerated", Link.revoked_by: ctx.user_id}
            ).where((Link.customer_id == customer_id) & Link.revoked_at.is_null())
            made = await Link.scoped(ctx.dealer_id).insert(
                customer_id=customer_id, token_hash=digest(token), created_by=ctx.user_id, created_at=moment,
                expires_at=expires_at)
    except Exception as exc:
        if _is_unique_violation(exc):
            raise Conflict(_("Another link was made for this customer at the same moment; reload the card.")) from exc
        raise
    row = await Link.scoped(ctx.dealer_id).select().where(Link.id == made.id).first()
    return Made(row, token)


async def revoke(ctx: Context, customer_id: int, reason: str = "revoked") -> bool:
    """Revoke the customer's live link at once; ``False`` if it had none."""
    done = await Link.scoped(ctx.dealer_id).update(
        {Link.revoked_at: now(), Link.revoked_reason: reason, Link.revoked_by: ctx.user_id}
    ).where((Link.customer_id == customer_id) & Link.revoked_at.is_null()).returning(Link.id)
    return bool(done)


def expired(link: dict[str, Any], moment: dt.datetime | None = None) -> bool:
    ends = link.get("expires_at")
    if isinstance(ends, str):
        ends = dt.datetime.fromisoformat(ends)
    return ends is not None and ends <= (moment or now())


async def resolve(token: str) -> dict[str, Any] | None:
    """The live, unexpired link a token opens, install-wide (the token says whose dealer); else ``None``.

    The same work for every token: one indexed read by its hash, then a
    constant-time comparison. Who the customer is and whether the dealer
    still has the module is the caller's check (:func:`why_dead`).
    """
    wanted = digest(token[:MAX_TOKEN] if isinstance(token, str) else "")
    row = await Link.select().where(Link.token_hash == wanted).first()
    stored = row["token_hash"] if row else "0" * 64
    if not hmac.compare_digest(stored, wanted) or row is None:
        return None
    if row["revoked_at"] is not None or expired(row):
        return None
    return row


def why_dead(link: dict[str, Any] | None, customer: dict[str, Any] | None, modules: frozenset[str]) -> str:
    """The key of :data:`REASONS` that stops this link, or ``""`` when it opens."""
    if link is None:
        return "deleted"
    if link["revoked_at"] is not None:
        return link["revoked_reason"] or "revoked"
    if expired(link):
        return "expired"
    if "quicklinks" not in modules:
        return "module_off"
    if customer is None:
        return "deleted"
    if customer.get("blacklisted"):
        return "blacklisted"
    if customer.get("invalid"):
        return "invalid"
    return ""
