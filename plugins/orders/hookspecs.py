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


@hookspec(HookKind.NOTIFICATION, HookScope.DEALER)
def orders_order_placed(ctx: Any, order_id: int, source: str) -> None:
    """A new order was committed, whatever its source.

    Fired once per order, after the commit of its creation with its lines:
    from the order form, from an inquiry, from a quick link, from the API or
    from another plugin's call of the orders services. The order is in the
    status "New" (``"new"``); read it with :func:`plugins.orders.sales.services.get`.
    Keep it short: the response (or the customer's checkout) waits for it.

    :param ctx: the creating user's context (the quick link's system context for a customer's checkout).
    :param order_id: the new order's id.
    :param source: where it came from: ``"form"``, ``"inquiry"``, ``"quicklink"``, ``"api"`` or a plugin's own word.
    """


@hookspec(HookKind.NOTIFICATION, HookScope.DEALER)
def orders_order_status_changed(
    ctx: Any, machine: str, transition: str, entity: str, entity_id: int, from_state: str, to_state: str,
    inputs: dict[str, Any],
) -> None:
    """An order's status changed (committed): the order machine's own notification.

    Fired after every transition of the ``"orders.order"`` machine, right
    after ``on_status_changed``, with the same arguments, so a partner can
    listen to orders alone. The stock it reserved, wrote off or released is
    committed with it.

    :param ctx: the acting user's context.
    :param machine: always ``"orders.order"``.
    :param transition: the transition's key, e.g. ``"confirm"``, ``"ship"``, ``"deliver"``.
    :param entity: always ``"orders.order"``.
    :param entity_id: the order's id.
    :param from_state: the status before, e.g. ``"new"``.
    :param to_state: the status after, e.g. ``"confirmed"``.
    :param inputs: the transition's cleaned inputs.
    """
