"""The customers plugin's operations — its views use them, and so may other plugins.

This is the public service API of the plugin: a plugin whose manifest
requires ``customers`` may call these functions; every other access to
customers goes through hooks. All functions take the dealer (or a context)
and never see another dealer's rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from forecourt import (
    Conflict,
    Context,
    FieldError,
    Forbidden,
    Message,
    ValidationFailed,
    append_history,
    apply_transition,
    call_hook,
    create_entity,
    create_reminder,
    delete_entity,
    from_local,
    now,
    read_text,
    update_entity,
)
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.customers.entity import ENTITY as ENTITY  # part of this public service API
from plugins.customers.fields import METHODS, TRACKED, clean, note
from plugins.customers.listing import search as search  # part of this public service API
from plugins.customers.machine import CUSTOMER
from plugins.customers.search import fold, parse_phone
from plugins.customers.tables import Counter, Customer, FollowUp, Note


@dataclass(frozen=True)
class HeldRecords:
    """What another plugin keeps about a customer (shown before a delete).

    ``kept``: the records outlive the customer, only unlinked (leads: a lead has its own contact data
    and history), so they never stand in the way of a delete. Otherwise they are deleted with the
    customer, which the dealer's administrator has to confirm.
    """

    plugin: str
    label: Any
    count: int
    url: str = ""
    kept: bool = False


@dataclass(frozen=True)
class Terms:
    """What a customer's orders and quick link use."""

    discount_pct: Any
    currency: str
    language: str


# --- reading ---------------------------------------------------------------------------------


async def get(dealer_id: int, customer_id: int) -> dict[str, Any] | None:
    # hand-written: cards, orders and every quick links request read one customer
    rows = await Customer.raw("SELECT * FROM customers_customer WHERE dealer_id = {} AND id = {}",
                              dealer_id, customer_id)
    return rows[0] if rows else None


async def terms(dealer_id: int, customer_id: int) -> Terms | None:
    row = await get(dealer_id, customer_id)
    return None if row is None else Terms(row["discount_pct"], row["currency"], row["language"])


async def is_blacklisted(dealer_id: int, customer_id: int) -> bool:
    return bool(await Customer.scoped(dealer_id).exists().where(
        (Customer.id == customer_id) & (Customer.blacklisted == True)))  # noqa: E712


async def blacklisted_among(dealer_id: int, customer_ids: list[int]) -> dict[int, str]:
    """``{id: reason}`` of the blacklisted ones among ``customer_ids`` (of this dealer), in one query."""
    ids = sorted({i for i in customer_ids if isinstance(i, int) and 0 < i < 2**63})
    if not ids:
        return {}
    rows = await Customer.scoped(dealer_id).select(Customer.id, Customer.blacklist_reason).where(
        Customer.id.is_in(ids) & (Customer.blacklisted == True))  # noqa: E712
    return {row["id"]: row["blacklist_reason"] for row in rows}


async def find_matches(dealer_id: int, *, phone: str = "", email: str = "", name: str = "",
                       language: str = "", exclude_id: int | None = None, limit: int = 5) -> list[dict[str, Any]]:
    """Customers whose phone, e-mail or full name equals what was typed (duplicate check), any formatting."""
    conditions = []
    parsed = parse_phone(phone, language) if phone else None
    if parsed:
        conditions.append(Customer.phone_rev == parsed.digits[::-1])
    if email.strip():
        conditions.append(Customer.email_key == email.strip().lower())
    if fold(name):
        conditions.append(Customer.name_key == fold(name))
    if not conditions:
        return []
    where = conditions[0]
    for condition in conditions[1:]:
        where = where | condition
    query = Customer.scoped(dealer_id).select(
        Customer.id, Customer.number, Customer.name, Customer.phone, Customer.email, Customer.status,
        Customer.blacklisted, Customer.invalid).where(where)
    if exclude_id:
        query = query.where(Customer.id != exclude_id)
    return await query.order_by(Customer.id).limit(limit)


# --- writing ------------------------------------------------------------------------------------


async def _next_number(dealer_id: int) -> int:
    """The dealer's next customer number; inside the caller's write transaction, so numbers never repeat."""
    await Counter.raw("INSERT INTO customers_counter (dealer_id, last) VALUES ({}, 0) "
                      "ON CONFLICT (dealer_id) DO NOTHING", dealer_id)
    rows = await Counter.raw("UPDATE customers_counter SET last = last + 1 WHERE dealer_id = {} RETURNING last",
                             dealer_id)
    return rows[0]["last"]


