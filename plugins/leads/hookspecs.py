"""Hooks the leads plugin offers to other plugins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from forecourt import HookKind, HookScope, hookspec

if TYPE_CHECKING:
    from forecourt import Context


@hookspec(HookKind.NOTIFICATION, HookScope.DEALER)
def leads_contract_signed(
    ctx: Context, machine: str, transition: str, entity: str, entity_id: int, from_state: str, to_state: str,
    inputs: dict[str, Any],
) -> None:
    """A lead's contract was signed (committed): the lead is now "Contract signed".

    Fired after the commit by the lead machine's ``contract_signed``
    transition, with the same arguments as ``on_status_changed``.

    :param ctx: the acting user's context.
    :param machine: ``"leads.lead"``.
    :param transition: ``"contract_signed"``.
    :param entity: ``"leads.lead"``.
    :param entity_id: the lead's id.
    :param from_state: the state before (``"awaiting_visit"`` or ``"new"``).
    :param to_state: ``"contract_signed"``.
    :param inputs: the transition's cleaned inputs.
    """
