"""The core's own tables (Piccolo app ``core``); every name starts with ``core_``."""

from __future__ import annotations

from piccolo.columns import (
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


CORE_TABLES: list[type[Table]] = [Dealer, User, Session, LoginFailure, HookFailure, ModuleChange]
