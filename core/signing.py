"""Short-lived signed proofs: "this user was shown this row, for this reason".

An id in a URL proves nothing: ids are sequential, anyone can type another.
Where a user may act on something that is not their dealer's (a lead found
by the cross-dealer search) or that reached them through a page they were
shown, the page hands out a proof signed with the install's secret, bound to
a purpose and to whatever the action must check (user, row, what matched);
the action accepts only a proof that verifies, is fresh, and names the same
things. Built on itsdangerous (HMAC-SHA1 over the payload and a timestamp,
salted per purpose so a proof for one purpose never opens another).
"""

from __future__ import annotations

import functools
from typing import Any

from itsdangerous import BadData, URLSafeTimedSerializer

from core.runtime import current


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return _made(current().settings.secret_key, purpose)


@functools.lru_cache(maxsize=64)
def _made(secret: str, purpose: str) -> URLSafeTimedSerializer:
    """One serializer per secret and purpose (they hold no state but their settings; making one costs more
    than checking a proof with it)."""
    return URLSafeTimedSerializer(secret, salt=f"forecourt.{purpose}")


def sign(purpose: str, payload: Any) -> str:
    """A URL-safe proof of ``payload`` (anything JSON can hold) for ``purpose``."""
    return _serializer(purpose).dumps(payload)


def verify(purpose: str, proof: str, max_age: int) -> Any | None:
    """The payload of a proof made for ``purpose`` at most ``max_age`` seconds ago; None otherwise.

    Never raises for anything a client can send (tampered, expired, garbage, too long).
    """
    if not proof or len(proof) > 2000:
        return None
    try:
        return _serializer(purpose).loads(proof, max_age=max_age)
    except (BadData, UnicodeError, ValueError, TypeError):
        return None
