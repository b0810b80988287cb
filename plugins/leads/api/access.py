"""The senders' keys: made and revoked by the dealer's administrator, checked (and limited) on every request.

The keys are the core's API keys (:mod:`forecourt` ``make_api_key`` /
``check_api_key``) for the purpose :data:`PURPOSE`: 256 random bits behind
``fcl_``, shown once, only their SHA-256 kept, with their first characters
to recognise them. Every request is counted with the core's rate limiter
(one atomic upsert per hit, shared by every worker): requests without a
valid key per client address (the core's ``FAILURES_PER_MINUTE``, so guessing keys
is slow), requests with a key per key (its own ``per_minute``). Beyond
either limit the answer is 429 with Retry-After. A key's "last used" moves
on every authenticated request. Keys made before the core kept them
(``leads_intake_key``) were copied over with their ids by a migration, so
they go on working and the leads they brought keep pointing at them.
"""

from __future__ import annotations

from typing import Any

from litestar import Request

from forecourt import (
    Context,
    FieldReader,
    ValidationFailed,
    api_key_of,
    api_keys,
    check_api_key,
    make_api_key,
    revoke_api_key,
)
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.leads.api.problems import Problem

PURPOSE = "leads.intake"
PREFIX = "fcl_"
PER_MINUTE = (1, 1000)  #: the range a key's own limit may be set in
NAME_LIMIT = 100


async def new_key(ctx: Context, raw: dict[str, Any]) -> str:
    """Make a key for a sender from the settings form (``name``, ``per_minute``); the key, never shown again."""
    form = FieldReader(raw)
    name = form.text("name", _l("Who will send leads with it"), NAME_LIMIT)
    per_minute = form.integer("per_minute", _l("Requests per minute"), minimum=PER_MINUTE[0],
                              maximum=PER_MINUTE[1])
    if not name and "name" not in form.errors:
        form.errors["name"] = _("Say who will send leads with this key.")
    if form.errors:
        raise ValidationFailed(form.errors)
    return await make_api_key(ctx, PURPOSE, PREFIX, name, per_minute or 60)


async def revoke(ctx: Context, key_id: int) -> bool:
    return await revoke_api_key(ctx, PURPOSE, key_id)


async def keys(dealer_id: int) -> list[dict[str, Any]]:
    return await api_keys(dealer_id, PURPOSE)


def client_address(request: Request) -> str:
    return (request.client.host if request.client else "")[:64]


def _too_many(retry_after: int) -> Problem:
    return Problem("too-many", _("Too many requests; try again in %(seconds)d s.") % {"seconds": retry_after},
                   headers={"retry-after": str(retry_after)})


async def authenticate(request: Request) -> dict[str, Any]:
    """The request's live key (counted against its limit, its "last used" moved on); :class:`Problem` otherwise."""
    found = await check_api_key(PURPOSE, api_key_of(request.headers), client_address(request), PREFIX)
    if found.refused == "too_many":
        raise _too_many(found.retry_after)
    if found.key is None:
        raise Problem("unauthorized", headers={"www-authenticate": 'Bearer realm="leads intake"'})
    return found.key
