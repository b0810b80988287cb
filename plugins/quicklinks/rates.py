"""The dealer's exchange rates for the customer pages (maintained by the dealer admin in the plugin's settings).

A rate says 1 unit of ``source`` is ``rate`` units of ``target``. Only rates
the dealer entered are used — never one inferred through a third currency
nor the inverse of another — so a price shown converted is one the dealer
stands behind; a product with no rate into the customer's currency is shown
in its own currency.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from plugins.quicklinks.tables import Rate


async def table(dealer_id: int) -> dict[tuple[str, str], Decimal]:
    """``{(source, target): rate}`` of the dealer (a few rows: read once per page)."""
    rows = await Rate.scoped(dealer_id).select(Rate.source, Rate.target, Rate.rate)
    return {(r["source"], r["target"]): Decimal(str(r["rate"])) for r in rows}


async def listed(dealer_id: int) -> list[dict[str, Any]]:
    """The dealer's rates for the settings page, by pair."""
    return await Rate.scoped(dealer_id).select().order_by(Rate.source).order_by(Rate.target)
