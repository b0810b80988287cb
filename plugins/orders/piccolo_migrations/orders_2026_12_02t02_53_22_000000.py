"""Indexes and uniqueness of orders, their lines, payments, inquiries and calls.

Numbers are unique per dealer (the numbering relies on it). Every list and
search is dealer-scoped and served by one of these: keyset pages by creation
time (all, per status, per manager), prefix ranges on the folded name,
e-mail, waybill and on the reversed phone digits, and the per-customer and
per-order lookups of the customer card, the order card and the inquiry card.
"""

from forecourt import sql_migration

ID = "2026-12-02T02:53:22:000000"
VERSION = "1.38.0"
DESCRIPTION = "Indexes for orders, payments, inquiries and calls"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS orders_order_number ON orders_order (dealer_id, number)",
    "CREATE INDEX IF NOT EXISTS orders_order_created ON orders_order (dealer_id, created_at, id)",
    "CREATE INDEX IF NOT EXISTS orders_order_status ON orders_order (dealer_id, status, created_at, id)",
    "CREATE INDEX IF NOT EXISTS orders_order_manager ON orders_order (dealer_id, manager_id, created_at, id)",
    "CREATE INDEX IF NOT EXISTS orders_order_customer ON orders_order (dealer_id, customer_id, created_at)",
    "CREATE INDEX IF NOT EXISTS orders_order_inquiry ON orders_order (dealer_id, inquiry_id)",
    "CREATE INDEX IF NOT EXISTS orders_order_name ON orders_order (dealer_id, name_key)",
    "CREATE INDEX IF NOT EXISTS orders_order_email ON orders_order (dealer_id, email_key)",
    "CREATE INDEX IF NOT EXISTS orders_order_phone ON orders_order (dealer_id, phone_rev)",
    "CREATE INDEX IF NOT EXISTS orders_order_waybill ON orders_order (dealer_id, waybill_key)",
    "CREATE INDEX IF NOT EXISTS orders_order_line_order ON orders_order_line (dealer_id, order_id, position)",
    "CREATE INDEX IF NOT EXISTS orders_payment_order ON orders_payment (dealer_id, order_id)",
    "CREATE INDEX IF NOT EXISTS orders_payment_paid ON orders_payment (dealer_id, status, paid_at)",
    "CREATE UNIQUE INDEX IF NOT EXISTS orders_inquiry_number ON orders_inquiry (dealer_id, number)",
    "CREATE INDEX IF NOT EXISTS orders_inquiry_created ON orders_inquiry (dealer_id, created_at, id)",
    "CREATE INDEX IF NOT EXISTS orders_inquiry_status ON orders_inquiry (dealer_id, status, created_at, id)",
    "CREATE INDEX IF NOT EXISTS orders_inquiry_phone ON orders_inquiry (dealer_id, phone_rev)",
    "CREATE INDEX IF NOT EXISTS orders_inquiry_customer ON orders_inquiry (dealer_id, customer_id)",
    "CREATE INDEX IF NOT EXISTS orders_call_inquiry ON orders_call (dealer_id, inquiry_id, called_at)",
]


async def forwards():
    return sql_migration(ID, "orders", DESCRIPTION, STATEMENTS)
