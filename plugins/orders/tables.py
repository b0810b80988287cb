"""The orders plugin's tables (catalogue and stock); every row belongs to a dealer.

Search keys are derived on every write (:mod:`plugins.orders.search`):
``sku_key`` and ``name_key`` are folded, ``vin`` is kept upper-case, so a
search is a prefix range on an index. The stock row of a product in a
warehouse holds ``on_hand`` and ``reserved``; its writes are single atomic
``UPDATE … WHERE`` statements (:mod:`plugins.orders.services`), so the
available quantity never goes below zero.
"""

from decimal import Decimal

from piccolo.columns import BigInt, Boolean, Integer, Numeric, Timestamptz, Varchar
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
