"""Comments on any entity. A comment may be edited many times; every edit is kept in the history.

A transition's ``note`` inputs are comments too (:func:`add_note`, called by
the machine engine): the note a user gave with "Contact failed" or "Contract
signed" can be corrected later, and the history keeps what it said before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import db
from core.context import Context
from core.errors import Forbidden, ValidationFailed
from core.i18n import gettext as _
from core.tables import Comment
from core.tenancy import Scoped
from core.timeutil import now
from core.workflow import history

MAX_LENGTH = 4000


def _clean(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed({"text": _("Write the comment first.")})
    if len(text) > MAX_LENGTH:
        message = _("A comment can have at most %(n)d characters.") % {"n": MAX_LENGTH}
        raise ValidationFailed({"text": message})
    return text


async def add(ctx: Context, entity: str, entity_id: int, text: str) -> int:
    assert ctx.dealer_id is not None
    text = _clean(text)
    async with db.transaction():
        comment = await Scoped(Comment, ctx.dealer_id).insert(
            entity=entity, entity_id=entity_id, user_id=ctx.user_id, user_name=ctx.user_name,
            text=text, created_at=now())
        await history.append(ctx, entity, entity_id, "comment", summary=text[:200],
                             payload={"comment_id": comment.id})
    return comment.id


async def add_note(ctx: Context, entity: str, entity_id: int, text: str, topic: str, at: dt.datetime) -> int:
    """The note of transition ``topic`` as a comment, inside the caller's transaction.

    No history row of its own: the transition's row records it (and names the comment).
    """
    assert ctx.dealer_id is not None
    comment = await Scoped(Comment, ctx.dealer_id).insert(
        entity=entity, entity_id=entity_id, user_id=ctx.user_id, user_name=ctx.user_name,
        text=text[:MAX_LENGTH], created_at=at, topic=topic)
    return comment.id


def may_edit(ctx: Context, comment: dict[str, Any]) -> bool:
    return comment["user_id"] == ctx.user_id or ctx.role in ("dealer_admin", "platform_admin")


async def edit(ctx: Context, entity: str, entity_id: int, comment_id: int, text: str) -> dict[str, Any] | None:
    """Change a comment's text; the old and new text go to the entity's history. None if not found.

    Only its author or the dealer's administrator may edit a comment.
    """
    assert ctx.dealer_id is not None
    text = _clean(text)
    async with db.transaction():
        row = await Scoped(Comment, ctx.dealer_id).select().where(
            (Comment.id == comment_id) & (Comment.entity == entity) & (Comment.entity_id == entity_id)
        ).first()
        if row is None:
            return None
        if not may_edit(ctx, row):
            raise Forbidden(_("Only the author or the dealer's administrator may edit this comment."))
        if row["text"] != text:
            moment = now()
            await (Scoped(Comment, ctx.dealer_id).update({Comment.text: text, Comment.edited_at: moment})
                   .where(Comment.id == comment_id))
            await history.append(ctx, row["entity"], row["entity_id"], "comment_edit", summary=text[:200],
                                 payload={"comment_id": comment_id, "before": row["text"], "after": text},
                                 at=moment)
    return row


async def for_entity(dealer_id: int, entity: str, entity_id: int) -> list[dict[str, Any]]:
    return await (
        Scoped(Comment, dealer_id).select()
        .where((Comment.entity == entity) & (Comment.entity_id == entity_id))
        .order_by(Comment.created_at, ascending=False)
    )


def edits(history_rows: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """Earlier versions of an entity's comments, oldest first, from its history rows (newest first, as read).

    Returns comment id -> ``[{at, user_name, before, after}]``. Takes the rows
    rather than reading them, so a timeline reads its history once.
    """
    result: dict[int, list[dict[str, Any]]] = {}
    for row in reversed(history_rows):
        if row["kind"] == "comment_edit":
            payload = row["payload"]
            result.setdefault(payload["comment_id"], []).append(
                {"at": row["at"], "user_name": row["user_name"], "before": payload["before"],
                 "after": payload["after"]})
    return result
