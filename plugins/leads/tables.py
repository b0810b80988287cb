"""The leads plugin's table; every row belongs to a dealer.

``name_key`` ("surname first name", folded), ``email_key`` and ``phone_rev``
(digits reversed) are derived on every write so that searches are index
ranges whatever the case, accents or phone formatting.
"""

from piccolo.columns import BigInt, Boolean, Date, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.table import Table

from forecourt import DealerScoped


class Lead(DealerScoped, Table, tablename="leads_lead"):
    surname = Varchar(length=100)
    first_name = Varchar(length=100, default="")
    email = Varchar(length=254, default="")
    phone = Varchar(length=32, default="")
    city = Varchar(length=100, default="")
    model = Varchar(length=100)  #: subject of interest
    version = Varchar(length=100, default="")
    trim = Varchar(length=100, default="")
    price = Numeric(digits=(12, 2), null=True, default=None)
    source = Varchar(length=30)
    request_type = Varchar(length=30)
    status = Varchar(length=20, default="new")
    assignee_id = Integer(null=True, default=None)
    assignee_name = Varchar(length=200, default="")
    created_by = Integer(null=True, default=None)
    customer_id = BigInt(null=True, default=None)
    contacted_at = Timestamptz(null=True, default=None)
    contract_signed_at = Timestamptz(null=True, default=None)
    #: when the dealer was told that nobody had reached this new lead in time (once per lead)
    escalated_at = Timestamptz(null=True, default=None)
    postponed_until = Date(null=True, default=None)
    note = Text(default="")
    client_ip = Varchar(length=64, default="")  #: who sent a public pre-order (flood control)
    #: the sending system's own id of a lead that came through the intake API (a retry finds it)
    external_ref = Varchar(length=100, default="")
    #: the stock filter of a watched lead (manual 001, "Hlídat lead"): empty fields match anything
    watch_model = Varchar(length=100, default="")
    watch_trim = Varchar(length=100, default="")
    watch_fuel = Varchar(length=30, default="")
    watch_colour = Varchar(length=50, default="")
    watch_max_price = Varchar(length=20, default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()
    name_key = Varchar(length=200)
    email_key = Varchar(length=254, default="")
    phone_rev = Varchar(length=20, default="")


class Setting(DealerScoped, Table, tablename="leads_setting"):
    """A dealer's leads settings: one row per dealer, made when first saved (absent: the defaults)."""

    #: web pre-orders are assigned to the dealer's managers in turn instead of arriving unassigned
    round_robin = Boolean(default=False)
    #: the manager who got the last one
    last_assignee_id = Integer(null=True, default=None)


class IntakeKey(DealerScoped, Table, tablename="leads_intake_key"):
    """Legacy: the intake keys before the core kept API keys (``core_api_key``, purpose ``"leads.intake"``).

    A migration copied every row there with its id; nothing reads or writes
    this table any more (it is kept: no data is dropped).
    """

    name = Varchar(length=100)  #: who uses it, as the dealer calls them ("AutoScout24")
    token_hash = Varchar(length=64, unique=True)
    prefix = Varchar(length=12)  #: the key's first characters, to recognise it in the list
    created_at = Timestamptz()
    created_by = Integer(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    #: requests the sender may make with it in a minute (429 with Retry-After beyond that)
    per_minute = Integer(default=60)


class IntakeLead(DealerScoped, Table, tablename="leads_intake_lead"):
    """What a sender sent for one lead through the intake API: its reference, the document, what was relaxed.

    ``(dealer_id, key_id, id_source, external_id)`` is unique (a migration's
    index): the claim of a reference is one ``INSERT … ON CONFLICT DO
    NOTHING``, so parallel posts of one document make one lead, and a
    reference is never matched across senders. A lead sent without a
    reference has ``external_id`` NULL (NULLs never collide).
    """

    key_id = Integer()  #: the :class:`IntakeKey` it came with
    id_source = Varchar(length=100, default="")  #: ADF ``<id source="…">``: whose id it is
    external_id = Varchar(length=100, null=True, default=None)  #: the sender's id of the lead
    lead_id = Integer(null=True, default=None)  #: set in the claim's own transaction
    format = Varchar(length=10, default="json")  #: "json" or "adf"
    document = Text(default="")  #: the lead as sent (the ADF ``<prospect>``, the JSON object), latest send
    details = Text(default="{}")  #: JSON: what the lead has no column for (address, VIN, trade-in, provider…)
    notes = Text(default="[]")  #: JSON: messages on what was kept as sent or left out
    received_at = Timestamptz()
    updated_at = Timestamptz()
