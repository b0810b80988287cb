"""Demo data for the demo dealers: the customer pages' look, a few exchange rates, one live quick link.

The look and the rates are added only where missing. The link is the one
exception to "add only what is missing": its token is never stored, so an
address made by an earlier run cannot be printed again. Each run therefore
makes the demo customer a new link (the old one dies, "regenerated": still
one live link) and asks ``forecourt demo`` to print it with the logins
(``ctx.extra["demo_logins"]``, see the ``demo_data`` hookspec).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from forecourt import Context
from plugins.customers import services as customers
from plugins.quicklinks import branding, links, rates
from plugins.quicklinks.card import OPEN_PATH
from plugins.quicklinks.tables import Brand

LOOK = {"colour": "#0f4c5c", "accent": "#c2410c"}
#: 1 unit of the first currency is the rate in the second (round figures: a demo, not a quote)
RATES = (("RUB", "CNY", Decimal("0.085")), ("EUR", "RUB", Decimal("98")), ("CZK", "EUR", Decimal("0.04")),
         ("CZK", "RUB", Decimal("4")))


async def seed(dealer: Any, users: dict[str, int], ctx: Context) -> None:
    if not await Brand.scoped(dealer.id).exists():
        await branding.save(ctx, {"title": dealer.name, **LOOK})
    have = await rates.table(dealer.id)
    for source, target, rate in RATES:
        if (source, target) not in have:
            await rates.save(ctx, source, target, rate)
    customer = await _demo_customer(dealer.id)
    if customer is None:
        return
    manager = dataclasses.replace(ctx, user_id=users.get("manager"))  # the link is "made by" the demo manager
    made = await links.make(manager, customer["id"])
    ctx.extra.setdefault("demo_logins", []).append(
        (OPEN_PATH + made.token, f"quick link of the customer {customer['name']} at {dealer.name} (no login)"))


async def _demo_customer(dealer_id: int) -> dict[str, Any] | None:
    """The dealer's first current customer (the demo's first person), else its first one; None without any."""
    for status in ("current", ""):
        rows, _next = await customers.search(dealer_id, status=status, limit=50)
        usable = [r for r in rows if not r.get("blacklisted")]
        if usable:
            return min(usable, key=lambda r: r["number"])
    return None
