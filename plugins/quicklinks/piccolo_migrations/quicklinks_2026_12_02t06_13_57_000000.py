"""The uniqueness quick links rely on, and the indexes their pages read by.

- a token hash opens at most one link (install-wide: the token names the dealer);
- a customer has at most one live link (generating again revokes the old one first);
- one cart row per link and product (``INSERT … ON CONFLICT`` adds to it);
- one checkout per link and cart version: a double-submitted checkout is one order;
- one brand row per dealer, one rate per dealer and currency pair.
A migration of its own, because Piccolo runs raw steps before a migration's ``add_table`` steps.
"""

from forecourt import sql_migration

ID = "2026-12-02T06:13:57:000000"
VERSION = "1.38.0"
DESCRIPTION = "Quick links: uniqueness and indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS quicklinks_link_token ON quicklinks_link (token_hash)",
    "CREATE UNIQUE INDEX IF NOT EXISTS quicklinks_link_live ON quicklinks_link (dealer_id, customer_id) "
    "WHERE revoked_at IS NULL",
    "CREATE INDEX IF NOT EXISTS quicklinks_link_customer ON quicklinks_link (dealer_id, customer_id, id)",
    "CREATE INDEX IF NOT EXISTS quicklinks_use_link ON quicklinks_use (dealer_id, link_id, at)",
    "CREATE UNIQUE INDEX IF NOT EXISTS quicklinks_cart_place ON quicklinks_cart_item (dealer_id, link_id, product_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS quicklinks_checkout_once ON quicklinks_checkout (dealer_id, link_id, cart_version)",
    "CREATE UNIQUE INDEX IF NOT EXISTS quicklinks_brand_dealer ON quicklinks_brand (dealer_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS quicklinks_rate_pair ON quicklinks_rate (dealer_id, source, target)",
]


async def forwards():
    return sql_migration(ID, "quicklinks", DESCRIPTION, STATEMENTS)
