"""Merging a duplicate inquiry into its main one: a preview of what moves, then one transaction.

The merge is the inquiry machine's "merge" transition (into "Duplicate"),
applied only from the merge page (its guard) with the main inquiry's number
as input. Its effect (:func:`into_main`), inside the transition's
transaction: the main inquiry is locked and checked (the dealer's own, not
this one, not itself merged), every call of the duplicate moves to it, its
history rows and comments are re-filed under it (``move_history``), the main
inquiry's history gets an event naming the duplicate, and the duplicate's
``merged_into_id`` is written with its status. Nothing is deleted; the
duplicate keeps its own "Duplicate" row and reads "merged into #N".

Concurrency: the duplicate's row is locked by the transition's update, the
main one by ``SELECT … FOR UPDATE`` (PostgreSQL; SQLite has one writer). A
merge into an inquiry that another merge is turning into a duplicate waits
for it and is then refused; a merge of an inquiry into which another one is
being merged waits, then moves everything, that one's calls included. Two
inquiries merged into each other at the same moment: one wins, the other is
refused (PostgreSQL's deadlock detection ends it; :func:`merge` says so as
a conflict).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from forecourt import (
    Conflict,
    Context,
    Message,
    Veto,
    append_history,
    apply_transition,
    engine_kind,
    history_count,
    move_history,
    now,
    read_id,
)
from forecourt import gettext as _
from plugins.orders.entity import INQUIRY
from plugins.orders.machines import INQUIRY_MACHINE, MERGING
from plugins.orders.tables import Call, Inquiry

_RACES = ("40P01", "40001")  #: PostgreSQL: deadlock detected, serialisation failure


def read_number(raw: Any) -> int | None:
    """An inquiry number as typed: ``12``, ``#12``, `` 12 ``; None for anything else."""
    if not isinstance(raw, str):
        return None
    return read_id(raw.strip().lstrip("#").strip())


async def _main(dealer_id: int, number: int, lock: bool) -> dict[str, Any] | None:
    sql = ("SELECT id, number, status, merged_into_id FROM orders_inquiry WHERE dealer_id = {} AND number = {}"
           + (" FOR UPDATE" if lock and engine_kind() == "postgres" else ""))
    rows = await Inquiry.raw(sql, dealer_id, number)
    return rows[0] if rows else None


def refusal(duplicate: Mapping[str, Any], main: Mapping[str, Any] | None, number: int | None) -> str | None:
    """Why ``duplicate`` cannot be merged into ``main`` (None: it can)."""
    if number is None:
        return _("Enter the number of the main inquiry, e.g. 12.")
    if main is None:
        return _("There is no inquiry #%(number)s.") % {"number": number}
    if main["id"] == duplicate["id"]:
        return _("An inquiry cannot be merged into itself.")
    if main["status"] == "duplicate" or main["merged_into_id"]:
        return _("Inquiry #%(number)s is itself merged into another one; merge into that one.") % {
            "number": main["number"]}
    if duplicate["status"] == "duplicate" or duplicate["merged_into_id"]:
        return _("This inquiry is already merged.")
    return None


async def preview(ctx: Context, duplicate: Mapping[str, Any], raw_number: Any) -> dict[str, Any]:
    """What a merge would do: the main inquiry, and how many calls, history rows and comments move.

    ``error`` says why it cannot be done (then nothing else is filled in).
    """
    number = read_number(raw_number)
    main = await _main(ctx.dealer_id, number, lock=False) if number is not None else None
    why_not = refusal(duplicate, main, number)
    if why_not:
        return {"error": why_not, "number": raw_number if isinstance(raw_number, str) else ""}
    calls = await Call.scoped(ctx.dealer_id).count().where(Call.inquiry_id == duplicate["id"])
    moving = await history_count(ctx.dealer_id, INQUIRY, duplicate["id"])
    return {"error": "", "number": str(number), "main": main, "calls": calls, "history": moving.history,
            "comments": moving.comments}


async def into_main(ctx: Context, row: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The "merge" transition's effect (inside its transaction): move everything, return ``merged_into_id``."""
    number = read_number(inputs.get("main"))
    main = await _main(ctx.dealer_id, number, lock=True) if number is not None else None
    why_not = refusal(row, main, number)  # ``row``: the duplicate as read before the transition
    if why_not:
        raise Veto(why_not, field="main")
    assert main is not None
    moved_calls = await Call.scoped(ctx.dealer_id).update({Call.inquiry_id: main["id"]}).where(
        Call.inquiry_id == row["id"]).returning(Call.id)
    moved = await move_history(ctx, INQUIRY, row["id"], main["id"])
    await append_history(ctx, INQUIRY, main["id"], "event", summary=Message(
        "Inquiry #%(number)s merged into this one: %(calls)s call(s), %(rows)s history row(s), "
        "%(comments)s comment(s) moved here", number=row["number"], calls=len(moved_calls), rows=moved.history,
        comments=moved.comments), payload={"merged": row["id"], "calls": [c["id"] for c in moved_calls]})
    return {"merged_into_id": main["id"], "updated_at": now()}


async def merge(ctx: Context, duplicate_id: int, raw_number: Any, expected_state: str) -> int:
    """Merge the dealer's inquiry ``duplicate_id`` into the one numbered ``raw_number``; the main inquiry's id.

    Raises ``Veto`` (refused: itself, unknown, merged), ``Conflict`` (the
    inquiry changed meanwhile, or a concurrent merge won), ``LookupError``.
    """
    merging = dataclasses.replace(ctx, extra={**ctx.extra, MERGING: duplicate_id})
    number = read_number(raw_number)
    if number is None:
        raise Veto(_("Enter the number of the main inquiry, e.g. 12."), field="main")
    try:
        applied = await apply_transition(merging, INQUIRY_MACHINE, duplicate_id, "merge", expected_state,
                                         {"main": str(number)})
    except Exception as exc:
        if getattr(exc, "sqlstate", "") in _RACES:
            raise Conflict(_("Another merge of these inquiries happened at the same moment. Nothing was saved; "
                             "look at them again.")) from None
        raise
    del applied
    row = await Inquiry.scoped(ctx.dealer_id).select(Inquiry.merged_into_id).where(Inquiry.id == duplicate_id).first()
    return row["merged_into_id"]
