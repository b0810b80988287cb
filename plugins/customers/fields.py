"""The customer form: choices, and turning what was typed into clean values or clear messages."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from stdnum.ru import inn

from forecourt import LANGUAGE_NAMES, FieldError, FieldReader, now, read_decimal, read_text
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from forecourt import lazy_pgettext as _lp
from plugins.customers.search import digits, name_keys, parse_phone
from plugins.customers.tables import Customer

TEMPERATURES = {"hot": _l("Hot"), "warm": _l("Warm"), "cold": _l("Cold"), "not_interested": _l("Not interested")}
TEMPERATURE_COLOURS = {"hot": "red", "warm": "amber", "cold": "blue", "not_interested": "grey"}
SOURCES = {"walk_in": _l("Showroom visit"), "phone": _l("Phone call"), "website": _l("Website"),
           "referral": _l("Referral"), "social": _l("Social media"), "event": _l("Event or fair"),
           "lead": _l("From a lead"), "other": _l("Other")}
GENDERS = {"female": _l("Female"), "male": _l("Male")}
PRIORITIES = {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}
CURRENCIES = ("EUR", "CZK", "RUB", "CNY", "USD")
CURRENCY_CHOICES = {c: c for c in CURRENCIES}
LANGUAGES = LANGUAGE_NAMES  #: the preferred languages offered: those Forecourt speaks
METHODS = {"phone": _l("Phone"), "visit": _l("Visit"), "messenger": _l("Messenger"), "sms": _l("SMS"),
           "email": _l("E-mail")}
NOTE_PRIORITIES = {2: _l("High"), 1: _l("Medium"), 0: _l("None")}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: changes of these go to the customer's history, under these labels
TRACKED = {"name": _lp("customer", "Name"),
           "phone": _l("Phone"), "email": _l("E-mail"), "temperature": _l("Temperature"),
           "discount_pct": _l("Discount"), "source": _l("Source"), "tax_id": _l("Tax id (INN)")}
TEXT_FIELDS = {"name": 200, "contact_person": 200, "address": 300, "city": 100, "region": 100,
               "intended_model": 100, "occupation": 100}


LABELS = {"name": _lp("customer", "Name"),
          "contact_person": _l("Contact person"), "address": _l("Address"), "city": _l("City"),
          "region": _l("Region"), "intended_model": _l("Intended model"), "occupation": _l("Occupation"),
          "phone": _l("Phone"), "email": _l("E-mail"), "tax_id": _l("Tax id (INN)"), "discount_pct": _l("Discount"),
          "budget_min": _l("Budget from"), "budget_max": _l("Budget to"), "birth_date": _l("Birth date")}
CHOICE_FIELDS = ("source", "temperature", "status", "currency", "language", "gender", "purchase_priority")
BUDGET_MAX = 2_000_000_000


def clean(raw: dict[str, Any], dealer_language: str, creating: bool) -> tuple[dict[str, Any], dict[str, str]]:
    """Validated column values from a submitted form, and field -> message for what is wrong.

    Read with the core's field kit: text within its column (refused, not cut,
    when longer), no control characters, numbers finite and in range.
    """
    form = FieldReader(raw)
    typed = {k: form.text(k, LABELS.get(k, k), 64) for k in ("phone", "discount_pct", "birth_date", *CHOICE_FIELDS)}
    get = typed.get
    errors = form.errors
    values: dict[str, Any] = {}
    for key, limit in TEXT_FIELDS.items():
        values[key] = form.text(key, LABELS[key], limit)
    if not values["name"]:
        errors["name"] = _("Enter the customer's name (a person or a company).")
    phone = parse_phone(get("phone") or "", dealer_language)
    if not get("phone"):
        errors["phone"] = _("Enter a phone number.")
    elif phone is None:
        errors["phone"] = _("This is not a valid phone number. Include the country code, e.g. +420 601 234 567.")
    else:
        values["phone"], values["phone_rev"] = phone.display, phone.digits[::-1]
    values["source"] = get("source") or ""
    if values["source"] not in SOURCES:
        errors["source"] = _("Choose where the customer came from.")
    email = form.text("email", LABELS["email"], 254).lower()
    if email and not EMAIL_RE.match(email):
        errors["email"] = _("Enter a valid e-mail address.")
    values["email"], values["email_key"] = email, email
    typed_tax_id = form.text("tax_id", LABELS["tax_id"], 40)
    tax_id = digits(typed_tax_id) if typed_tax_id.replace(" ", "").isdigit() else typed_tax_id
    if tax_id and len(tax_id) in (10, 12) and tax_id.isdigit() and not inn.is_valid(tax_id):
        errors["tax_id"] = _("This INN fails its check digits; check it against the customer's documents.")
    try:
        values["tax_id"] = read_text(tax_id, LABELS["tax_id"], Customer.tax_id)
    except FieldError as exc:
        errors.setdefault("tax_id", exc.message)
        values["tax_id"] = ""
    values["temperature"] = get("temperature") or "warm"
    if values["temperature"] not in TEMPERATURES:
        errors["temperature"] = _("Choose a temperature.")
    if creating:
        values["status"] = get("status") or "potential"
        if values["status"] not in ("potential", "current"):
            errors["status"] = _("Choose current or potential.")
    discount = get("discount_pct") or ""
    values["discount_pct"] = None
    if discount:
        try:
            values["discount_pct"] = read_decimal(discount.rstrip("%").strip(), LABELS["discount_pct"],
                                                  Customer.discount_pct, language=dealer_language)
        except FieldError:
            values["discount_pct"] = Decimal(-1)
        if values["discount_pct"] is not None and not Decimal(0) <= values["discount_pct"] <= Decimal(100):
            values["discount_pct"] = None
            errors["discount_pct"] = _("Enter a discount between 0 and 100 %.")
    values["currency"] = get("currency") or ""
    if values["currency"] and values["currency"] not in CURRENCIES:
        errors["currency"] = _("Choose a currency from the list.")
    values["language"] = get("language") or ""
    if values["language"] and values["language"] not in LANGUAGES:
        errors["language"] = _("Choose a language from the list.")
    values["gender"] = get("gender") or ""
    if values["gender"] and values["gender"] not in GENDERS:
        errors["gender"] = _("Choose from the list.")
    values["purchase_priority"] = get("purchase_priority") or ""
    if values["purchase_priority"] and values["purchase_priority"] not in PRIORITIES:
        errors["purchase_priority"] = _("Choose from the list.")
    birth = get("birth_date") or ""
    values["birth_date"] = None
    if birth:
        try:
            values["birth_date"] = dt.date.fromisoformat(birth)
        except ValueError:
            errors["birth_date"] = _("Enter a date like 1985-04-23.")
        else:
            if not dt.date(1900, 1, 1) <= values["birth_date"] <= now().date():
                errors["birth_date"] = _("Enter a birth date in the past.")
    values["budget_min"] = form.integer("budget_min", LABELS["budget_min"], minimum=0, maximum=BUDGET_MAX)
    values["budget_max"] = form.integer("budget_max", LABELS["budget_max"], minimum=0, maximum=BUDGET_MAX)
    if values["budget_min"] is not None and values["budget_max"] is not None \
            and values["budget_min"] > values["budget_max"] and "budget_max" not in errors:
        errors["budget_max"] = _("The upper end of the budget is below the lower end.")
    values["name_key"], values["name_key2"] = name_keys(values["name"])
    return values, errors


def form_values(row: dict[str, Any]) -> dict[str, str]:
    """A customer row as the strings its edit form shows."""
    shown = {k: ("" if v is None else str(v)) for k, v in row.items()}
    if row.get("discount_pct") is not None:
        shown["discount_pct"] = f"{row['discount_pct'].normalize():f}"
    return shown


NOTE_LIMIT = 4000  #: characters of a note on the card


def note(text: Any, priority: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """A card note's ``text`` and ``priority`` (0, 1 or 2) read through the field kit, and what is refused.

    Both fields are read, so the card shows every problem at once; nothing is cut.
    """
    form = FieldReader({"text": text, "priority": priority or "0"})
    values = {"text": form.text("text", _l("Note"), NOTE_LIMIT, multiline=True),
              "priority": form.integer("priority", _l("Priority"), minimum=0, maximum=2)}
    if not values["text"] and "text" not in form.errors:
        form.errors["text"] = _("Write the note first.")
    if "priority" in form.errors:  # a choice on the card: say so, not "enter a number"
        form.errors["priority"] = _("Choose a priority.")
    return values, form.errors

