"""Dealers and users: the operations behind the admin pages, CLI and demo."""

from __future__ import annotations

import re
import secrets
from typing import Any

from core import db, fields
from core.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from core.context import ROLES
from core.errors import ValidationFailed
from core.i18n import CURRENCY_BY_LANGUAGE, _, is_currency
from core.tables import Dealer, User
from core.timeutil import ZONE_BY_LANGUAGE, is_zone, now

LOGIN_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,99}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")


def parse_modules(value: str) -> frozenset[str]:
    return frozenset(m for m in value.split(",") if m)


def format_modules(modules: set[str] | frozenset[str]) -> str:
    return ",".join(sorted(modules))


async def create_dealer(
    name: str, slug: str, city: str = "", language: str = "en", modules: list[str] | None = None,
    timezone: str = "",
    currency: str = "",
) -> Dealer:
    """Create a dealer with ``modules`` (already closed under ``requires``).

    ``timezone`` (IANA) and ``currency`` (ISO 4217) default to the usual ones for ``language``.
    """
    slug = slug.strip().lower()
    timezone = timezone.strip() or ZONE_BY_LANGUAGE.get(language, "UTC")
    currency = currency.strip().upper() or CURRENCY_BY_LANGUAGE.get(language, "EUR")
    errors: dict[str, str] = {}
    name = _text(name, _("Name"), Dealer.name, "name", errors)
    city = _text(city, _("City"), Dealer.city, "city", errors)
    if not is_currency(currency):
        errors["currency"] = _("Choose a currency from the list.")
    if timezone != "UTC" and not is_zone(timezone):
        errors["timezone"] = _("Choose a time zone from the list.")
    if not name and "name" not in errors:
        errors["name"] = _("Enter the dealer's name.")
    if not SLUG_RE.match(slug):
        errors["slug"] = _("Use 2-64 lower-case letters, digits and dashes.")
    elif await Dealer.exists().where(Dealer.slug == slug):
        errors["slug"] = _("A dealer with this short name already exists.")
    if errors:
        raise ValidationFailed(errors)
    dealer = Dealer(
        name=name,
        slug=slug,
        city=city,
        language=language,
        timezone=timezone,
        currency=currency,
        modules=format_modules(set(modules or [])),
        created_at=now(),
    )
    try:
        await dealer.save()
    except Exception as exc:  # a dealer with this short name was made meanwhile (unique index)
        if not db.is_integrity_error(exc):
            raise
        raise ValidationFailed({"slug": _("A dealer with this short name already exists.")}) from None
    return dealer


def _text(value: str, label: str, column: Any, key: str, errors: dict[str, str]) -> str:
    """``value`` through the field kit (no NUL, the column's length); its problem lands in ``errors``."""
    try:
        return fields.text(value, label, column)
    except fields.FieldError as exc:
        errors[key] = exc.message
        return ""


async def create_user(
    *,
    login: str,
    password: str,
    role: str,
    dealer_id: int | None,
    full_name: str = "",
    email: str | None = None,
    must_change_password: bool = True,
    language: str = "",
) -> User:
    """Create a user; raise :class:`ValidationFailed` with per-field messages."""
    login = login.strip().lower()
    email = (email or "").strip().lower() or None
    errors: dict[str, str] = {}
    full_name = _text(full_name, _("Full name"), User.full_name, "full_name", errors)
    if not LOGIN_RE.match(login):
        errors["login"] = _("Use 2-100 letters, digits, dots, dashes or @ for the login.")
    elif await User.exists().where(User.login == login):
        errors["login"] = _("This login is already taken.")
    if email is not None:
        if not EMAIL_RE.match(email):
            errors["email"] = _("Enter a valid e-mail address.")
        elif await User.exists().where(User.email == email):
            errors["email"] = _("This e-mail address is already used by another user.")
    if role not in ROLES:
        errors["role"] = _("Choose a role.")
    elif role != "platform_admin" and dealer_id is None:
        errors["dealer"] = _("Choose the user's dealer.")
    elif role == "platform_admin" and dealer_id is not None:
        # a dealer's administrator manages the users of their dealer: a platform admin among
        # them could be taken over with a password reset
        errors["dealer"] = _("A platform administrator belongs to no dealer.")
    if problem := password_problem(password, login):
        errors["password"] = problem
    if errors:
        raise ValidationFailed(errors)
    user = User(
        dealer_id=dealer_id,
        login=login,
        email=email,
        full_name=full_name or login,
        password_hash=hash_password(password),
        role=role,
        language=language,
        must_change_password=must_change_password,
        created_at=now(),
    )
    try:
        await user.save()
    except Exception as exc:  # the same login or e-mail was taken meanwhile (unique indexes)
        if not db.is_integrity_error(exc):
            raise
        taken = await User.exists().where(User.login == login)
        raise ValidationFailed({"login": _("This login is already taken.")} if taken else
                               {"email": _("This e-mail address is already used by another user.")}) from None
    return user