async def create(ctx: Context, raw: dict[str, Any], language: str = "") -> Customer:
    """Validate and create a customer (raises :class:`ValidationFailed`); its number is unique per dealer."""
    values, errors = clean(raw, language, creating=True)
    if errors:
        raise ValidationFailed(errors)
    status = values.pop("status")
    moment = now()
    values.update(created_at=moment, updated_at=moment, owner_id=ctx.user_id)

    async def numbered(_values: dict[str, Any]) -> dict[str, Any]:
        return {"number": await _next_number(ctx.dealer_id)}

    row = await create_entity(ctx, Customer, ENTITY, values, complete=numbered)
    if status == "current":
        await apply_transition(ctx, CUSTOMER, row.id, "convert", "potential")
        row.status = "current"
    return row


async def update(ctx: Context, customer_id: int, raw: dict[str, Any], language: str = "") -> Customer | None:
    values, errors = clean(raw, language, creating=False)
    if errors:
        raise ValidationFailed(errors)
    values["updated_at"] = now()
    return await update_entity(ctx, Customer, ENTITY, customer_id, values, history=TRACKED)


async def set_blacklisted(ctx: Context, customer_id: int, blacklisted: bool, reason: str = "") -> None:
    reason = _text(reason, _l("Reason"), 2000, "reason")
    if blacklisted and not reason:
        raise ValidationFailed({"reason": _("Say why the customer is blacklisted.")})

    async def recorded(_row: Customer) -> None:
        await append_history(ctx, ENTITY, customer_id, "event",
                             Message("Put on the blacklist") if blacklisted else Message("Taken off the blacklist"),
                             {"reason": reason})

    values = {"blacklisted": blacklisted, "blacklist_reason": reason[:2000] if blacklisted else "",
              "updated_at": now()}
    if await update_entity(ctx, Customer, ENTITY, customer_id, values, extra=recorded) is None:
        raise LookupError(customer_id)
    await call_hook("customers_blacklist_changed", ctx=ctx, customer_id=customer_id,
                    blacklisted=blacklisted, reason=reason)


async def set_invalid(ctx: Context, customer_id: int, invalid: bool) -> None:
    async def recorded(_row: Customer) -> None:
        await append_history(ctx, ENTITY, customer_id, "event",
                             Message("Marked invalid") if invalid else Message("Marked valid again"), {})

    if await update_entity(ctx, Customer, ENTITY, customer_id, {"invalid": invalid, "updated_at": now()},
                           extra=recorded) is None:
        raise LookupError(customer_id)


async def held_records(ctx: Context, customer_id: int) -> list[HeldRecords]:
    """What enabled plugins hold for the customer (they may answer with HeldRecords or a plain dict)."""
    found = await call_hook("customers_held_records", ctx=ctx, customer_id=customer_id)
    held = [h if isinstance(h, HeldRecords) else HeldRecords(**h) for h in found]
    return [h for h in held if h.count]


async def delete(ctx: Context, customer_id: int, cascade: bool = False) -> None:
    """Delete a customer for good, with the one rule the delete page states.

    Records other plugins keep (``HeldRecords.kept``) are unlinked and stay. Records that would go with
    the customer are deleted only when ``cascade`` (the page's tick) is given by a dealer admin;
    otherwise :class:`Conflict` (nothing changed). Every enabled plugin's ``customers_delete_records``
    then runs inside the delete's transaction, so all of it happens or none.
    """
    held = await held_records(ctx, customer_id)
    doomed = [h for h in held if not h.kept]
    if doomed and not cascade:
        raise Conflict(_("These records would be deleted with the customer: %(list)s. Tick “Also delete "
                         "these records” to delete them too, or keep the customer.") % {
            "list": ", ".join(f"{h.label} ({h.count})" for h in doomed)})
    if doomed and ctx.role not in ("dealer_admin", "platform_admin"):
        raise Forbidden(_("Only the dealer's administrator may delete a customer together with other records."))

    async def with_its_records(_row: dict[str, Any]) -> None:
        await call_hook("customers_delete_records", ctx=ctx, customer_id=customer_id)
        await Note.scoped(ctx.dealer_id).delete().where(Note.customer_id == customer_id)
        await FollowUp.scoped(ctx.dealer_id).delete().where(FollowUp.customer_id == customer_id)

    await delete_entity(ctx, Customer, ENTITY, customer_id, before=with_its_records)


