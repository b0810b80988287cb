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


async def ensure_own(dealer_id: int, list_key: str, defaults: tuple[Any, ...],
                     detailed: tuple[Any, ...] = ()) -> None:
    """Copy the defaults into the dealer's list before its first edit."""
    if not await rows(dealer_id, list_key):
        marked = {str(d) for d in detailed}
        for position, label in enumerate(defaults):
            await Scoped(Reason, dealer_id).insert(list_key=list_key, label=str(label)[:200],
                                                   position=position, needs_detail=str(label) in marked)


async def add(dealer_id: int, list_key: str, label: str, defaults: tuple[Any, ...]) -> None:
    last = await Scoped(Reason, dealer_id).count().where(Reason.list_key == list_key)
    await Scoped(Reason, dealer_id).insert(list_key=list_key, label=label[:200], position=last)


async def set_flags(dealer_id: int, list_key: str, reason_id: int, **flags: bool) -> None:
    """Change ``active`` and/or ``needs_detail`` of one reason of the dealer's (already copied) list."""
    values = {getattr(Reason, name): bool(value) for name, value in flags.items()
              if name in ("active", "needs_detail")}
    if values:
        await (Scoped(Reason, dealer_id).update(values)
               .where((Reason.list_key == list_key) & (Reason.id == reason_id)))
