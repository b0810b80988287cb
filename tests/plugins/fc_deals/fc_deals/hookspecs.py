"""The deals plugin's own hook, fired by its machine when a contract is signed."""

from forecourt import HookKind, HookScope, hookspec


@hookspec(HookKind.NOTIFICATION, HookScope.DEALER)
def deals_contract_signed(ctx, machine, transition, entity, entity_id, from_state, to_state, inputs) -> None:
    """A deal's contract was signed (committed). Same arguments as ``on_status_changed``.

    :param ctx: the acting user's context.
    :param machine: ``"deals.deal"``.
    :param transition: the transition's key.
    :param entity: ``"deals.deal"``.
    :param entity_id: the deal's id.
    :param from_state: the state before.
    :param to_state: the state after.
    :param inputs: the transition's cleaned inputs.
    """
