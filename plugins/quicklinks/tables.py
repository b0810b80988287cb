"""The quick links plugin's tables: the links, their uses, the carts, the checkouts, the dealer's branding and rates.

Every row belongs to a dealer. A link's token is never stored: only its
SHA-256 (``token_hash``, unique), so a copy of the database opens no
catalogue. A customer has at most one live link (``revoked_at IS NULL``,
a partial unique index): generating again revokes the old one in the same
transaction. The cart belongs to the link; ``cart_version`` on the link
counts its changes, and a checkout is unique per (link, cart version), which
is what makes a double-submitted checkout one order.
"""

from decimal import Decimal

from piccolo.columns import BigInt, Bytea, Integer, Numeric, Timestamptz, Varchar
from piccolo.table import Table

from forecourt import DealerScoped


class Link(DealerScoped, Table, tablename="quicklinks_link"):
    """A customer's magic link. Live while ``revoked_at`` is empty and ``expires_at`` (if set) is ahead."""

    customer_id = BigInt()
    token_hash = Varchar(length=64)  #: hex SHA-256 of the token; the token itself is shown once, never stored
    created_by = BigInt(null=True, default=None)
    created_at = Timestamptz()
    expires_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    #: why it stopped: "revoked" (by hand), "regenerated", "deleted" (the customer)
    revoked_reason = Varchar(length=20, default="")
    revoked_by = BigInt(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)
    cart_version = Integer(default=0)  #: bumped by every cart change and by each checkout


class Use(DealerScoped, Table, tablename="quicklinks_use"):
    """One use of a link, for the manager: what (``open``, ``cart``, ``order``), when, a coarse client hint."""

    link_id = BigInt()
    kind = Varchar(length=10)
    at = Timestamptz()
    client = Varchar(length=60, default="")  #: e.g. "Chrome · Android" — never the address or the token
    order_id = BigInt(null=True, default=None)


class CartItem(DealerScoped, Table, tablename="quicklinks_cart_item"):
    """One product in a link's cart (unique per link and product); prices are never stored here."""

    link_id = BigInt()
    product_id = BigInt()
    quantity = Integer(default=1)
    added_at = Timestamptz()


class Checkout(DealerScoped, Table, tablename="quicklinks_checkout"):
    """A checkout of one cart version of a link: unique per (link, cart_version); points at the order made."""

    link_id = BigInt()
    cart_version = Integer()
    order_id = BigInt(null=True, default=None)
    order_number = Integer(null=True, default=None)
    created_at = Timestamptz()


class Brand(DealerScoped, Table, tablename="quicklinks_brand"):
    """How the dealer's customer pages look (one row per dealer): name, colours, logo."""

    title = Varchar(length=100, default="")  #: shown instead of the dealer's name when set
    colour = Varchar(length=7, default="")  #: "#rrggbb": header and buttons
    accent = Varchar(length=7, default="")  #: "#rrggbb": prices and links
    logo = Bytea(null=True, default=None)  #: PNG, JPEG or WebP, checked by its bytes, at most 200 KB
    logo_type = Varchar(length=20, default="")
    updated_at = Timestamptz(null=True, default=None)


class Rate(DealerScoped, Table, tablename="quicklinks_rate"):
    """The dealer's exchange rate: 1 unit of ``source`` = ``rate`` units of ``target`` (unique per pair)."""

    source = Varchar(length=3)
    target = Varchar(length=3)
    rate = Numeric(digits=(18, 6), default=Decimal("1"))
    updated_at = Timestamptz()
