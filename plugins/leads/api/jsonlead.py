"""One lead as a JSON object: its fields, what each may hold, and the lead values they give.

:data:`FIELDS` is the one description of the JSON body: the reader below
takes exactly these fields, and the OpenAPI schema is written from them, so
the two cannot disagree. Limits come from the lead table's columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forecourt import FieldError, Message, read_text, search_text
from forecourt import gettext as _
from plugins.leads import fields
from plugins.leads.tables import Lead


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  #: "string", or "number" (a JSON number or a string such as "1 049 900 Kč")
    limit: int
    description: str
    example: Any = None
    choices: tuple[str, ...] = ()


FIELDS: tuple[Field, ...] = (
    Field("surname", "string", Lead.surname.length, "The customer's surname (required).", "Nováková"),
    Field("first_name", "string", Lead.first_name.length, "The customer's first name.", "Eva"),
    Field("email", "string", Lead.email.length, "E-mail address (an e-mail or a phone is required).",
          "eva.novakova@example.com"),
    Field("phone", "string", fields.PHONE_TYPED_LIMIT, "Phone number, best with the country code; a number the "
          "dealer's country cannot read is kept as sent and flagged.", "+420 601 234 567"),
    Field("model", "string", Lead.model.length, "What the customer is interested in (required).", "Peugeot 3008"),
    Field("version", "string", Lead.version.length, "The model's version.", "Hybrid 136"),
    Field("trim", "string", Lead.trim.length, "The trim.", "Allure"),
    Field("city", "string", Lead.city.length, "The customer's city.", "Praha"),
    Field("price", "number", 64, "The price, a JSON number or text as people write it (\"1 049 900 Kč\"); "
          "an unreadable price is left out and flagged, the lead is kept.", 1049900),
    Field("currency", "string", 3, "ISO 4217 code of the price; a price in another currency than the dealer's "
          "is kept with the details, not as the lead's price.", "CZK"),
    Field("note", "string", fields.NOTE_LIMIT, "The customer's comments.", "Please call after 5 pm."),
    Field("request_type", "string", 30, "The type of request (default new_car).", "new_car",
          tuple(fields.REQUEST_TYPES)),
    Field("source", "string", 30, "Where the lead came from (default import).", "import", tuple(fields.SOURCES)),
    Field("external_id", "string", 100, "Your id of the lead: sending it again finds the lead instead of making "
          "a second one, and updates its contacts and comments.", "AS-2026-0042"),
)
NAMES = frozenset(f.name for f in FIELDS)
#: messages name a refused field by its key, as the sender wrote it ("note: at most 4000 characters.")
LABELS = {f.name: f.name for f in FIELDS}
#: what is not the lead's but the document's: read here; the lead's own fields are read once, by the lead's reading
OWN = ("currency", "external_id")


@dataclass
class JsonLead:
    values: dict[str, Any]
    external_id: str
    currency: str
    notes: list[Message]
    errors: dict[str, str]


def read(data: dict[str, Any]) -> JsonLead:
    """The lead fields of a JSON object as sent, and the document's own (currency, id), read here.

    The lead's fields (text, limits, required fields, phone, price) are read
    once, by :func:`plugins.leads.incoming.read` with :data:`LABELS`; fields
    this API does not know are ignored and named in a note.
    """
    errors: dict[str, str] = {}
    values: dict[str, Any] = {spec.name: data.get(spec.name) for spec in FIELDS if spec.name not in OWN}
    for spec in FIELDS:
        if spec.name in OWN:
            try:
                values[spec.name] = read_text(data.get(spec.name), spec.name, spec.limit)
            except FieldError as exc:
                errors[spec.name] = exc.message
    values["source"] = values.get("source") or "import"
    values["request_type"] = values.get("request_type") or "new_car"
    unknown = sorted(search_text(str(k), 40) for k in data if k not in NAMES)
    notes = [Message("Fields this API does not know were ignored: %(names)s.", names=", ".join(unknown[:20]))
             ] if unknown else []
    currency = str(values.pop("currency", "") or "").upper()
    if currency and not (len(currency) == 3 and currency.isalpha() and currency.isascii()):
        errors["currency"] = _("currency: a three-letter code such as CZK or EUR.")
    return JsonLead(values, str(values.pop("external_id", "") or ""), currency, notes, errors)
