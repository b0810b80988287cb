"""The orders plugin's tables: catalogue and stock, orders and their lines, payments, inquiries and calls.

Every row belongs to a dealer. Status columns are driven by the machines of
:mod:`plugins.orders.machines`; the ``*_at`` columns those machines stamp are
written once, by the core's workflow engine, and by nothing else.

Search keys are derived on every write (:mod:`plugins.orders.search.products`):
``sku_key`` and ``name_key`` are folded, ``vin`` is kept upper-case, so a
search is a prefix range on an index. The stock row of a product in a
warehouse holds ``on_hand`` and ``reserved``; its writes are single atomic
``UPDATE … WHERE`` statements (:mod:`plugins.orders.services`), so the
available quantity never goes below zero.
"""

from decimal import Decimal

from piccolo.columns import BigInt, Boolean, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.table import Table

from forecourt import DealerScoped


class Product(DealerScoped, Table, tablename="orders_product"):
    sku = Varchar(length=40)
    sku_key = Varchar(length=40)
    name = Varchar(length=200)
    name_key = Varchar(length=200)
    kind = Varchar(length=20, default="vehicle")
    base_price = Numeric(digits=(12, 2), default=Decimal("0"))
    currency = Varchar(length=3, default="")
    unit = Varchar(length=20, default="")
    active = Boolean(default=True)
    vin = Varchar(length=17, default="")
    model = Varchar(length=100, default="")
    trim = Varchar(length=100, default="")
    fuel = Varchar(length=20, default="")
    colour = Varchar(length=100, default="")
    year = Integer(null=True, default=None)
    mileage = Integer(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Warehouse(DealerScoped, Table, tablename="orders_warehouse"):
    name = Varchar(length=100)
    address = Varchar(length=300, default="")
    created_at = Timestamptz()


class Stock(DealerScoped, Table, tablename="orders_stock"):
    """One product in one warehouse (unique per dealer, product and warehouse)."""

    product_id = BigInt()
    warehouse_id = BigInt()
    on_hand = Integer(default=0)
    reserved = Integer(default=0)


# --- orders -------------------------------------------------------------------------------------------


def _stamp() -> Timestamptz:
    return Timestamptz(null=True, default=None)


class Order(DealerScoped, Table, tablename="orders_order"):
    """An order: the five zones of the form (inquiry, customer, items, order, history).

    ``number`` is unique per dealer and has no gaps. The contact fields are
    the order's own copy (kept when there is no customers module, and what
    the list searches: ``name_key``/``email_key`` folded, ``name_key2`` the
    folded name's words in reverse order, ``phone_rev`` the phone's digits
    reversed, ``waybill_key`` the waybill folded without spaces; all derived by
    :func:`plugins.orders.search.orders.keys`). ``total`` = ``subtotal`` - ``discount_total``
    - ``bonus_total``, computed on the server in Decimal from the lines.
    ``stock_state`` is what the order holds of the stock: ``""`` nothing,
    ``"reserved"`` or ``"written_off"`` (moved only with the status).
    ``approval``: ``""`` not needed, ``"pending"``, ``"approved"``,
    ``"completed"``.
    """

    number = Integer()
    status = Varchar(length=30, default="new")
    source = Varchar(length=20, default="form")  #: form, inquiry, quicklink, api
    manager_id = BigInt(null=True, default=None)
    inquiry_id = BigInt(null=True, default=None)
    customer_id = BigInt(null=True, default=None)
    contact_name = Varchar(length=200, default="")
    contact_phone = Varchar(length=40, default="")
    contact_email = Varchar(length=254, default="")
    address = Varchar(length=300, default="")
    name_key = Varchar(length=200, default="")
    name_key2 = Varchar(length=200, default="")  #: the folded name's words reversed ("novák jan")
    email_key = Varchar(length=254, default="")
    phone_rev = Varchar(length=20, default="")
    language = Varchar(length=8, default="")  #: the customer's language (documents, messages)
    payment_method = Varchar(length=20, default="")  #: cash, card, bank_transfer, online
    delivery_method = Varchar(length=20, default="")  #: pickup, courier, transport
    warehouse_id = BigInt(null=True, default=None)
    waybill = Varchar(length=60, default="")
    waybill_key = Varchar(length=60, default="")
    currency = Varchar(length=3, default="")
    subtotal = Numeric(digits=(14, 2), default=Decimal("0"))
    discount_total = Numeric(digits=(14, 2), default=Decimal("0"))
    bonus_total = Numeric(digits=(14, 2), default=Decimal("0"))
    total = Numeric(digits=(14, 2), default=Decimal("0"))
    max_discount_pct = Numeric(digits=(5, 2), default=Decimal("0"))
    stock_state = Varchar(length=20, default="")
    approval = Varchar(length=20, default="")
    approved_by = BigInt(null=True, default=None)
    approved_at = Timestamptz(null=True, default=None)
    legal_name = Varchar(length=200, default="")
    legal_tax_id = Varchar(length=20, default="")
    legal_address = Varchar(length=300, default="")
    legal_bank = Varchar(length=200, default="")
    legal_account = Varchar(length=40, default="")
    note = Text(default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()
    # the dates the statuses stamp (manual 002), never edited
    reserved_at = _stamp()
    written_off_at = _stamp()
    production_at = _stamp()
    shipped_at = _stamp()
    prepaid_at = _stamp()
    held_at = _stamp()  #: "hold / handed over"
    markup_at = _stamp()
    arrived_at = _stamp()
    returned_at = _stamp()
    reserve_released_at = _stamp()
    hold_released_at = _stamp()
    markup_returned_at = _stamp()
    handed_over_at = _stamp()


class OrderLine(DealerScoped, Table, tablename="orders_order_line"):
    """One item of an order: the product's SKU, name and price copied when added (the catalogue may change)."""

    order_id = BigInt()
    position = Integer(default=0)
    product_id = BigInt(null=True, default=None)
    sku = Varchar(length=40, default="")
    name = Varchar(length=200, default="")
    quantity = Integer(default=1)
    unit_price = Numeric(digits=(12, 2), default=Decimal("0"))
    discount_pct = Numeric(digits=(5, 2), default=Decimal("0"))
    bonus = Numeric(digits=(12, 2), default=Decimal("0"))
    line_total = Numeric(digits=(14, 2), default=Decimal("0"))


class Payment(DealerScoped, Table, tablename="orders_payment"):
    """One payment of an order, with its own machine (not paid, hold, money received, refunded)."""

    order_id = BigInt()
    status = Varchar(length=20, default="not_paid")
    method = Varchar(length=20, default="cash")  #: cash, card, bank_transfer, online
    amount = Numeric(digits=(14, 2), default=Decimal("0"))
    currency = Varchar(length=3, default="")
    note = Varchar(length=300, default="")
    created_at = Timestamptz()
    created_by = BigInt(null=True, default=None)
    # the dates the payment statuses stamp (manual 002)
    hold_at = _stamp()
    held_at = _stamp()  #: "hold / handed over"
    markup_at = _stamp()
    paid_at = _stamp()
    prepaid_at = _stamp()
    hold_released_at = _stamp()
    refunded_at = _stamp()
    prepaid_released_at = _stamp()
    markup_returned_at = _stamp()


# --- inquiries ----------------------------------------------------------------------------------------


class Inquiry(DealerScoped, Table, tablename="orders_inquiry"):
    """A call or a request that may become an order; ``merged_into_id`` set when it was a duplicate."""

    number = Integer()
    status = Varchar(length=30, default="new")
    source = Varchar(length=20, default="call")  #: call, manual
    phone = Varchar(length=40, default="")
    phone_rev = Varchar(length=20, default="")
    line = Varchar(length=60, default="")
    contact_name = Varchar(length=200, default="")
    customer_id = BigInt(null=True, default=None)
    manager_id = BigInt(null=True, default=None)
    order_id = BigInt(null=True, default=None)
    merged_into_id = BigInt(null=True, default=None)
    note = Text(default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Call(DealerScoped, Table, tablename="orders_call"):
    """One incoming call as the telephony reported it; belongs to an inquiry (moves with a merge)."""

    inquiry_id = BigInt()
    phone = Varchar(length=40, default="")
    phone_rev = Varchar(length=20, default="")
    line = Varchar(length=60, default="")
    called_at = Timestamptz()
    key_id = BigInt(null=True, default=None)
    external_id = Varchar(length=100, default="")
    created_at = Timestamptz()


# --- settings -----------------------------------------------------------------------------------------


class OrderSetting(DealerScoped, Table, tablename="orders_setting"):
    """A dealer's order settings: one row per dealer (unique), made when first saved (absent: the defaults).

    An order whose total is above ``approval_amount``, or with a line's
    discount above ``approval_discount_pct``, waits for a dealer admin's
    approval before it can be confirmed (``None``: no such limit).
    """

    approval_amount = Numeric(digits=(14, 2), null=True, default=None)
    approval_discount_pct = Numeric(digits=(5, 2), null=True, default=None)


# --- catalogue import ---------------------------------------------------------------------------------


class CatalogueImport(DealerScoped, Table, tablename="orders_import"):
    """An uploaded catalogue file between its preview and its confirmation (:mod:`plugins.orders.imports`).

    ``token`` is random (unique), the only way to the upload; ``rows`` is the
    parsed file as JSON (``{"columns": [...], "rows": [{"line": n, "cells":
    {...}}]}``), cells as the text that was in the file. Nothing of it is in
    the catalogue until the confirmation, which claims the row by setting
    ``used_at`` (one ``UPDATE … WHERE used_at IS NULL``, in the import's
    transaction): a second confirmation finds it used. Expired rows are
    deleted when the dealer uploads again.
    """

    token = Varchar(length=64, unique=True)
    user_id = BigInt()
    filename = Varchar(length=200, default="")
    rows = Text(default="")
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
