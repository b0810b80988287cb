from piccolo.columns import BigInt, Date, Text, Timestamptz, Varchar
from piccolo.table import Table

from forecourt import DealerScoped


class Deal(DealerScoped, Table, tablename="deals_deal"):
    title = Varchar(length=200)
    amount = Varchar(length=20, default="")
    status = Varchar(length=20, default="new")
    created_at = Timestamptz()
    contacted_at = Timestamptz(null=True, default=None)
    signed_at = Timestamptz(null=True, default=None)
    postponed_until = Date(null=True, default=None)
    customer_id = BigInt(null=True, default=None)  #: a customer of the customers plugin, if any


class Heard(DealerScoped, Table, tablename="deals_heard"):
    """What this plugin heard through hooks, so tests can see it."""

    hook = Varchar(length=100)
    detail = Text(default="")
    at = Timestamptz()
