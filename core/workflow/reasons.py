"""Per-dealer reason lists behind the ``reason`` inputs of transitions.

A list starts as the defaults the machine declares; the first time a dealer
admin edits it, the defaults are copied into ``core_reason`` for that dealer
and from then on the dealer's rows are the list.
"""

from __future__ import annotations

from typing import Any

from core.errors import ValidationFailed
from core.i18n import gettext as _
from core.tables import Reason
from core.tenancy import Scoped


async def rows(dealer_id: int, list_key: str) -> list[dict[str, Any]]:
    return await (
        Scoped(Reason, dealer_id).select()
        .where(Reason.list_key == list_key).order_by(Reason.position).order_by(Reason.id)
    )


async def labels(dealer_id: int, list_key: str, defaults: tuple[Any, ...] = ()) -> list[str]:
    """The reasons offered now: the dealer's active ones, or the machine's defaults."""
    own = await rows(dealer_id, list_key)
    if own:
        return [r["label"] for r in own if r["active"]]
    return [str(d) for d in defaults]


async def needing_detail(dealer_id: int, list_key: str, defaults: tuple[Any, ...] = ()) -> set[str]:
    """The reasons of the list that also ask for details: the dealer's marks, or the machine's defaults."""
    own = await rows(dealer_id, list_key)
    if own:
        return {r["label"] for r in own if r["active"] and r["needs_detail"]}
    return {str(d) for d in defaults}


async def offered_and_detailed(dealer_id: int, list_key: str, defaults: tuple[Any, ...] = (),
                               detailed: tuple[Any, ...] = ()) -> tuple[list[str], list[str]]:
    """:func:`labels` and, of those, the ones :func:`needing_detail` names, in list order, from one read.

    A form shows these beside the detail input so people know beforehand which reasons make it required.
    """
    own = await rows(dealer_id, list_key)
    if own:
        active = [r for r in own if r["active"]]
        return [r["label"] for r in active], [r["label"] for r in active if r["needs_detail"]]
    marked = {str(d) for d in detailed}
    offered = [str(d) for d in defaults]
    return offered, [label for label in offered if label in marked]


# A label is in a dealer's list at most once (unique index): two admins opening the list for the
# first time, or adding the same reason, at the same moment cannot make it twice.
_INSERT_SQL = """
INSERT INTO core_reason (dealer_id, list_key, label, position, active, needs_detail)
VALUES ({}, {}, {}, (SELECT COALESCE(MAX(position), -1) + 1 FROM core_reason WHERE dealer_id = {} AND list_key = {}),
        {}, {})
ON CONFLICT (dealer_id, list_key, label) DO NOTHING
RETURNING id
"""


async def _insert(dealer_id: int, list_key: str, label: str, needs_detail: bool = False) -> bool:
    """Add ``label`` at the end of the list; False if it is there already."""
    rows = await Reason.raw(_INSERT_SQL, dealer_id, list_key, label[:200], dealer_id, list_key, True, needs_detail)
    return bool(rows)


async def ensure_own(dealer_id: int, list_key: str, defaults: tuple[Any, ...],
                     detailed: tuple[Any, ...] = ()) -> None:
    """Copy the defaults into the dealer's list before its first edit (once, even when raced)."""
    if not await rows(dealer_id, list_key):
        marked = {str(d) for d in detailed}
        for label in defaults:
            await _insert(dealer_id, list_key, str(label), str(label) in marked)


async def add(dealer_id: int, list_key: str, label: str, defaults: tuple[Any, ...]) -> None:
    """Add a reason at the end of the list; :class:`ValidationFailed` if the list has it already."""
    if not await _insert(dealer_id, list_key, label):
        raise ValidationFailed({list_key: _("This reason is already in the list.")})


async def set_flags(dealer_id: int, list_key: str, reason_id: int, **flags: bool) -> None:
    """Change ``active`` and/or ``needs_detail`` of one reason of the dealer's (already copied) list."""
    values = {getattr(Reason, name): bool(value) for name, value in flags.items()
              if name in ("active", "needs_detail")}
    if values:
        await (Scoped(Reason, dealer_id).update(values)
               .where((Reason.list_key == list_key) & (Reason.id == reason_id)))
