"""Inquiries: reading the form, numbering, creating one by hand or from a call, and what the card shows.

Guarantees:

- **Numbers** are per dealer, without gaps and never given twice: the next
  number is taken inside the inquiry's own write transaction, after the
  dealer's inquiry lock (:func:`_lock`, :mod:`plugins.orders.numbering`: an advisory lock
  on PostgreSQL; SQLite has one writer), and a unique index on
  ``(dealer_id, number)`` backs it.
- **A repeat caller** is recognised by the phone's E.164 digits reversed
  (``phone_rev``), whatever formatting the telephony or a person used
  (``+7 916 123-45-67``, ``89161234567``): a call from a number with an open
  (``"new"``) inquiry is added to it. The look for an open inquiry and the
  creation of a new one happen under the same lock, so two calls at the same
  moment from one number make one inquiry.
- **A retried call** (same ``call_id`` from the telephony) is recognised and
  makes no second :class:`Call` (also a unique index).
- Every inquiry write goes through the entity service (vetoes, history,
  notifications after the commit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forecourt import (
    Context,
    FieldReader,
    Message,
    ValidationFailed,
    append_history,
    call_hook,
    create_entity,
    dealer_users,
    hook_implemented,
    hook_owner_enabled,
    lazy_pgettext,
    now,
    parse_phone,
    read_id,
    transaction,
    update_entity,
)
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.orders.entity import INQUIRY
from plugins.orders.numbering import INQUIRIES, next_number, take_turn
from plugins.orders.tables import Call, Inquiry, Order


class _JoinInstead(Exception):
    def __init__(self, inquiry_id: int) -> None:
        super().__init__(inquiry_id)
        self.inquiry_id = inquiry_id


def phone_key(raw: str, language: str) -> tuple[str, str] | None:
    """``(display, phone_rev)`` of a phone typed in any format (``language``: the dealer's), or None if invalid."""
    parsed = parse_phone(raw, language)
    if parsed is None:
        return None
    return parsed.display, parsed.digits[::-1]


async def _lock(dealer_id: int) -> None:
    """Serialise the dealer's inquiry creation until the transaction ends (SQLite's single writer does already)."""
    await take_turn(Inquiry, INQUIRIES, dealer_id)


async def _open_for(dealer_id: int, phone_rev: str) -> dict[str, Any] | None:
    if not phone_rev:
        return None
    return await Inquiry.scoped(dealer_id).select(Inquiry.id, Inquiry.number).where(
        (Inquiry.phone_rev == phone_rev) & (Inquiry.status == "new")).order_by(Inquiry.id, ascending=False).first()


async def customer_for(ctx: Context, phone: str) -> dict[str, Any] | None:
    """The dealer's customer with this phone, through the customers plugin's ``customers_matches`` (if it is on)."""
    if not phone or not hook_owner_enabled("customers_matches", ctx) or not hook_implemented("customers_matches", ctx):
        return None
    found = await call_hook("customers_matches", ctx=ctx, phone=phone, email="", name="")
    return found[0] if found else None


async def managers(dealer_id: int) -> list[dict[str, Any]]:
    """Who may be the inquiry's manager: the dealer's managers and administrators."""
    return [u for u in await dealer_users(dealer_id) if u["role"] in ("manager", "dealer_admin")]


# --- by hand ---------------------------------------------------------------------------------------------


async def read_form(ctx: Context, raw: dict[str, Any], language: str) -> dict[str, Any]:
    """The manual form (``phone``, ``name``, ``note``, ``manager_id``) as columns.

    Raises ValidationFailed with every problem at once.
    """
    form = FieldReader(raw)
    phone_typed = form.text("phone", _l("Phone"), 40)
    name = form.text("name", lazy_pgettext("person", "Name"), Inquiry.contact_name)
    note = form.text("note", _l("Note"), 4000, multiline=True)
    values: dict[str, Any] = {"contact_name": name, "note": note, "phone": "", "phone_rev": ""}
    if phone_typed:
        key = phone_key(phone_typed, language)
        if key is None:
            form.errors["phone"] = _("Enter a valid phone number, e.g. +420 601 555 111.")
        else:
            values["phone"], values["phone_rev"] = key
    elif not name and "name" not in form.errors:
        form.errors["phone"] = _("Enter the caller's phone or name.")
    manager_raw = raw.get("manager_id") or ""
    values["manager_id"] = None
    if manager_raw:
        manager_id = read_id(manager_raw)
        if manager_id is None or manager_id not in {u["id"] for u in await managers(ctx.dealer_id)}:
            form.errors["manager_id"] = _("Choose one of the dealer's managers.")
        values["manager_id"] = manager_id
    if form.errors:
        raise ValidationFailed(form.errors)
    return values


async def create(ctx: Context, raw: dict[str, Any], language: str) -> Inquiry:
    """A new inquiry from the manual form, linked to the customer with its phone (when customers is on)."""
    values = await read_form(ctx, raw, language)
    customer = await customer_for(ctx, values["phone"])
    moment = now()
    values.update(source="manual", created_at=moment, updated_at=moment,
                  customer_id=customer["id"] if customer else None)
    if customer and not values["contact_name"]:
        values["contact_name"] = customer["name"][:200]

    async def numbered(_values: dict[str, Any]) -> dict[str, Any]:
        await _lock(ctx.dealer_id)
        return {"number": await next_number(Inquiry, ctx.dealer_id)}

    return await create_entity(ctx, Inquiry, INQUIRY, values, complete=numbered)


async def update(ctx: Context, inquiry_id: int, raw: dict[str, Any], language: str) -> Inquiry | None:
    """Change the contact, note and manager of one of the dealer's inquiries (history: before → after); None if none.

    A new phone links the customer with that phone, as on creation (the link
    is kept when the phone stays).
    """
    current = await get(ctx.dealer_id, inquiry_id)
    if current is None:
        return None
    values = await read_form(ctx, raw, language)
    if values["phone_rev"] != current["phone_rev"]:
        customer = await customer_for(ctx, values["phone"])
        values["customer_id"] = customer["id"] if customer else None
    values["updated_at"] = now()
    return await update_entity(ctx, Inquiry, INQUIRY, inquiry_id, values, history=HISTORY,
                               summary=Message("Inquiry changed"))


HISTORY = {"phone": _l("Phone"), "contact_name": lazy_pgettext("person", "Name"), "note": _l("Note"),
           "manager_id": _l("Manager")}


# --- from a call -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Taken:
    """What :func:`take_call` did: the call, its inquiry, whether either was new, the customer linked."""

    call_id: int
    inquiry_id: int
    inquiry_number: int
    call_created: bool
    inquiry_created: bool
    customer: dict[str, Any] | None


async def _known_call(dealer_id: int, external_id: str) -> Taken | None:
    if not external_id:
        return None
    call = await Call.scoped(dealer_id).select(Call.id, Call.inquiry_id).where(Call.external_id == external_id).first()
    if call is None:
        return None
    inquiry = await Inquiry.scoped(dealer_id).select(Inquiry.number, Inquiry.customer_id).where(
        Inquiry.id == call["inquiry_id"]).first()
    return Taken(call["id"], call["inquiry_id"], inquiry["number"] if inquiry else 0, False, False, None)


def _call_row(dealer_id: int, inquiry_id: int, call: dict[str, Any], key_id: int | None) -> Call:
    return Call.scoped(dealer_id).new(inquiry_id=inquiry_id, phone=call["phone"], phone_rev=call["phone_rev"],
                                      line=call["line"], called_at=call["called_at"], key_id=key_id,
                                      external_id=call["external_id"], created_at=now())


async def _add_to(ctx: Context, inquiry_id: int, call: dict[str, Any], key_id: int | None) -> Taken | None:
    """The call added to the open inquiry ``inquiry_id`` (under the lock); None if it is no longer open."""
    async with transaction():
        await _lock(ctx.dealer_id)
        if (known := await _known_call(ctx.dealer_id, call["external_id"])) is not None:
            return known
        inquiry = await Inquiry.scoped(ctx.dealer_id).select(Inquiry.id, Inquiry.number, Inquiry.status,
                                                              Inquiry.customer_id).where(
            Inquiry.id == inquiry_id).first()
        if inquiry is None or inquiry["status"] != "new":
            return None
        row = _call_row(ctx.dealer_id, inquiry_id, call, key_id)
        await row.save()
        await append_history(ctx, INQUIRY, inquiry_id, "contact", summary=Message(
            "Another call from %(phone)s (line %(line)s)", phone=call["phone"], line=call["line"] or "—"),
            payload={"call_id": row.id})
    return Taken(row.id, inquiry_id, inquiry["number"], True, False, None)


async def take_call(ctx: Context, call: dict[str, Any], key_id: int | None = None) -> Taken:
    """Record one call (``phone``, ``phone_rev``, ``line``, ``called_at``, ``external_id``) of ``ctx``'s dealer.

    A known ``external_id`` gives the earlier result and writes nothing; a
    number with an open inquiry gets the call added to it; otherwise a new
    inquiry ("new", source "call") is made, linked to the customer with that
    phone, with the call in the same transaction.
    """
    if (known := await _known_call(ctx.dealer_id, call["external_id"])) is not None:
        return known
    customer = await customer_for(ctx, call["phone"])
    state: dict[str, Any] = {}
    for _attempt in range(3):
        found = await _open_for(ctx.dealer_id, call["phone_rev"])
        if found is not None:
            taken = await _add_to(ctx, found["id"], call, key_id)
            if taken is not None:
                return taken
        moment = now()
        state.clear()

        async def numbered(_values: dict[str, Any]) -> dict[str, Any]:
            await _lock(ctx.dealer_id)
            if (known := await _known_call(ctx.dealer_id, call["external_id"])) is not None:
                state["known"] = known
                raise _JoinInstead(known.inquiry_id)
            if (meanwhile := await _open_for(ctx.dealer_id, call["phone_rev"])) is not None:
                raise _JoinInstead(meanwhile["id"])
            return {"number": await next_number(Inquiry, ctx.dealer_id)}

        async def with_call(row: Inquiry) -> None:
            saved = _call_row(ctx.dealer_id, row.id, call, key_id)
            await saved.save()
            state["call_id"] = saved.id

        values = {"source": "call", "phone": call["phone"], "phone_rev": call["phone_rev"], "line": call["line"],
                  "contact_name": (customer or {}).get("name", "")[:200],
                  "customer_id": customer["id"] if customer else None, "created_at": call["called_at"] or moment,
                  "updated_at": moment}
        try:
            row = await create_entity(ctx, Inquiry, INQUIRY, values, complete=numbered, extra=with_call)
        except _JoinInstead:
            if "known" in state:
                return state["known"]
            continue  # an inquiry for this number was made meanwhile: add the call to it
        return Taken(state["call_id"], row.id, row.number, True, True, customer)
    raise RuntimeError("the call could not be recorded")  # pragma: no cover - three races in a row


# --- reading -----------------------------------------------------------------------------------------------


async def get(dealer_id: int, inquiry_id: int) -> dict[str, Any] | None:
    if read_id(inquiry_id) is None:
        return None
    return await Inquiry.scoped(dealer_id).select().where(Inquiry.id == inquiry_id).first()


async def calls(dealer_id: int, inquiry_id: int) -> list[dict[str, Any]]:
    return await Call.scoped(dealer_id).select().where(Call.inquiry_id == inquiry_id).order_by(
        Call.called_at, ascending=False).order_by(Call.id, ascending=False)


async def related(ctx: Context, inquiry: dict[str, Any], limit: int = 20) -> dict[str, Any]:
    """What the card shows beside the inquiry: its customer, their earlier orders and other inquiries.

    Orders and inquiries are found by the customer and by the phone
    (``phone_rev``), so a caller without a customer record is recognised too.
    """
    dealer_id = ctx.dealer_id
    customer = None
    if inquiry["customer_id"] and hook_implemented("customers_get", ctx):
        customer = await call_hook("customers_get", ctx=ctx, customer_id=inquiry["customer_id"])
    order_match = None
    inquiry_match = None
    if inquiry["customer_id"]:
        order_match = Order.customer_id == inquiry["customer_id"]
        inquiry_match = Inquiry.customer_id == inquiry["customer_id"]
    if inquiry["phone_rev"]:
        order_match = Order.phone_rev == inquiry["phone_rev"] if order_match is None else (
            order_match | (Order.phone_rev == inquiry["phone_rev"]))
        inquiry_match = Inquiry.phone_rev == inquiry["phone_rev"] if inquiry_match is None else (
            inquiry_match | (Inquiry.phone_rev == inquiry["phone_rev"]))
    orders: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    if order_match is not None:
        orders = await Order.scoped(dealer_id).select(
            Order.id, Order.number, Order.status, Order.total, Order.currency, Order.created_at).where(
            order_match).order_by(Order.created_at, ascending=False).limit(limit)
    if inquiry_match is not None:
        others = await Inquiry.scoped(dealer_id).select(
            Inquiry.id, Inquiry.number, Inquiry.status, Inquiry.created_at, Inquiry.merged_into_id).where(
            inquiry_match & (Inquiry.id != inquiry["id"])).order_by(Inquiry.created_at, ascending=False).limit(limit)
    return {"customer": customer, "orders": orders, "inquiries": others}
