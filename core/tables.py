"""The core's own tables (Piccolo app ``core``); every name starts with ``core_``."""

from __future__ import annotations

from piccolo.columns import (
    BigInt,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class Dealer(Table, tablename="core_dealer"):
    """A tenant. ``modules`` is the comma-separated set of enabled plugins.

    Kept on the dealer row (not a join table) because every request needs it
    and reads it in the same query that loads the session.
    """

    name = Varchar(length=200)
    slug = Varchar(length=64, unique=True)
    city = Varchar(length=100, default="")
    language = Varchar(length=8, default="en")
    #: IANA time zone: what its staff see and type is in this zone (stored times stay UTC)
    timezone = Varchar(length=64, default="UTC")
    #: ISO 4217 code: every amount of this dealer is shown in it
    currency = Varchar(length=3, default="EUR")
    modules = Text(default="")
    active = Boolean(default=True)
    created_at = Timestamptz()


class User(Table, tablename="core_user"):
    """A person who logs in. Platform admins may belong to no dealer."""

    dealer_id = ForeignKey(references=Dealer, null=True, on_delete=OnDelete.restrict)
    login = Varchar(length=100, unique=True)
    email = Varchar(length=254, null=True, default=None, unique=True)
    full_name = Varchar(length=200, default="")
    password_hash = Varchar(length=255)
    role = Varchar(length=32)
    language = Varchar(length=8, default="")
    must_change_password = Boolean(default=True)
    active = Boolean(default=True)
    created_at = Timestamptz()
    last_login_at = Timestamptz(null=True, default=None)


class Session(Table, tablename="core_session"):
    """A login session. The cookie holds a random token; only its hash is stored."""

    token_hash = Varchar(length=64, unique=True)
    user_id = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    dealer_id = ForeignKey(references=Dealer, null=True, on_delete=OnDelete.set_null)
    data = Text(default="{}")
    created_at = Timestamptz()
    expires_at = Timestamptz(index=True)


class LoginFailure(Table, tablename="core_login_failure"):
    """One failed login; recent rows per login name drive throttling."""

    login = Varchar(length=254, index=True)
    remote = Varchar(length=64, default="")
    at = Timestamptz(index=True)


class RateBucket(Table, tablename="core_rate_bucket"):
    """Hits of one limited thing in its current window (see :mod:`core.ratelimit`)."""

    bucket = Varchar(length=300, unique=True)
    window_start = Timestamptz(index=True)
    hits = Integer(default=0)


class HookFailure(Table, tablename="core_hook_failure"):
    """A notification hook implementation that raised or timed out.

    Shown to platform admins; never linked by foreign key so that recording a
    failure can never itself fail on a deleted row.
    """

    at = Timestamptz(index=True)
    plugin = Varchar(length=100)
    hook = Varchar(length=100)
    dealer_id = Integer(null=True, default=None)
    error = Text()
    details = Text(default="")


class ModuleChange(Table, tablename="core_module_change"):
    """Audit of the module switchboard: who enabled or disabled what, when."""

    dealer_id = ForeignKey(references=Dealer, on_delete=OnDelete.cascade, index=True)
    plugin = Varchar(length=100)
    enabled = Boolean()
    user_id = Integer(null=True, default=None)
    at = Timestamptz()


class History(Table, tablename="core_history"):
    """Append-only history of any entity: the core writes rows and never changes them.

    ``kind``: ``transition``, ``change`` (before/after in ``payload``),
    ``comment``, ``comment_edit``, ``contact`` or ``event``. ``user_name`` is a
    snapshot, so the history reads the same after a user is renamed.
    """

    dealer_id = ForeignKey(references=Dealer, on_delete=OnDelete.restrict)
    entity = Varchar(length=100)
    entity_id = BigInt()
    at = Timestamptz()
    user_id = Integer(null=True, default=None)
    user_name = Varchar(length=200, default="")
    kind = Varchar(length=32)
    #: the title in English (the fallback, readable in any tool) ...
    summary = Text(default="")
    #: ... and, for a text the system wrote, the message (id + parameters, JSON) shown in the reader's language
    message = Text(default="")
    payload = Text(default="{}")


class Comment(Table, tablename="core_comment"):
    """A comment on an entity, or the note given with a transition; edits are kept in the history."""

    dealer_id = ForeignKey(references=Dealer, on_delete=OnDelete.restrict)
    entity = Varchar(length=100)
    entity_id = BigInt()
    user_id = Integer(null=True, default=None)
    user_name = Varchar(length=200, default="")
    text = Text()
    created_at = Timestamptz()
    edited_at = Timestamptz(null=True, default=None)
    #: ``"<machine>.<transition>"`` when the comment is the note of a transition (shown with it), else empty
    topic = Varchar(length=200, default="")


class Reason(Table, tablename="core_reason"):
    """One entry of a dealer's reason list (e.g. refusal reasons of a transition input)."""

    dealer_id = ForeignKey(references=Dealer, on_delete=OnDelete.cascade)
    list_key = Varchar(length=200)
    label = Varchar(length=200)
    position = Integer(default=0)
    active = Boolean(default=True)
    #: choosing this reason also asks for the transition's detail input (e.g. "bought another car" -> which model)
    needs_detail = Boolean(default=False)


class Reminder(Table, tablename="core_reminder"):
    """Something to do at ``due_at``: for one user, or for the dealer's queue (``user_id`` null)."""

    dealer_id = ForeignKey(references=Dealer, on_delete=OnDelete.cascade)
    user_id = Integer(null=True, default=None)
    due_at = Timestamptz()
    text = Text()
    #: a system-written reminder's message (id + parameters, JSON); ``text`` is then its English form
    message = Text(default="")
    entity = Varchar(length=100, default="")
    entity_id = BigInt(null=True, default=None)
    url = Varchar(length=500, default="")
    source = Varchar(length=100, default="")
    created_at = Timestamptz()
    done_at = Timestamptz(null=True, default=None)
    done_by = Integer(null=True, default=None)


class JobSlot(Table, tablename="core_job_slot"):
    """When a registered job runs next for one dealer; claimed atomically by one worker."""

    job = Varchar(length=200)
    dealer_id = ForeignKey(references=Dealer, on_delete=OnDelete.cascade)
    next_at = Timestamptz()
    last_started_at = Timestamptz(null=True, default=None)
    last_finished_at = Timestamptz(null=True, default=None)
    last_result = Text(default="")
    runs = Integer(default=0)


class ApiKey(Table, tablename="core_api_key"):
    """A key another system calls one of the dealer's APIs with (:mod:`core.apikeys`); only its hash is kept.

    ``purpose`` names the API it opens (``"leads.intake"``, ``"orders.telephony"``): a key made for
    one is refused by every other.
    """

    dealer_id = ForeignKey(references=Dealer, on_delete=OnDelete.restrict, index=True)
    purpose = Varchar(length=60)
    name = Varchar(length=100)  #: who uses it, as the dealer calls them ("AutoScout24", "Office PBX")
    token_hash = Varchar(length=64, unique=True)
    prefix = Varchar(length=12)  #: the key's first characters, to recognise it in the list
    created_at = Timestamptz()
    created_by = Integer(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    #: requests the caller may make with it in a minute (429 with Retry-After beyond that)
    per_minute = Integer(default=60)


class ImportRun(Table, tablename="core_import_run"):
    """One uploaded file of a bulk import (:mod:`core.bulk.runs`), from its upload to its load.

    ``token`` (random, unique) is the only way to it, and only for its uploader.
    ``header``/``rows`` hold the file as text (JSON), ``mapping`` the chosen
    columns, ``report`` the last check (messages in ``language``), ``checked``
    its rows' values. ``status`` goes uploaded -> checking -> checked -> queued
    -> running -> done (or failed); the step
    to queued is one conditional UPDATE, so two confirmations load it once, and
    "done" is written in the load's own transaction.
    """

    dealer_id = ForeignKey(references=Dealer, on_delete=OnDelete.restrict, index=True)
    importer = Varchar(length=100)
    token = Varchar(length=64, unique=True)
    user_id = BigInt()
    filename = Varchar(length=200, default="")
    header = Text(default="[]")
    rows = Text(default="[]")
    mapping = Text(default="{}")
    report = Text(default="{}")
    language = Varchar(length=8, default="en")
    status = Varchar(length=20, default="uploaded")
    total = Integer(default=0)
    valid = Integer(default=0)
    invalid = Integer(default=0)
    duplicates = Integer(default=0)
    with_duplicates = Boolean(default=False)
    done_rows = Integer(default=0)
    result = Text(default="")
    #: the checked rows' values (JSON), so the load does not read every row again
    checked = Text(default="")
    created_at = Timestamptz()
    expires_at = Timestamptz()
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)


class ImportMapping(Table, tablename="core_import_mapping"):
    """A dealer's remembered column mapping of one import: ``{compared header: field key}`` as JSON."""

    dealer_id = ForeignKey(references=Dealer, on_delete=OnDelete.restrict, index=True)
    importer = Varchar(length=100)
    mapping = Text(default="{}")
    updated_at = Timestamptz()


CORE_TABLES: list[type[Table]] = [Dealer, User, Session, LoginFailure, RateBucket, HookFailure, ModuleChange,
                                  History, Comment, Reason, Reminder, JobSlot, ApiKey, ImportRun, ImportMapping]
