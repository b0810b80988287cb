"""The core's notification hookspecs: what a plugin hears after a write has committed.

Part of the contract in :mod:`core.hookspecs` (which re-exports them, so
pluggy and the hook reference find them there); kept apart because they
share one kind — notification, dealer-scoped, called after the commit, a
failure recorded and never undoing the write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.hookdecl import Kind, Scope, hookspec

if TYPE_CHECKING:
    from core.context import Context


@hookspec(Kind.NOTIFICATION, Scope.DEALER)
def on_entity_created(ctx: Context, entity: str, entity_id: int, values: dict[str, Any]) -> None:
    """A row was created through ``create_entity`` and committed.

    The response waits for the implementations: keep them short. You are
    outside any transaction: open ``transaction()`` yourself for several
    writes that belong together.

    :param ctx: the creating user's context.
    :param entity: ``"<plugin>.<kind>"``.
    :param entity_id: the new row's id.
    :param values: the values written.

    Example::

        @hookimpl
        async def on_entity_created(ctx, entity, entity_id):
            if entity == "notes.note":
                await Event.scoped(ctx.dealer_id).insert(hook="created", detail=str(entity_id), at=now())
    """


@hookspec(Kind.NOTIFICATION, Scope.DEALER)
def on_entity_updated(ctx: Context, entity: str, entity_id: int, changes: dict[str, Any]) -> None:
    """A row was changed through ``update_entity`` and committed.

    A save that changed nothing fires no call. Status changes come through
    ``on_status_changed`` instead.

    :param ctx: the changing user's context.
    :param entity: ``"<plugin>.<kind>"``.
    :param entity_id: the row's id.
    :param changes: each column whose value actually changed, mapped to ``(before, after)``.

    Example::

        @hookimpl
        async def on_entity_updated(ctx, entity, entity_id, changes):
            if entity == "deals.deal":
                await _heard(ctx, "on_entity_updated", f"{entity_id}:" + ",".join(
                    f"{key}={before}->{after}" for key, (before, after) in sorted(changes.items())))
    """


@hookspec(Kind.NOTIFICATION, Scope.DEALER)
def on_entity_deleted(ctx: Context, entity: str, entity_id: int, values: dict[str, Any]) -> None:
    """A row was deleted through ``delete_entity`` and committed.

    A raising implementation never brings the row back.

    :param ctx: the deleting user's context.
    :param entity: ``"<plugin>.<kind>"``.
    :param entity_id: the id the row had.
    :param values: the row as it was just before the delete.
    """


@hookspec(Kind.NOTIFICATION, Scope.DEALER)
def on_status_changed(
    ctx: Context, machine: str, transition: str, entity: str, entity_id: int, from_state: str, to_state: str,
    inputs: dict[str, Any],
) -> None:
    """A status transition was applied and committed, for any machine.

    A transition declared with ``notify="<hook>"`` then fires that hook too,
    with the same arguments (e.g. the leads plugin's ``leads_contract_signed``).

    :param ctx: the acting user's context (``user_id`` is ``None`` for system work).
    :param machine: the machine's key.
    :param transition: the transition's key.
    :param entity: the entity the machine moves.
    :param entity_id: the row's id.
    :param from_state: the state key before.
    :param to_state: the state key after.
    :param inputs: the transition's cleaned inputs.

    Example::

        @hookimpl
        async def on_status_changed(ctx, machine, transition, entity_id, from_state, to_state):
            await Heard.scoped(ctx.dealer_id).insert(hook="on_status_changed",
                                                     detail=f"{entity_id}:{from_state}->{to_state}", at=now())
    """


@hookspec(Kind.NOTIFICATION, Scope.DEALER)
def on_plugin_enabled(ctx: Context, dealer_id: int, plugin: str) -> None:
    """``plugin`` was switched on for ``dealer_id`` (committed).

    One call per plugin switched on (a ``requires`` closure gives one call
    each), to the plugins enabled *after* the change, so the plugin itself
    hears it.

    :param ctx: the admin who did it — a platform admin's has no dealer: act on ``dealer_id``, never on
        ``ctx.dealer_id``.
    :param dealer_id: the dealer whose modules changed.
    :param plugin: the plugin switched on.

    Example::

        @hookimpl
        async def on_plugin_enabled(dealer_id, plugin):
            if plugin == "notes":
                await Event.scoped(dealer_id).insert(hook="enabled", detail=plugin, at=now())
    """


@hookspec(Kind.NOTIFICATION, Scope.DEALER)
def on_plugin_disabled(ctx: Context, dealer_id: int, plugin: str) -> None:
    """``plugin`` was switched off for ``dealer_id`` (committed; no data is dropped).

    Goes to the plugins enabled *before* the change, so the plugin itself
    hears it.

    :param ctx: the admin who did it (act on ``dealer_id``, as for ``on_plugin_enabled``).
    :param dealer_id: the dealer whose modules changed.
    :param plugin: the plugin switched off.

    Example::

        @hookimpl
        async def on_plugin_disabled(dealer_id, plugin):
            if plugin == "notes":
                await Event.scoped(dealer_id).insert(hook="disabled", detail=plugin, at=now())
    """
