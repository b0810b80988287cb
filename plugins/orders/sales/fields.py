"""The order form's fields: choices, labels, and turning what was typed into clean column values.

Read with the core's field kit (:class:`forecourt.FieldReader`): text within its
column, numbers finite and in range, every refusal naming its field in the
reader's language. The status, the stamped dates, the stock and the approval
are never read from a form (the workflow and the services own them).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from forecourt import FieldReader, parse_phone, read_id
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.orders.search.orders import keys as search_keys
from plugins.orders.tables import Order, OrderLine

PAYMENT_METHODS = {"cash": _l("Cash"), "card": _l("Card"), "bank_transfer": _l("Bank transfer"),
                   "online": _l("Online payment")}
DELIVERY_METHODS = {"pickup": _l("Pickup at the dealer"), "courier": _l("Courier"),
                    "transport": _l("Transport company")}
SOURCES = {"form": _l("Order form"), "inquiry": _l("Inquiry"), "quicklink": _l("Quick link"), "api": _l("API")}
APPROVAL = {"": _l("Not needed"), "pending": _l("Waiting for approval"), "approved": _l("Approved"),
            "completed": _l("Completed")}

LABELS = {"contact_name": _l("Customer's name"), "contact_phone": _l("Phone"), "contact_email": _l("E-mail"),
          "address": _l("Delivery address"), "waybill": _l("Waybill number"), "note": _l("Note"),
          "legal_name": _l("Company name"), "legal_tax_id": _l("Tax ID (INN)"),
          "legal_address": _l("Legal address"), "legal_bank": _l("Bank"), "legal_account": _l("Bank account"),
          "manager_id": _l("Responsible manager"), "payment_method": _l("Payment method"),
          "delivery_method": _l("Delivery method"), "warehouse_id": _l("Warehouse"),
          "customer_id": _l("Customer"), "quantity": _l("Quantity"), "discount_pct": _l("Discount %"),
          "bonus": _l("Bonus"), "product": _l("Product")}
TEXTS = ("contact_name", "contact_phone", "contact_email", "address", "waybill")
LEGAL = ("legal_name", "legal_tax_id", "legal_address", "legal_bank", "legal_account")
#: changes of these go to the order's history, under these labels
TRACKED: dict[str, Any] = {**{k: LABELS[k] for k in (*TEXTS, *LEGAL)},
                           "payment_method": (LABELS["payment_method"], PAYMENT_METHODS),
                           "delivery_method": (LABELS["delivery_method"], DELIVERY_METHODS)}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_LINES = 200


def clean_order(raw: dict[str, Any], language: str, *, managers: set[int], warehouses: set[int],
                keep_legal: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Column values of the order's own fields (not its lines), and field -> message for what is wrong.

    ``managers`` and ``warehouses`` are the ids of the dealer's users and
    warehouses: any other id is refused. The legal details are read only
    with payment by bank transfer; otherwise ``keep_legal`` (the stored ones)
    stays, so switching the method back and forth loses nothing.
    """
    form = FieldReader(raw)
    values: dict[str, Any] = {k: form.text(k, LABELS[k], getattr(Order, k).length) for k in TEXTS}
    values["note"] = form.text("note", LABELS["note"], 4000, multiline=True)
    errors = form.errors
    email = values["contact_email"].lower()
    if email and not EMAIL_RE.match(email):
        errors["contact_email"] = _("Enter a valid e-mail address.")
    values["contact_email"] = email
    if values["contact_phone"] and "contact_phone" not in errors:
        phone = parse_phone(values["contact_phone"], language)
        if phone is None:
            errors["contact_phone"] = _("This is not a valid phone number. Include the country code, "
                                        "e.g. +420 601 234 567.")
        else:
            values["contact_phone"] = phone.display
    for key, choices in (("payment_method", PAYMENT_METHODS), ("delivery_method", DELIVERY_METHODS)):
        chosen = raw.get(key) if isinstance(raw.get(key), str) else None
        values[key] = chosen or ""
        if values[key] and values[key] not in choices:
            errors[key] = _("Choose one of the options offered.")
            values[key] = ""
    for key, allowed in (("manager_id", managers), ("warehouse_id", warehouses)):
        typed = raw.get(key) if isinstance(raw.get(key), str) else ""
        chosen = read_id(typed) if typed else None
        if typed and chosen not in allowed:
            errors[key] = _("Choose one of the options offered.")
            chosen = None
        values[key] = chosen
    if values["payment_method"] == "bank_transfer":
        for key in LEGAL:
            values[key] = form.text(key, LABELS[key], getattr(Order, key).length)
    elif keep_legal is not None:
        values.update({key: keep_legal.get(key, "") for key in LEGAL})
    else:
        values.update({key: "" for key in LEGAL})
    values |= search_keys(values, language)  # the list's search columns (plugins.orders.search.orders)
    return values, errors


def clean_line(raw: dict[str, Any], prefix: str = "") -> tuple[dict[str, Any], dict[str, str]]:
    """Quantity, discount % and bonus of one line as typed (``prefix`` = the form's ``lines-3-``)."""
    form = FieldReader({k[len(prefix):]: v for k, v in raw.items() if k.startswith(prefix)})
    quantity = form.integer("quantity", LABELS["quantity"], minimum=1, maximum=100_000)
    pct = form.decimal("discount_pct", LABELS["discount_pct"], OrderLine.discount_pct)
    bonus = form.decimal("bonus", LABELS["bonus"], OrderLine.bonus, money=True)
    errors = {prefix + k: v for k, v in form.errors.items()}
    if pct is not None and pct > 100:
        errors[prefix + "discount_pct"] = _("A discount is at most 100 %.")
    return {"quantity": quantity if quantity is not None else 1, "discount_pct": pct or Decimal("0"),
            "bonus": bonus or Decimal("0")}, errors

#: the names of the dates the statuses stamp (manual 002), as the card shows them
STAMP_LABELS = {"reserved_at": _l("Reserved"), "written_off_at": _l("Written off"),
                "production_at": _l("Production started"), "shipped_at": _l("Shipped"),
                "prepaid_at": _l("Prepaid"), "held_at": _l("Hold / handed over"), "markup_at": _l("Markup computed"),
                "arrived_at": _l("Arrived"), "returned_at": _l("Returned"),
                "reserve_released_at": _l("Released from the reserve"),
                "hold_released_at": _l("Released from hold / handed over"),
                "markup_returned_at": _l("Markup returned"), "handed_over_at": _l("Handed over")}
