"""One way in for a lead nobody at the dealer typed: the public pre-order form and the intake API.

Both read the lead once with :func:`plugins.leads.fields.read` (the form
strictly, the API with ``best_effort``) and hand the reading to
:func:`take`, which writes, in one transaction, all or nothing: what the
caller adds first (the pre-order's address count, the intake's claim on its
reference), whose turn it is (:mod:`plugins.leads.rotation`), the lead and
its history row, what the caller adds after (the intake's record of the
document), and the reminder for the manager whose turn it was. A lead
refused by its reading uses up nobody's turn.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from forecourt import Context, Message, ValidationFailed, create_reminder, now
from plugins.leads import fields, rotation, services
from plugins.leads.tables import Lead


def read(raw: dict[str, Any], language: str, *, best_effort: bool = False,
         labels: Mapping[str, Any] | None = None) -> fields.Reading:
    """The lead's one reading: its column values, refusals and notes (see :func:`plugins.leads.fields.read`)."""
    return fields.read(raw, language, best_effort=best_effort, labels=labels)


def values_or_raise(reading: fields.Reading) -> dict[str, Any]:
    """The reading's column values, or :class:`~forecourt.ValidationFailed` with every refusal."""
    if reading.errors:
        raise ValidationFailed(reading.errors)
    return reading.values


def full_name(row: Lead) -> str:
    return f"{row.first_name} {row.surname}".strip()


async def take(ctx: Context, values: dict[str, Any], *, reminder: Callable[[Lead], Message],
               extra: dict[str, Any] | None = None,
               before: Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]] | None = None,
               after: Callable[[Lead], Awaitable[None]] | None = None) -> tuple[Lead, dict[str, Any] | None]:
    """Write an incoming lead (values already read) to whose turn it is; the lead and that manager, or None.

    ``before(values)`` runs first in the transaction and may add columns or
    raise to write nothing; ``after(row)`` runs once the lead is written;
    ``reminder(row)`` is the text of the reminder for whose turn it was.
    """
    state: dict[str, Any] = {"turn": None}

    async def complete(written: dict[str, Any]) -> dict[str, Any]:
        columns = dict(await before(written) or {}) if before is not None else {}
        state["turn"] = turn = await rotation.next_assignee(ctx)
        if turn is not None:
            columns.update(assignee_id=turn["id"], assignee_name=turn["name"])
        return columns

    async def record(row: Lead) -> None:
        if after is not None:
            await after(row)
        if (turn := state["turn"]) is not None:
            await create_reminder(ctx, reminder(row), now(), user_id=turn["id"], url=f"/leads/{row.id}",
                                  entity=services.ENTITY, entity_id=row.id, source="leads")

    row = await services.insert(ctx, values, assign_to_me=False, extra=extra, before=complete, after=record)
    return row, state["turn"]
