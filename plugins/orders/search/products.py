"""Search keys of a product, derived on every write, and what a catalogue search term matches.

Every lookup is a prefix range on an indexed, normalised column
(:func:`forecourt.prefix`): the folded SKU, the folded name, the VIN.
"""

from __future__ import annotations

from typing import Any

from forecourt import fold, prefix, prefix_sql
from plugins.orders.tables import Product


def keys(values: dict[str, Any]) -> dict[str, str]:
    """The search columns of a product's values."""
    return {"sku_key": fold(values["sku"]), "name_key": fold(values["name"])}


def term_condition(q: str) -> Any:
    """A product whose SKU or name starts with the (folded) term, or whose VIN starts with it."""
    key = fold(q)
    condition = prefix(Product.sku_key, key) | prefix(Product.name_key, key)
    vin = q.replace(" ", "").upper()
    if len(vin) >= 3:
        condition = condition | prefix(Product.vin, vin)
    return condition


def term_sql(q: str) -> tuple[str, tuple[str, ...]]:
    """:func:`term_condition` as hand-written SQL (``{}`` placeholders) and its parameters."""
    key = fold(q)
    parts = [prefix_sql("sku_key", key), prefix_sql("name_key", key)]
    vin = q.replace(" ", "").upper()
    if len(vin) >= 3:
        parts.append(prefix_sql("vin", vin))
    return "(" + " OR ".join(f"({sql})" for sql, _ in parts) + ")", tuple(v for _, args in parts for v in args)
