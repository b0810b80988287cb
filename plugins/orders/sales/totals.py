"""Line and order totals, in Decimal on the server: what the form shows and what the order stores.

A line is ``quantity x unit price x (1 - discount %) - bonus``, rounded half-up
to cents and never below zero (a bonus larger than the line gives the line
away, it does not pay the customer). The order's ``subtotal`` is the sum of
``quantity x unit price``, ``discount_total`` the sum of what the percentages
took off, ``bonus_total`` the bonuses actually applied, and ``total`` the sum
of the lines — so ``subtotal - discount_total - bonus_total == total`` always.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")


def money(value: Any) -> Decimal:
    """A stored or computed amount as Decimal to the cent (``None`` is zero)."""
    if type(value) is not Decimal:  # a Decimal is taken as it is (a catalogue page prices hundreds of them)
        value = Decimal(str(value if value is not None else 0))
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class LineTotal(NamedTuple):
    """A line's amounts (a named tuple: a catalogue page makes one per product, a frozen dataclass costs 3x)."""

    gross: Decimal  #: quantity x unit price
    discount: Decimal  #: what the percentage took off
    bonus: Decimal  #: the part of the bonus applied (never more than what was left)
    total: Decimal


def line_total(quantity: int, unit_price: Any, discount_pct: Any, bonus: Any) -> LineTotal:
    gross = money(Decimal(quantity) * money(unit_price))
    pct = discount_pct if type(discount_pct) is Decimal else Decimal(str(discount_pct or 0))
    discount = money(gross * pct / HUNDRED)
    after = gross - discount
    applied = min(money(bonus), after) if after > 0 else ZERO
    return LineTotal(gross, discount, applied, money(after - applied))


def order_totals(lines: Iterable[Mapping[str, Any]]) -> dict[str, Decimal]:
    """``subtotal``, ``discount_total``, ``bonus_total``, ``total`` and ``max_discount_pct`` of the lines."""
    sums = {"subtotal": ZERO, "discount_total": ZERO, "bonus_total": ZERO, "total": ZERO}
    top = Decimal("0")
    for line in lines:
        t = line_total(int(line["quantity"]), line["unit_price"], line["discount_pct"], line["bonus"])
        sums["subtotal"] += t.gross
        sums["discount_total"] += t.discount
        sums["bonus_total"] += t.bonus
        sums["total"] += t.total
        top = max(top, Decimal(str(line["discount_pct"] or 0)))
    return {**sums, "max_discount_pct": top}
