"""The customer's personal price of a product: converted into their currency, then their discount.

Guarantees:

* the unit price is ``money(base_price x rate)`` — the dealer's own rate
  from the product's currency (``""`` = the dealer's) into the customer's,
  rounded to the cent once; with no such rate the product stays in its own
  currency (shown so, never silently wrong);
* the personal price and every line total come from the orders plugin's
  :func:`~plugins.orders.sales.totals.line_total` with the customer's
  discount %, the same function the order uses, so the cart, the checkout
  and the order agree to the cent;
* nothing here reads a price from the browser: only the catalogue row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from plugins.orders.sales.totals import line_total, money


@dataclass(frozen=True)
class Terms:
    """What prices a customer: their currency, discount %, the dealer's currency and rates."""

    currency: str  #: the customer's currency (else the dealer's)
    discount_pct: Decimal
    dealer_currency: str
    rates: Mapping[tuple[str, str], Decimal]


class Price(NamedTuple):
    """A product's price for this customer (a named tuple: a catalogue page makes 50, a frozen dataclass costs
    3x)."""

    unit: Decimal  #: the unit price in ``currency`` before the discount: the order line's unit price
    discount_pct: Decimal
    personal: Decimal  #: one unit after the discount
    currency: str
    base: Decimal  #: the catalogue's price, in ``base_currency``
    base_currency: str

    @property
    def discounted(self) -> bool:
        return self.personal < self.unit


def terms(customer: Mapping[str, Any], dealer_currency: str, rates: Mapping[tuple[str, str], Decimal]) -> Terms:
    """The customer's pricing terms (a missing discount is 0 %, a missing currency the dealer's)."""
    pct = Decimal(str(customer.get("discount_pct") or 0))
    pct = min(max(pct, Decimal(0)), Decimal(100))
    dealer = (dealer_currency or "EUR").upper()
    return Terms((customer.get("currency") or dealer).upper(), pct, dealer, rates)


def price(product: Mapping[str, Any], t: Terms) -> Price:
    """The product's personal price under ``t``."""
    source = (product.get("currency") or t.dealer_currency).upper()
    base = money(product["base_price"])
    if source == t.currency:
        unit, currency = base, source
    elif (rate := t.rates.get((source, t.currency))) is not None:
        unit, currency = money(base * rate), t.currency
    else:
        unit, currency = base, source
    personal = line_total(1, unit, t.discount_pct, 0).total
    return Price(unit, t.discount_pct, personal, currency, base, source)


def line(quantity: int, p: Price) -> Decimal:
    """The total of ``quantity`` units, exactly as the order's line will store it."""
    return line_total(quantity, p.unit, p.discount_pct, 0).total
