"""Storing what a sender sent: a new lead, or a resend of one it sent before; never two leads for one reference.

A sender's reference (``(dealer, key, id source, id)``) is *claimed* with one
``INSERT … ON CONFLICT DO NOTHING RETURNING`` into ``leads_intake_lead``,
the first write of the new lead's transaction: of parallel posts of one
document exactly one claims it and makes the lead (on PostgreSQL the others
wait on the unique index, on SQLite on the single writer), the others find
that lead. The lead, its claim, its history row, whose turn it was and that
manager's reminder are written together or not at all.

A reference already received is a resend (ADF ``status="resend"`` or
simply the same id again): what the sender may change — the e-mail, the
phone, the city and the comments — is updated when it differs, the change
is in the lead's history, and the answer names the fields updated. Values a
resend leaves empty never erase what the lead has.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from forecourt import (
    FieldError,
    Message,
    ValidationFailed,
    Veto,
    append_history,
    enabled_modules,
    fmt_datetime,
    now,
    read_text,
    system_context,
    update_entity,
)
from forecourt import lazy_gettext as _l
from plugins.leads import incoming, services
from plugins.leads.api.adf import VALUE_LABELS
from plugins.leads.tables import IntakeLead, Lead

#: what a resend may change, with the history's labels
UPDATABLE = {"email": _l("E-mail"), "phone": _l("Phone"), "city": _l("City"), "note": _l("Comment")}
_DERIVED = {"email": "email_key", "phone": "phone_rev"}
_CLAIM_SQL = (
    "INSERT INTO leads_intake_lead (dealer_id, key_id, id_source, external_id, format, document, details, notes, "
    "received_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}) "
    "ON CONFLICT (dealer_id, key_id, id_source, external_id) DO NOTHING RETURNING id"
)


@dataclass
class Item:
    """One lead as a sender sent it, read from its JSON object or ADF prospect."""

    values: dict[str, Any]
    format: str
    document: str
    external_id: str = ""
    id_source: str = ""
    currency: str = ""
    details: dict[str, str] = field(default_factory=dict)
    notes: list[Message] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  #: refusals of the document's own fields (currency)
    labels: dict[str, str] | None = None  #: how messages name the lead's fields (None: the form's words)


@dataclass
class Outcome:
    """What became of one item: 201 made, 200 found (``updated`` names what a resend changed), 422 refused."""

    status: int
    lead_id: int | None = None
    created: bool = False
    updated: list[str] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


class _Taken(Exception):
    """The reference was claimed by another request first: its transaction rolls back, the lead is found."""


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


async def _claimed(dealer_id: int, key_id: int, item: Item) -> int | None:
    row = await IntakeLead.scoped(dealer_id).select(IntakeLead.lead_id).where(
        (IntakeLead.key_id == key_id) & (IntakeLead.id_source == item.id_source)
        & (IntakeLead.external_id == item.external_id)).first()
    return row["lead_id"] if row else None


def _reference_errors(item: Item) -> dict[str, str]:
    errors = {}
    for name, value in (("external_id", item.external_id), ("id_source", item.id_source)):
        try:
            read_text(value, name, 100)
        except FieldError as exc:
            errors[name] = exc.message
    return errors


def _price_currency(item: Item, values: dict[str, Any], dealer: dict[str, Any], notes: list[Message]) -> None:
    """A price in another currency than the dealer's is no lead price: it stays with the details."""
    if item.currency and values.get("price") is not None and item.currency != dealer.get("currency"):
        item.details.setdefault("price", f"{item.values.get('price')} {item.currency}")
        values["price"] = None
        notes.append(Message("The price is in %(currency)s, not in the dealer's currency; it is kept with the "
                             "details.", currency=item.currency))