# --- notes and follow-ups ---------------------------------------------------------------------------


async def notes(dealer_id: int, customer_id: int) -> list[dict[str, Any]]:
    """Highest priority first, then newest."""
    return await (Note.scoped(dealer_id).select().where(Note.customer_id == customer_id)
                  .order_by(Note.priority, ascending=False).order_by(Note.created_at, ascending=False)
                  .order_by(Note.id, ascending=False))


def _text(value: Any, label: Any, limit: int, key: str) -> str:
    """Multi-line text from a card's form through the core's field kit: refused (422) when it cannot be stored."""
    try:
        return read_text(value, label, limit, multiline=True)
    except FieldError as exc:
        raise ValidationFailed({key: exc.message}) from None


def _note_values(text: str, priority: str) -> tuple[str, int]:
    values, errors = note(text, priority)
    if errors:
        raise ValidationFailed(errors)
    return values["text"], values["priority"]


async def add_note(ctx: Context, customer_id: int, text: str, priority: str) -> int:
    text, level = _note_values(text, priority)
    if await get(ctx.dealer_id, customer_id) is None:
        raise LookupError(customer_id)
    moment = now()
    row = await Note.scoped(ctx.dealer_id).insert(customer_id=customer_id, text=text, priority=level,
                                                  author=ctx.user_name, created_at=moment, updated_at=moment)
    return row.id


async def edit_note(ctx: Context, customer_id: int, note_id: int, text: str, priority: str) -> bool:
    text, level = _note_values(text, priority)
    changed = await Note.scoped(ctx.dealer_id).update(
        {Note.text: text, Note.priority: level, Note.updated_at: now()}).where(
        (Note.id == note_id) & (Note.customer_id == customer_id)).returning(Note.id)
    return bool(changed)


async def delete_note(ctx: Context, customer_id: int, note_id: int) -> bool:
    gone = await Note.scoped(ctx.dealer_id).delete().where(
        (Note.id == note_id) & (Note.customer_id == customer_id)).returning(Note.id)
    return bool(gone)


async def add_followup(ctx: Context, customer_id: int, raw: dict[str, Any]) -> int:
    """Record a contact; a next follow-up time becomes a reminder for the customer's owner."""
    errors = {}
    method = str(raw.get("method") or "")
    content = _text(raw.get("content"), _l("What was said or done"), 4000, "content")
    plan = _text(raw.get("plan"), _l("Plan"), 2000, "plan")
    if method not in METHODS:
        errors["method"] = _("Choose how you were in touch.")
    if not content:
        errors["content"] = _("Describe what was said or done.")
    next_at = None
    if raw.get("next_at"):
        try:
            next_at = dt.datetime.fromisoformat(str(raw["next_at"]))
        except ValueError:
            errors["next_at"] = _("Enter a date and time like 2026-12-31 14:30.")
        else:
            next_at = from_local(next_at)  # typed on the dealer's clock
    if next_at is None and plan:
        errors["next_at"] = _("A plan needs a time for the next follow-up.")
    if errors:
        raise ValidationFailed(errors)
    customer = await get(ctx.dealer_id, customer_id)
    if customer is None:
        raise LookupError(customer_id)
    added: list[int] = []

    async def recorded(_row: Customer) -> None:  # the follow-up and its reminder go with the customer's change
        row = await FollowUp.scoped(ctx.dealer_id).insert(
            customer_id=customer_id, method=method, content=content[:4000], at=now(), next_at=next_at,
            plan=plan[:2000], author_id=ctx.user_id, author=ctx.user_name)
        added.append(row.id)
        if next_at is not None:
            await create_reminder(
                ctx, Message("Follow up with %(name)s: %(plan)s", name=customer["name"], plan=plan or content),
                next_at, user_id=customer["owner_id"] or ctx.user_id, url=f"/customers/{customer_id}",
                entity=ENTITY, entity_id=customer_id, source="customers")

    if await update_entity(ctx, Customer, ENTITY, customer_id, {"next_followup_at": next_at},
                           extra=recorded) is None:
        raise LookupError(customer_id)
    return added[0]


async def followups(dealer_id: int, customer_id: int) -> list[dict[str, Any]]:
    return await (FollowUp.scoped(dealer_id).select().where(FollowUp.customer_id == customer_id)
                  .order_by(FollowUp.at, ascending=False))
