"""Moving a record's history and comments onto another record of the same entity: what a merge of duplicates needs.

The history stays append-only in what it says: no row's text, time, author
or payload is ever changed, and none is deleted. A merge only re-files them:
:func:`move` gives every history row and comment of one record (the
duplicate) the id of another record of the same entity and dealer (the main
one), in two ``UPDATE`` statements. Comment edits stay with their comments
(both move), and a transition's notes with its row. Run it inside the
merge's own transaction (it joins it), together with the plugin's own moves
(its child rows) and the duplicate's status change, so a merge is all or
nothing; rows written after the move (the duplicate's "Duplicate"
transition) stay on the duplicate.

It imports only the tables, so any module of the workflow package may use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.context import Context
from core.tables import Comment, History
from core.tenancy import Scoped


@dataclass(frozen=True)
class Moved:
    """How many rows :func:`move` re-filed."""

    history: int
    comments: int


async def count(dealer_id: int, entity: str, entity_id: int) -> Moved:
    """What :func:`move` would re-file for ``entity`` ``entity_id`` now (a merge's preview)."""
    history_rows = await Scoped(History, dealer_id).count().where(
        (History.entity == entity) & (History.entity_id == entity_id))
    comment_rows = await Scoped(Comment, dealer_id).count().where(
        (Comment.entity == entity) & (Comment.entity_id == entity_id))
    return Moved(history_rows, comment_rows)


async def move(ctx: Context, entity: str, from_id: int, to_id: int) -> Moved:
    """Re-file every history row and comment of ``entity`` ``from_id`` under ``to_id`` (``ctx``'s dealer only).

    The caller has checked that both records are the dealer's and that the
    move is what the user asked for (a merge after its preview). Moving a
    record onto itself is refused (``ValueError``).
    """
    if ctx.dealer_id is None:
        raise ValueError("history belongs to a dealer")
    if from_id == to_id:
        raise ValueError("a record cannot be merged into itself")
    history_rows = await Scoped(History, ctx.dealer_id).update({History.entity_id: to_id}).where(
        (History.entity == entity) & (History.entity_id == from_id)).returning(History.id)
    comment_rows = await Scoped(Comment, ctx.dealer_id).update({Comment.entity_id: to_id}).where(
        (Comment.entity == entity) & (Comment.entity_id == from_id)).returning(Comment.id)
    return Moved(len(history_rows), len(comment_rows))
