"""The lead's values from a form or an API: choices, the core's field kit, and messages people understand.

One reading for every way a lead arrives (the staff form, the public
pre-order, the intake API), so each accepts exactly what the table can
store: text within its column (too long is refused with the limit, never
cut), no control characters, finite prices in the column's range.

Staff and customers typing a form can correct what is wrong, so the form
refuses it. A lead another system sends cannot be typed again, so
``best_effort=True`` (the intake API) keeps the lead whenever it can be
reached by one contact: a phone number the dealer's country cannot read is
kept as sent, and an unreadable e-mail or price is left out; each such
decision is returned as a note (a :class:`~forecourt.Message`) to show the
sender and the dealer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from forecourt import FieldError, FieldReader, Message, digits, fold, parse_phone, read_decimal, search_text
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.leads.tables import Lead

SOURCES = {"website": _l("Brand website"), "phone": _l("Phone call"), "walk_in": _l("Showroom visit"),
           "email": _l("E-mail"), "event": _l("Event or fair"), "referral": _l("Referral"),
           "import": _l("Import"), "other": _l("Other")}
REQUEST_TYPES = {"pre_order": _l("Pre-order"), "new_car": _l("New car"), "used_car": _l("Used car"),
                 "test_drive": _l("Test drive"), "service": _l("Service"), "financing": _l("Financing")}
LABELS = {"surname": _l("Surname"), "first_name": _l("First name"), "email": _l("E-mail"), "phone": _l("Phone"),
          "model": _l("Model"), "version": _l("Version"), "trim": _l("Trim"), "city": _l("City"),
          "price": _l("Price"), "note": _l("Comment"), "source": _l("Source"),
          "request_type": _l("Type of request")}
TEXT_COLUMNS = ("surname", "first_name", "model", "version", "trim", "city")
NOTE_LIMIT = 4000  #: characters of a lead's comment
PHONE_TYPED_LIMIT = 64  #: what a phone field may hold before it is read (the stored form is shorter)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
KEPT_PHONE_DIGITS = (7, 15)  #: a number kept as sent must have this many digits (E.164 allows 15)


@dataclass
class Reading:
    """What :func:`read` made of a lead: column values, refusals (field -> message), notes on what was relaxed."""

    values: dict[str, Any]
    errors: dict[str, str]
    notes: list[Message] = field(default_factory=list)


def price(raw: Any, language: str | tuple[str, ...] = "") -> Decimal | None:
    """A lead's price as typed or sent ("1 049 900 Kč", "25,000.00"); :class:`FieldError` if unreadable."""
    return read_decimal(raw, LABELS["price"], Lead.price, money=True, language=language)


def _phone(form: FieldReader, values: dict[str, Any], language: str, best_effort: bool, notes: list[Message],
           label: Any) -> None:
    typed = form.text("phone", label, PHONE_TYPED_LIMIT)
    values["phone"], values["phone_rev"] = "", ""
    if not typed:
        return
    parsed = parse_phone(typed, language)
    if parsed is not None:
        values["phone"], values["phone_rev"] = parsed.display, parsed.digits[::-1]
        return
    number = digits(typed)
    if not best_effort:
        form.errors.setdefault("phone", _("This is not a valid phone number. Include the country code, "
                                          "e.g. +420 601 234 567."))
    elif KEPT_PHONE_DIGITS[0] <= len(number) <= KEPT_PHONE_DIGITS[1] and len(typed) <= Lead.phone.length:
        values["phone"], values["phone_rev"] = typed, number[::-1]
        notes.append(Message("The phone number %(phone)s was kept as sent: it is not a valid number for the "
                             "dealer's country.", phone=typed))
    else:
        notes.append(Message("“%(phone)s” is not a phone number; it was left out.", phone=typed))


def read(raw: dict[str, Any], language: str, *, best_effort: bool = False,
         labels: Mapping[str, Any] | None = None) -> Reading:
    """Column values of a lead from ``raw`` (a form or an API body), in the dealer's ``language``.

    ``labels`` name the fields in messages (default :data:`LABELS`, the
    form's words; an API names them by their keys).
    """
    label = {**LABELS, **(labels or {})}
    form = FieldReader(raw)
    notes: list[Message] = []
    values: dict[str, Any] = {k: form.text(k, label[k], getattr(Lead, k)) for k in TEXT_COLUMNS}
    values["note"] = form.text("note", label["note"], NOTE_LIMIT, multiline=True)
    email = form.text("email", label["email"], Lead.email).lower()
    if email and not EMAIL_RE.match(email):
        if best_effort:
            notes.append(Message("“%(email)s” is not an e-mail address; it was left out.", email=email))
        else:
            form.errors.setdefault("email", _("Enter a valid e-mail address."))
        email = ""
    values["email"], values["email_key"] = email, email
    _phone(form, values, language, best_effort, notes, label["phone"])
    if not values["phone"] and not values["email"] and "phone" not in form.errors and "email" not in form.errors:
        form.errors["phone"] = _("Enter a phone number or an e-mail address.")
    if not values["surname"] and "surname" not in form.errors:
        form.errors["surname"] = _("Enter the customer's surname.")
    if not values["model"] and "model" not in form.errors:
        form.errors["model"] = _("Enter what the customer is interested in (a model).")
    values["source"] = form.text("source", label["source"], 30)
    if values["source"] not in SOURCES:
        form.errors.setdefault("source", _("Choose where the lead came from."))
    values["request_type"] = form.text("request_type", label["request_type"], 30)
    if values["request_type"] not in REQUEST_TYPES:
        form.errors.setdefault("request_type", _("Choose the type of request."))
    values["price"] = None
    try:
        values["price"] = price(raw.get("price"), language)
    except FieldError as exc:
        sent = raw.get("price")
        if best_effort and isinstance(sent, str | int | float | Decimal) and not isinstance(sent, bool):
            notes.append(Message("The price “%(price)s” could not be read; it was left out.",
                                 price=search_text(str(sent), 40)))
        else:
            form.errors.setdefault("price", exc.message)
    values["name_key"] = fold(f"{values['surname']} {values['first_name']}")[:200]
    return Reading(values, form.errors, notes)


def clean(raw: dict[str, Any], language: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Column values from the lead form and field -> message for what is wrong (manual 001's required fields)."""
    reading = read(raw, language)
    return reading.values, reading.errors