async def receive(key: dict[str, Any], dealer: dict[str, Any], item: Item) -> Outcome:
    """Make the lead ``item`` describes for ``key``'s dealer, or apply it to the lead its reference names."""
    reading = incoming.read(item.values, dealer["language"], best_effort=True, labels=item.labels)
    notes = [*item.notes, *reading.notes]
    errors = {**_reference_errors(item), **reading.errors, **item.errors}
    if errors:
        return Outcome(422, notes=notes, errors=errors)
    values = reading.values
    _price_currency(item, values, dealer, notes)
    ctx = system_context(dealer["id"], await enabled_modules(dealer["id"]), dealer["name"], dealer["language"])
    if item.external_id and (found := await _claimed(dealer["id"], key["id"], item)) is not None:
        return await _resend(ctx, key, found, item, values, notes)
    state: dict[str, Any] = {}

    async def claim(_values: dict[str, Any]) -> None:
        moment = now()
        rows = await IntakeLead.raw(_CLAIM_SQL, dealer["id"], key["id"], item.id_source, item.external_id or None,
                                    item.format, item.document, _dumps(item.details),
                                    _dumps([n.to_data() for n in notes]), moment, moment)
        if not rows:
            raise _Taken
        state["claim"] = rows[0]["id"]

    async def record(row: Lead) -> None:
        await IntakeLead.scoped(dealer["id"]).update({IntakeLead.lead_id: row.id}).where(
            IntakeLead.id == state["claim"])
        await append_history(ctx, services.ENTITY, row.id, "event",
                             Message("Received through the intake key “%(name)s”", name=key["name"]),
                             {"external_id": item.external_id, "notes": [n.english() for n in notes]})

    try:
        row, _turn = await incoming.take(
            ctx, values, extra={"external_ref": item.external_id}, before=claim, after=record,
            reminder=lambda row: Message("New lead from %(source)s: %(name)s", source=key["name"],
                                         name=incoming.full_name(row)))
    except _Taken:
        found = await _claimed(dealer["id"], key["id"], item)
        if found is None:  # pragma: no cover - the winner's claim and lead commit together
            raise
        return await _resend(ctx, key, found, item, values, notes)
    except ValidationFailed as exc:  # a plugin's validate_change refused it: nothing was written
        return Outcome(422, notes=notes, errors=exc.errors)
    except Veto as exc:
        return Outcome(422, notes=notes, errors={"lead": exc.message})
    return Outcome(201, row.id, True, notes=notes)


async def _resend(ctx: Any, key: dict[str, Any], lead_id: int, item: Item, values: dict[str, Any],
                  notes: list[Message]) -> Outcome:
    """The lead ``lead_id`` again: update what the sender may change, keep its latest document."""
    lead = await Lead.scoped(ctx.dealer_id).select().where(Lead.id == lead_id).first()
    if lead is None:  # handed over or transferred to another dealer since: nothing of it is ours to change
        return Outcome(200, lead_id, notes=notes)
    changes: dict[str, Any] = {}
    for name in UPDATABLE:
        if values.get(name) and values[name] != lead[name]:
            changes[name] = values[name]
            if name in _DERIVED:
                changes[_DERIVED[name]] = values[_DERIVED[name]]
    if not changes:
        return Outcome(200, lead_id, notes=notes)

    async def keep_document(_row: Any) -> None:
        await IntakeLead.scoped(ctx.dealer_id).update({
            IntakeLead.document: item.document, IntakeLead.details: _dumps(item.details),
            IntakeLead.notes: _dumps([n.to_data() for n in notes]), IntakeLead.updated_at: now(),
        }).where((IntakeLead.lead_id == lead_id) & (IntakeLead.key_id == key["id"]))

    try:
        await update_entity(ctx, Lead, services.ENTITY, lead_id, {**changes, "updated_at": now()},
                            history=UPDATABLE, summary=Message("Updated by a resend from “%(name)s”", name=key["name"]),
                            extra=keep_document)
    except ValidationFailed as exc:
        return Outcome(422, lead_id, notes=notes, errors=exc.errors)
    except Veto as exc:
        return Outcome(422, lead_id, notes=notes, errors={"lead": exc.message})
    return Outcome(200, lead_id, updated=[n for n in UPDATABLE if n in changes], notes=notes)


async def record_of(dealer_id: int, lead_id: int) -> dict[str, Any] | None:
    """What the sender sent for the lead (for its card): format, document, details and notes; None if not sent."""
    row = await IntakeLead.scoped(dealer_id).select().where(IntakeLead.lead_id == lead_id).first()
    if row is None:
        return None
    try:
        details = json.loads(row["details"] or "{}")
        notes = [Message.from_data(n) for n in json.loads(row["notes"] or "[]")]
    except (TypeError, ValueError, AttributeError):
        details, notes = {}, []
    details = details if isinstance(details, dict) else {}
    for key in ("vehicle_status", "interest"):
        if key in details:
            details[key] = str(VALUE_LABELS.get(details[key], details[key]))
    if details.get("requested_at"):
        try:
            moment = dt.datetime.fromisoformat(str(details["requested_at"]))
            details["requested_at"] = fmt_datetime(moment) if moment.tzinfo else details["requested_at"]
        except ValueError:
            pass
    return {**row, "details": details, "notes": notes}
