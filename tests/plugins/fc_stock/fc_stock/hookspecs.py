"""The stock hook, named as the orders plugin will declare it (this test plugin stands in for orders)."""

from typing import Any

from forecourt import HookKind, HookScope, hookspec


@hookspec(HookKind.NOTIFICATION, HookScope.DEALER)
def orders_stock_changed(ctx: Any, vehicle: dict[str, Any]) -> None:
    """A vehicle arrived in the dealer's stock (committed).

    :param ctx: the acting user's context.
    :param vehicle: ``model``, ``trim``, ``fuel``, ``colour`` and ``price`` of the vehicle.
    """