async def account_name(identifier: str) -> str:
    """The login of the user that ``identifier`` (a login or an e-mail) names; ``identifier`` itself if none.

    Failed-login limits count per account, so that guessing by the e-mail and by the login share one budget.
    """
    ident = identifier.strip().lower()
    row = await User.select(User.login).where((User.login == ident) | (User.email == ident)).first()
    return row["login"] if row else ident


async def authenticate(identifier: str, password: str) -> User | None:
    """The active user whose login or e-mail is ``identifier`` and password matches."""
    ident = identifier.strip().lower()
    if not ident or not password:
        return None
    column = User.email if "@" in ident and not LOGIN_RE.match(ident) else User.login
    user = await User.objects().where((column == ident) & (User.active == True)).first()  # noqa: E712
    if user is None and column is User.login and "@" in ident:
        user = await User.objects().where((User.email == ident) & (User.active == True)).first()  # noqa: E712
    if not verify_password(user.password_hash if user else None, password) or user is None:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now()
    await user.save([User.password_hash, User.last_login_at])
    return user


async def set_password(user_id: int, password: str, *, must_change: bool) -> None:
    """Store a new password; ``must_change`` forces a change at the next login."""
    user = await User.objects().get(User.id == user_id)
    if user is None:
        raise ValidationFailed({"user": _("No such user.")})
    if problem := password_problem(password, user.login):
        raise ValidationFailed({"password": problem})
    async with db.transaction():
        await User.update(
            {User.password_hash: hash_password(password), User.must_change_password: must_change}
        ).where(User.id == user_id)


def temporary_password() -> str:
    """A readable one-time password an admin hands over (must be changed)."""
    return f"{secrets.token_hex(3)}-{secrets.token_hex(3)}"


async def dealer_users(dealer_id: int) -> list[dict[str, Any]]:
    """The dealer's active users as ``{"id", "name", "role"}`` (e.g. to choose an assignee)."""
    # hand-written: lists and cards ask for it on every view, and the query builder cost more than the query
    rows = await User.raw("SELECT id, full_name, login, role FROM core_user WHERE dealer_id = {} AND active = {} "
                          "ORDER BY full_name, id", dealer_id, True)
    return [{"id": r["id"], "name": r["full_name"] or r["login"], "role": r["role"]} for r in rows]


async def dealer_names(dealer_ids: list[int]) -> dict[int, str]:
    """Dealer id -> name, e.g. to say which dealer holds a record found across dealers."""
    if not dealer_ids:
        return {}
    rows = await Dealer.select(Dealer.id, Dealer.name).where(Dealer.id.is_in(list(set(dealer_ids))))
    return {r["id"]: r["name"] for r in rows}


async def dealer_currency(dealer_id: int) -> str:
    """The dealer's own currency (ISO 4217, e.g. ``"CZK"``): what its money figures are counted in; ``""`` if none."""
    rows = await Dealer.select(Dealer.currency).where(Dealer.id == dealer_id)
    return rows[0]["currency"] if rows else ""


async def dealers_with_module(plugin: str, among: list[int] | None = None) -> list[dict[str, Any]]:
    """Active dealers that have ``plugin`` switched on: ``{"id", "name", "city", "language", "currency",
    "timezone", "modules"}`` (``modules``: the frozenset of every module the dealer has on), by city.

    ``among`` limits the answer to those dealer ids (e.g. the dealers of rows found across dealers).
    """
    # hand-written: the quick links shop asks on every customer request
    sql = "SELECT id, name, city, language, currency, timezone, modules FROM core_dealer WHERE active = {}"
    args: list[Any] = [True]
    if among is not None:
        wanted = sorted({int(i) for i in among})
        if not wanted:
            return []
        sql += f" AND id IN ({', '.join(['{}'] * len(wanted))})"
        args += wanted
    rows = await Dealer.raw(sql + " ORDER BY city, name", *args)
    found = [{"id": r["id"], "name": r["name"], "city": r["city"], "language": r["language"],
              "currency": r["currency"], "timezone": r["timezone"], "modules": parse_modules(r["modules"])}
             for r in rows]
    return [d for d in found if plugin in d["modules"]]
