"""Hooks the orders plugin offers to other plugins (names carry the plugin's prefix)."""

from __future__ import annotations

from typing import Any

from forecourt import HookKind, HookScope, hookspec


@hookspec(HookKind.NOTIFICATION, HookScope.DEALER)
def orders_stock_changed(ctx: Any, vehicle: dict[str, Any]) -> None:
    """A vehicle arrived in the dealer's stock: its available quantity went from 0 to more (committed).

    Fired after the stock change's commit, once per arrival, for vehicles only
    (accessories, parts and services are not announced). Leads' "Watch stock"
    listens to it.

    :param ctx: the acting user's context.
    :param vehicle: ``model``, ``trim``, ``fuel``, ``colour`` and ``price`` (the base price, as a string) of the
        vehicle, plus ``id``, ``sku`` and ``vin`` of its catalogue row.
    """
