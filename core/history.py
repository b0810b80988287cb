"""Append-only history of any entity, and the merged timeline a card shows.

The core only ever inserts history rows: this module has no update or delete,
and no route changes them. Transitions, comment edits and plugins' own events
(``append``) all land here; ``timeline`` merges them with what plugins
contribute through the ``timeline_entries`` hook.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

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

    ``before`` and ``after`` are data and shown as stored ("" for none).
    """
    return {"label": stored_value(label),
            "from": "" if before is None else str(before), "to": "" if after is None else str(after)}


def _changes_text(changes: Any) -> str:
    """``Label: before → after; …`` in the reader's language.

    Rows written before labels were stored as messages hold ``{label: [before, after]}``
    with the label in the writer's language: an English one is translated, others show as written.
    """
    if isinstance(changes, dict):
        return "; ".join(f"{shown(None, k)}: {v[0]} → {v[1]}" for k, v in changes.items())
    return "; ".join(f"{shown_value(item.get('label', ''))}: {item.get('from', '')} → {item.get('to', '')}"
                     for item in changes or ())


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


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a card's timeline. ``html`` (Markup) is shown below ``title`` when given.

    ``detail`` is a short line under the title (a transition's other inputs when its note is the body).
    """

    at: dt.datetime
    title: Any
    kind: str = "event"
    author: str = ""
    body: str = ""
    html: Any = None
    plugin: str = ""
    comment_id: int | None = None
    edited: bool = False
    editable: bool = False
    detail: str = ""


def _transition_text(payload: dict[str, Any], summary: str, skip: set[str]) -> tuple[str, str]:
    """A transition row's title and inputs in the viewer's language and formats.

    The label comes from the machine as declared now (the stored summary, in
    the writer's language, is the fallback for a machine no longer installed);
    date and datetime inputs are formatted for the viewer.
    """
    from core import machine as machines
    from core.i18n import fmt_date, fmt_datetime

    m = machines.get(str(payload.get("machine", "")))
    transition = m.transition(str(payload.get("transition", ""))) if m else None
    kinds = {inp.name: inp.kind for inp in transition.inputs} if transition else {}
    shown = []
    for name, value in (payload.get("inputs") or {}).items():
        if not value or name in skip:
            continue
        try:
            if kinds.get(name) == "datetime":
                value = fmt_datetime(dt.datetime.fromisoformat(value))
            elif kinds.get(name) == "date":
                value = fmt_date(dt.date.fromisoformat(value))
        except (TypeError, ValueError):
            pass
        shown.append(str(value))
    return (str(transition.label) if transition else summary), "; ".join(shown)


def _comment_entry(ctx: Context, comment: dict[str, Any], title: str = "", detail: str = "",
                   kind: str = "comment") -> TimelineEntry:
    from core import comments

    return TimelineEntry(at=comment["created_at"], title=title, kind=kind, author=comment["user_name"],
                         body=comment["text"], detail=detail, comment_id=comment["id"],
                         edited=comment["edited_at"] is not None, editable=comments.may_edit(ctx, comment))


async def timeline(ctx: Context, entity: str, entity_id: int) -> list[TimelineEntry]:
    """History, comments and the ``timeline_entries`` of enabled plugins, newest first.

    A transition's note is a comment (editable); it is shown inside the transition's entry.
    """
    from core import comments
    from core.registry import registry

    assert ctx.dealer_id is not None
    notes = {c["id"]: c for c in await comments.for_entity(ctx.dealer_id, entity, entity_id)}
    entries: list[TimelineEntry] = []
    for row in await rows(ctx.dealer_id, entity, entity_id):
        if row["kind"] in ("comment", "comment_edit"):
            continue  # shown through the comment itself, which keeps its edit history
        payload = row["payload"]
        body, note = "", None
        title = shown(row["message"], row["summary"])
        if row["kind"] == "transition":
            as_comments = payload.get("comments") or {}
            note = next((notes.pop(i) for i in as_comments.values() if i in notes), None)
            title, body = _transition_text(payload, title, skip=set(as_comments))
        elif row["kind"] == "change":
            body = _changes_text(payload.get("changes"))
        if note is None:
            entries.append(TimelineEntry(at=row["at"], title=title, kind=row["kind"],
                                         author=row["user_name"], body=body))
        else:  # the transition with its note, which stays editable
            entries.append(_comment_entry(ctx, note, title=title, detail=body, kind=row["kind"]))
    entries += [_comment_entry(ctx, c) for c in notes.values()]
    entries += await registry().call("timeline_entries", ctx=ctx, entity=entity,
                                        entity_id=entity_id)
    return sorted(entries, key=lambda e: e.at, reverse=True)
