"""The deals plugin's own hook, fired by its machine when a contract is signed."""

from forecourt import hookspec


@hookspec
def on_deal_signed(ctx, machine, transition, entity, entity_id, from_state, to_state, inputs) -> None:
    """A deal's contract was signed (committed). Same arguments as ``on_status_change``."""
