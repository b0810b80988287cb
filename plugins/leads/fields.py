"""The lead form: choices and validation with messages people understand."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from forecourt import fold, parse_phone
from forecourt import gettext as _
from forecourt import lazy_gettext as _l

SOURCES = {"website": _l("Brand website"), "phone": _l("Phone call"), "walk_in": _l("Showroom visit"),
           "email": _l("E-mail"), "event": _l("Event or fair"), "referral": _l("Referral"),
           "import": _l("Import"), "other": _l("Other")}
REQUEST_TYPES = {"pre_order": _l("Pre-order"), "new_car": _l("New car"), "used_car": _l("Used car"),
                 "test_drive": _l("Test drive"), "service": _l("Service"), "financing": _l("Financing")}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
def clean(raw: dict[str, Any], language: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Column values from the lead form and field -> message for what is wrong (manual 001's required fields)."""
    get = {k: str(v or "").strip() for k, v in raw.items()}.get
    values: dict[str, Any] = {k: (get(k) or "")[:100] for k in ("surname", "first_name", "model", "version",
                                                                 "trim", "city")}
    errors: dict[str, str] = {}
    if not values["surname"]:
        errors["surname"] = _("Enter the customer's surname.")
    if not values["model"]:
        errors["model"] = _("Enter what the customer is interested in (a model).")
    email = (get("email") or "").lower()
    phone = get("phone") or ""
    if email and not EMAIL_RE.match(email):
        errors["email"] = _("Enter a valid e-mail address.")
    parsed = parse_phone(phone, language) if phone else None
    if phone and parsed is None:
        errors["phone"] = _("This is not a valid phone number. Include the country code, e.g. +420 601 234 567.")
    if not phone and not email:
        errors["phone"] = _("Enter a phone number or an e-mail address.")
    values["email"], values["email_key"] = email, email
    values["phone"], values["phone_rev"] = (parsed.display, parsed.digits[::-1]) if parsed else ("", "")
    values["source"] = get("source") or ""
    if values["source"] not in SOURCES:
        errors["source"] = _("Choose where the lead came from.")
    values["request_type"] = get("request_type") or ""
    if values["request_type"] not in REQUEST_TYPES:
        errors["request_type"] = _("Choose the type of request.")
    values["price"] = None
    if get("price"):
        try:
            values["price"] = Decimal((get("price") or "").replace(" ", "").replace(",", "."))
        except InvalidOperation:
            errors["price"] = _("Enter the price as a number.")
        else:
            if values["price"] < 0:
                errors["price"] = _("Enter the price as a number.")
    values["note"] = (get("note") or "")[:4000]
    values["name_key"] = fold(f"{values['surname']} {values['first_name']}")[:200]
    return values, errors
