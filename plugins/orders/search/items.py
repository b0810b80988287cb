"""What the order form's item search finds: the dealer's active products by SKU, name or VIN (index ranges)."""

from __future__ import annotations

from typing import Any

from forecourt import search_text
from plugins.orders.search.products import term_condition
from plugins.orders.tables import Product


async def find_products(dealer_id: int, q: str, limit: int = 10) -> list[dict[str, Any]]:
    """Up to ``limit`` active products whose SKU, name or VIN starts with the term, by name."""
    term = search_text(q, 100).strip()
    if not term:
        return []
    return await Product.scoped(dealer_id).select(
        Product.id, Product.sku, Product.name, Product.kind, Product.base_price, Product.currency).where(
        (Product.active == True) & term_condition(term)).order_by(Product.name_key).limit(limit)  # noqa: E712
