"""Per-dealer reason lists behind the ``reason`` inputs of transitions.

A list starts as the defaults the machine declares; the first time a dealer
admin edits it, the defaults are copied into ``core_reason`` for that dealer
and from then on the dealer's rows are the list.
"""

from __future__ import annotations

from typing import Any

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


async def ensure_own(dealer_id: int, list_key: str, defaults: tuple[Any, ...]) -> None:
    """Copy the defaults into the dealer's list before its first edit."""
    if not await rows(dealer_id, list_key):
        for position, label in enumerate(defaults):
            await Scoped(Reason, dealer_id).insert(list_key=list_key, label=str(label)[:200],
                                                   position=position)


async def add(dealer_id: int, list_key: str, label: str, defaults: tuple[Any, ...]) -> None:
    await ensure_own(dealer_id, list_key, defaults)
    last = await Scoped(Reason, dealer_id).count().where(Reason.list_key == list_key)
    await Scoped(Reason, dealer_id).insert(list_key=list_key, label=label[:200], position=last)


async def set_active(dealer_id: int, list_key: str, reason_id: int, active: bool,
                     defaults: tuple[Any, ...]) -> None:
    await ensure_own(dealer_id, list_key, defaults)
    await (Scoped(Reason, dealer_id).update({Reason.active: active})
           .where((Reason.list_key == list_key) & (Reason.id == reason_id)))
