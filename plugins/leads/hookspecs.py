"""Hooks the leads plugin offers to other plugins."""

from __future__ import annotations

from typing import Any

from forecourt import hookspec


@hookspec
def on_contract_signed(
    ctx: Any, machine: str, transition: str, entity: str, entity_id: int, from_state: str, to_state: str,
    inputs: dict[str, Any],
) -> None:
    """A lead's contract was signed (committed): the lead is now "Contract signed".

    Fired after the commit by the lead machine's ``contract_signed``
    transition, in the acting user's context, only for plugins the dealer has
    enabled, each implementation isolated. Same arguments as
    ``on_status_change``; ``entity_id`` is the lead's id. Return value is
    ignored.
    """
