"""Append-only history of any entity.

The core only ever inserts history rows: this module has no update or delete,
and no route changes them. Transitions, comment edits, entity changes and
plugins' own events (``append``) all land here; :mod:`core.workflow.timeline`
shows them. This module imports nothing else of the workflow package.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from babel.support import LazyProxy

from core.context import Context
from core.messages import Message, as_stored, shown, shown_value, stored_value
from core.tables import History
from core.tenancy import Scoped
from core.timeutil import now

KINDS = ("transition", "change", "comment", "comment_edit", "contact", "event")


async def append(
    ctx: Context,
    entity: str,
    entity_id: int,
    kind: str,
    summary: str | Message = "",
    payload: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Add one row to ``entity``'s history, as ``ctx``'s user (inside the caller's transaction, if any).

    A ``summary`` the system words (anything but text a person typed) must be
    a :class:`~core.messages.Message`: it is then shown in each reader's
    language. A ``change`` row's ``payload`` is ``{"changes": [change(...), ...]}``.
    """
    if ctx.dealer_id is None:
        raise ValueError("history rows belong to a dealer")
    if kind not in KINDS:
        raise ValueError(f"unknown history kind {kind!r}; use one of {KINDS}")
    text, message = as_stored(summary)
    await History.insert(History(
        dealer_id=ctx.dealer_id, entity=entity, entity_id=entity_id, at=at or now(),
        user_id=ctx.user_id, user_name=ctx.user_name, kind=kind, summary=text[:2000], message=message,
        payload=json.dumps(payload or {}, ensure_ascii=False, default=str),
    ))


def change(label: Any, before: Any, after: Any) -> dict[str, Any]:
    """One line of a ``change`` row: ``label`` (a ``lazy_gettext`` label or a Message) shown in the reader's language.

    ``before`` and ``after`` are data and shown as stored ("" for none) —
    unless they are labels or Messages themselves (a choice's label, e.g.
    "Bank transfer" for ``bank_transfer``): those are stored as message ids
    and shown in the reader's language too.
    """
    return {"label": stored_value(label), "from": _side(before), "to": _side(after)}


def _side(value: Any) -> Any:
    if value is None:
        return ""
    return stored_value(value) if isinstance(value, Message | LazyProxy) else str(value)


def changes_text(changes: Any) -> str:
    """``Label: before → after; …`` in the reader's language.

    Rows written before labels were stored as messages hold ``{label: [before, after]}``
    with the label in the writer's language: an English one is translated, others show as written.
    """
    if isinstance(changes, dict):
        return "; ".join(f"{shown(None, k)}: {v[0]} → {v[1]}" for k, v in changes.items())
    return "; ".join(f"{shown_value(item.get('label', ''))}: {shown_value(item.get('from', ''))} → "
                     f"{shown_value(item.get('to', ''))}" for item in changes or ())


async def rows(dealer_id: int, entity: str, entity_id: int, limit: int = 500) -> list[dict[str, Any]]:
    """The newest ``limit`` history rows of one entity, newest first, payload decoded."""
    found = await (
        Scoped(History, dealer_id).select()
        .where((History.entity == entity) & (History.entity_id == entity_id))
        .order_by(History.at, ascending=False).order_by(History.id, ascending=False)
        .limit(limit)
    )
    for row in found:
        row["payload"] = json.loads(row["payload"] or "{}")
    return found
