"""The stock module's hook, as the orders plugin will declare it."""

from typing import Any

from forecourt import hookspec


@hookspec
def on_stock_changed(ctx: Any, vehicle: dict[str, Any]) -> None:
    """A vehicle arrived in the dealer's stock (committed).

    ``vehicle`` has ``model``, ``trim``, ``fuel``, ``colour`` and ``price``.
    Called after the commit, in the acting user's context, only for plugins
    the dealer has enabled, each implementation isolated.
    """
