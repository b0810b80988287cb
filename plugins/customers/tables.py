"""The customers plugin's tables; every row belongs to a dealer.

Search columns are derived on every write (see :mod:`plugins.customers.search`):
``name_key``/``name_key2`` (case-folded name, and its words in reverse order,
so "novák" finds "Jan Novák"), ``email_key`` and ``phone_rev`` (the phone's
digits reversed, so a fragment of the end of a number is an index range).
"""

from piccolo.columns import (
    BigInt,
    Boolean,
    Date,
    Integer,
    Numeric,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from forecourt import DealerScoped


class Customer(DealerScoped, Table, tablename="customers_customer"):
    number = Integer()
    name = Varchar(length=200)
    tax_id = Varchar(length=20, default="")
    contact_person = Varchar(length=200, default="")
    email = Varchar(length=254, default="")
    phone = Varchar(length=32)
    address = Varchar(length=300, default="")
    city = Varchar(length=100, default="")
    region = Varchar(length=100, default="")
    status = Varchar(length=20, default="potential")
    temperature = Varchar(length=20, default="warm")
    discount_pct = Numeric(digits=(5, 2), null=True, default=None)
    currency = Varchar(length=3, default="")
    language = Varchar(length=8, default="")
    gender = Varchar(length=10, default="")
    birth_date = Date(null=True, default=None)
    intended_model = Varchar(length=100, default="")
    budget_min = Integer(null=True, default=None)
    budget_max = Integer(null=True, default=None)
    purchase_priority = Varchar(length=20, default="")
    occupation = Varchar(length=100, default="")
    source = Varchar(length=50)
    owner_id = Integer(null=True, default=None)
    next_followup_at = Timestamptz(null=True, default=None)
    blacklisted = Boolean(default=False)
    blacklist_reason = Text(default="")
    invalid = Boolean(default=False)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    name_key = Varchar(length=200)
    name_key2 = Varchar(length=200)
    email_key = Varchar(length=254, default="")
    phone_rev = Varchar(length=20, default="")


class Note(DealerScoped, Table, tablename="customers_note"):
    customer_id = BigInt()
    text = Text()
    priority = Integer(default=0)  # 2 high (red), 1 medium (yellow), 0 none
    author = Varchar(length=200, default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()


class FollowUp(DealerScoped, Table, tablename="customers_followup"):
    customer_id = BigInt()
    method = Varchar(length=20)
    content = Text()
    at = Timestamptz()
    next_at = Timestamptz(null=True, default=None)
    plan = Text(default="")
    author_id = Integer(null=True, default=None)
    author = Varchar(length=200, default="")


class Counter(DealerScoped, Table, tablename="customers_counter"):
    """The last customer number given out, per dealer (numbers never repeat)."""

    last = Integer(default=0)
