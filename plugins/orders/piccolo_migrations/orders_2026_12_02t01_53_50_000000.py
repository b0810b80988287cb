"""Indexes for the catalogue list and search, and the uniqueness the stock and the SKUs rely on.

Every list and search query is dealer-scoped and served by one of these:
keyset pages on (dealer, active, name/SKU/created_at), prefix ranges on the
folded SKU and name and on the VIN. The SKU is unique per dealer, and a
product has one stock row per warehouse (the stock writes' ``INSERT … ON
CONFLICT DO NOTHING`` needs that index). A migration of its own, because
Piccolo runs raw steps before a migration's ``add_table`` steps.
"""

from forecourt import sql_migration

ID = "2026-12-02T01:53:50:000000"
VERSION = "1.38.0"
DESCRIPTION = "Indexes for the catalogue and the stock"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS orders_product_sku ON orders_product (dealer_id, sku_key)",
    "CREATE INDEX IF NOT EXISTS orders_product_name ON orders_product (dealer_id, active, name_key, id)",
    "CREATE INDEX IF NOT EXISTS orders_product_sku_list ON orders_product (dealer_id, active, sku_key, id)",
    "CREATE INDEX IF NOT EXISTS orders_product_created ON orders_product (dealer_id, active, created_at, id)",
    "CREATE INDEX IF NOT EXISTS orders_product_name_search ON orders_product (dealer_id, name_key)",
    "CREATE INDEX IF NOT EXISTS orders_product_vin ON orders_product (dealer_id, vin)",
    "CREATE UNIQUE INDEX IF NOT EXISTS orders_stock_place ON orders_stock (dealer_id, product_id, warehouse_id)",
]


async def forwards():
    return sql_migration(ID, "orders", DESCRIPTION, STATEMENTS)
