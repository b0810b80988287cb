"""The catalogue's forms: choices, labels, the VIN check, and turning what was typed into clean values.

Read with the core's field kit (:class:`forecourt.FieldReader`): text within its
column, numbers finite and in range, every refusal naming its field.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from forecourt import FieldReader
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.orders.tables import Product, Warehouse

KINDS = {"vehicle": _l("Vehicle"), "accessory": _l("Accessory"), "part": _l("Part"), "service": _l("Service")}
FUELS = {"petrol": _l("Petrol"), "diesel": _l("Diesel"), "hybrid": _l("Hybrid"), "electric": _l("Electric"),
         "lpg": _l("Gas (LPG/CNG)")}
CURRENCIES = ("EUR", "CZK", "RUB", "CNY", "USD")
LABELS = {"sku": _l("SKU"), "name": _l("Product name"), "unit": _l("Unit"), "base_price": _l("Base price"),
          "vin": _l("VIN"), "model": _l("Model"), "trim": _l("Trim"), "colour": _l("Colour"),
          "year": _l("Year"), "mileage": _l("Mileage (km)"), "quantity": _l("Quantity"),
          "warehouse_name": _l("Warehouse name"), "address": _l("Address")}
#: changes of these go to the product's history, under these labels
TRACKED = {k: LABELS[k] for k in ("sku", "name", "base_price", "vin", "model", "trim", "colour")}
VEHICLE_FIELDS = ("vin", "model", "trim", "fuel", "colour", "year", "mileage")

# ISO 3779 / FMVSS 115: letters' values and the positions' weights of the check digit (position 9)
_VALUES = {**{str(d): d for d in range(10)}, **{c: i + 1 for i, c in enumerate("ABCDEFGH")},
           **{c: i + 1 for i, c in enumerate("JKLMN")}, "P": 7, "R": 9, **{c: i + 2 for i, c in enumerate("STUVWXYZ")}}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
#: where a VIN's 9th character must be its check digit: North America (1-5) and China (L); ISO 3779 leaves
#: it free elsewhere, and many European makers use it for something else
_CHECKED_REGIONS = tuple("12345L")


def vin_check_digit(vin: str) -> str:
    """The check digit (``0`` to ``9``, or ``X``) of a 17-character VIN; position 9 is ignored."""
    total = sum(_VALUES.get(c, 0) * w for c, w in zip(vin, _WEIGHTS, strict=True))
    return "X" if total % 11 == 10 else str(total % 11)


def vin_problem(vin: str) -> str | None:
    """Why ``vin`` (upper-case, no spaces) is not a valid VIN, or None.

    python-stdnum (the pinned 2.2) has no VIN module, so the check is here: 17
    characters of digits and letters other than I, O and Q, and the check digit
    where the maker's region requires one (a European VIN without it is real).
    """
    if not _VIN_RE.match(vin):
        return _("A VIN has 17 letters and digits (no I, O or Q).")
    if vin.startswith(_CHECKED_REGIONS) and vin[8] != vin_check_digit(vin):
        return _("This VIN's check digit (the 9th character) does not fit: check it for typos.")
    return None


def clean_product(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Column values from a submitted product form, and field -> message for what is wrong."""
    form = FieldReader(raw)
    values: dict[str, Any] = {k: form.text(k, LABELS[k], getattr(Product, k).length)
                              for k in ("sku", "name", "unit", "model", "trim", "colour")}
    values["vin"] = form.text("vin", LABELS["vin"], 40).replace(" ", "").upper()
    kind, fuel, currency = (form.text(k, k, 20) for k in ("kind", "fuel", "currency"))
    values["base_price"] = form.decimal("base_price", LABELS["base_price"], Product.base_price, money=True)
    values["year"] = form.integer("year", LABELS["year"], minimum=1900, maximum=dt.date.today().year + 1)
    values["mileage"] = form.integer("mileage", LABELS["mileage"], minimum=0, maximum=9_999_999)
    values["active"] = raw.get("active") in ("1", "on", "true")
    errors = form.errors
    if not values["sku"] and "sku" not in errors:
        errors["sku"] = _("Enter the SKU (the product's code).")
    if not values["name"] and "name" not in errors:
        errors["name"] = _("Enter the product's name.")
    if kind not in KINDS:
        errors["kind"] = _("Choose what kind of product this is.")
    if currency and currency not in CURRENCIES:
        errors["currency"] = _("Choose one of the currencies offered.")
    if values["base_price"] is None and "base_price" not in errors:
        values["base_price"] = Decimal("0")
    values.update(kind=kind, currency=currency, fuel=fuel if kind == "vehicle" else "")
    if kind == "vehicle":
        if fuel and fuel not in FUELS:
            errors["fuel"] = _("Choose one of the fuels offered.")
        if not values["model"] and "model" not in errors:
            errors["model"] = _("Enter the vehicle's model.")
        if values["vin"] and "vin" not in errors and (problem := vin_problem(values["vin"])):
            errors["vin"] = problem
    else:  # only vehicles carry vehicle attributes
        values.update(vin="", model="", trim="", colour="", year=None, mileage=None)
    return values, errors


def clean_warehouse(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    form = FieldReader(raw)
    values = {"name": form.text("name", LABELS["warehouse_name"], Warehouse.name.length),
              "address": form.text("address", LABELS["address"], Warehouse.address.length)}
    if not values["name"] and "name" not in form.errors:
        form.errors["name"] = _("Enter the warehouse's name.")
    return values, form.errors


def clean_quantity(raw: dict[str, Any]) -> tuple[int | None, dict[str, str]]:
    form = FieldReader(raw)
    quantity = form.integer("quantity", LABELS["quantity"], minimum=0, maximum=1_000_000)
    if quantity is None and "quantity" not in form.errors:
        form.errors["quantity"] = _("Enter a quantity.")
    return quantity, form.errors


def form_values(row: dict[str, Any]) -> dict[str, Any]:
    """A product row as the form shows it (empty for what is not set)."""
    return {k: ("" if v is None else str(v)) for k, v in row.items()} | {"active": "1" if row["active"] else ""}
