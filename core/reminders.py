"""Reminders: something to do at a time, for a user or for the dealer's queue.

Plugins create them through :func:`create` (follow-up dates, the next contact
attempt, a postponed lead coming back); the home page shows each user's
overdue and today's reminders, and one click marks one done.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.context import Context
from core.errors import ValidationFailed
from core.i18n import gettext as _
from core.messages import Message, as_stored, shown
from core.tables import Reminder
from core.tenancy import Scoped
from core.timeutil import day_start, now, today


async def create(
    ctx: Context,
    text: str | Message,
    due_at: dt.datetime,
    *,
    user_id: int | None = None,
    queue: bool = False,
    entity: str = "",
    entity_id: int | None = None,
    url: str = "",
    source: str = "",
) -> int:
    """Remind ``user_id`` (default: the acting user; ``queue=True``: the whole dealer) at ``due_at``.

    ``url`` is where the reminder leads (a card); ``source`` names the plugin.
    A text the system words must be a :class:`~core.messages.Message`, so that
    whoever reads it (the queue: anyone of the dealer) reads it in their own
    language; text a person typed is kept as typed.
    Joins the caller's transaction if there is one. Returns the reminder's id.
    """
    if ctx.dealer_id is None:
        raise ValueError("reminders belong to a dealer")
    text, message = as_stored(text)
    text = text.strip()
    if not text:
        raise ValidationFailed({"text": _("Say what to be reminded of.")})
    if due_at.tzinfo is None:
        raise ValueError("due_at must be timezone-aware")
    owner = None if queue else (user_id if user_id is not None else ctx.user_id)
    row = await Scoped(Reminder, ctx.dealer_id).insert(
        user_id=owner, due_at=due_at, text=text[:2000], message=message, entity=entity, entity_id=entity_id,
        url=url if url.startswith("/") else "", source=source, created_at=now())
    return row.id


def end_of_today() -> dt.datetime:
    """The end of the dealer's day (its time zone), in UTC."""
    return day_start(today() + dt.timedelta(days=1))


# Written out once: the home page runs this on every visit, and the query builder cost
# several times the query itself (0.6 ms against 0.1 ms).
_OPEN_SQL = """
SELECT id, user_id, due_at, text, message, url, entity, entity_id, source
FROM core_reminder
WHERE dealer_id = {} AND done_at IS NULL AND due_at < {} AND (user_id = {} OR user_id IS NULL)
ORDER BY due_at
LIMIT {}
"""


async def open_for(dealer_id: int, user_id: int | None, until: dt.datetime | None = None,
                   limit: int = 50) -> list[dict[str, Any]]:
    """Open reminders of a user and of the dealer's queue due before ``until`` (default: end of today).

    ``text`` is in the current (the reader's) language.
    """
    rows = await Reminder.raw(_OPEN_SQL, dealer_id, until or end_of_today(), user_id, limit)
    moment = now()
    for row in rows:
        row["overdue"] = row["due_at"] < moment
        row["text"] = shown(row.pop("message"), row["text"])
    return rows


async def complete(ctx: Context, reminder_id: int) -> bool:
    """Mark one of the user's (or the queue's) reminders done; False if there is none to mark."""
    if ctx.dealer_id is None:
        return False
    mine = (Reminder.user_id == ctx.user_id) | Reminder.user_id.is_null()
    done = await (
        Scoped(Reminder, ctx.dealer_id).update({Reminder.done_at: now(), Reminder.done_by: ctx.user_id})
        .where((Reminder.id == reminder_id) & Reminder.done_at.is_null() & mine)
        .returning(Reminder.id)
    )
    return bool(done)
