"""The merged timeline a card shows: history, comments and what plugins contribute.

Reads an entity's history rows once per render (:func:`read`): the entries
and the comments' earlier versions both come from that one read. It depends
on history, comments and the machine declarations (for a transition's label
as declared now); nothing in the workflow package depends on it, so the
package has no import circle.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from core.context import Context
from core.i18n import fmt_date, fmt_datetime
from core.messages import shown
from core.registry import registry
from core.workflow import comments, history
from core.workflow import machine as machines


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


@dataclass(frozen=True)
class Timeline:
    """What a card's timeline shows: ``entries`` newest first, and ``edits`` (comment id -> earlier versions)."""

    entries: list[TimelineEntry]
    edits: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


def _transition_text(payload: dict[str, Any], summary: str, skip: set[str]) -> tuple[str, str]:
    """A transition row's title and inputs in the viewer's language and formats.

    The label comes from the machine as declared now (the stored summary, in
    the writer's language, is the fallback for a machine no longer installed);
    date and datetime inputs are formatted for the viewer.
    """
    m = machines.get(str(payload.get("machine", "")))
    transition = m.transition(str(payload.get("transition", ""))) if m else None
    kinds = {inp.name: inp.kind for inp in transition.inputs} if transition else {}
    values = []
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
        values.append(str(value))
    return (str(transition.label) if transition else summary), "; ".join(values)


def _comment_entry(ctx: Context, comment: dict[str, Any], title: str = "", detail: str = "",
                   kind: str = "comment") -> TimelineEntry:
    return TimelineEntry(at=comment["created_at"], title=title, kind=kind, author=comment["user_name"],
                         body=comment["text"], detail=detail, comment_id=comment["id"],
                         edited=comment["edited_at"] is not None, editable=comments.may_edit(ctx, comment))


async def read(ctx: Context, entity: str, entity_id: int) -> Timeline:
    """History, comments and the ``timeline_entries`` of enabled plugins, newest first, with comment versions.

    A transition's note is a comment (editable); it is shown inside the
    transition's entry. One read of the history rows, one of the comments.
    """
    assert ctx.dealer_id is not None
    rows = await history.rows(ctx.dealer_id, entity, entity_id)
    notes = {c["id"]: c for c in await comments.for_entity(ctx.dealer_id, entity, entity_id)}
    entries: list[TimelineEntry] = []
    for row in rows:
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
            body = history.changes_text(payload.get("changes"))
        if note is None:
            entries.append(TimelineEntry(at=row["at"], title=title, kind=row["kind"],
                                         author=row["user_name"], body=body))
        else:  # the transition with its note, which stays editable
            entries.append(_comment_entry(ctx, note, title=title, detail=body, kind=row["kind"]))
    entries += [_comment_entry(ctx, c) for c in notes.values()]
    entries += await registry().call("timeline_entries", ctx=ctx, entity=entity,
                                        entity_id=entity_id)
    return Timeline(sorted(entries, key=lambda e: e.at, reverse=True), comments.edits(rows))


async def timeline(ctx: Context, entity: str, entity_id: int) -> list[TimelineEntry]:
    """Just the entries of :func:`read`."""
    return (await read(ctx, entity, entity_id)).entries
