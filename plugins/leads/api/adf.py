"""ADF 1.0 (Auto-lead Data Format, the car trade's XML for leads) read into leads.

A document (``<adf>``, or a bare ``<prospect>``) may hold several
prospects; each becomes a :class:`Prospect` of its own. What a dealer reads
is mapped: the customer's names (``part="first|middle|last|full"``, a full
"Nováková, Eva" is surname first), every ``<phone>`` (a voice or cell number
preferred, fax and pager numbers and empty ones passed over), the e-mail,
the address and its city, the comments with any markup read as text, the
vehicle the customer wants (``interest="buy|lease|test-drive"``; a
``trade-in`` or ``sell`` vehicle is kept as a trade-in of its own), its
year, VIN, stock number, odometer, colour, price and currency, the
timeframe, the provider and the vendor. Whatever else the prospect says stays
in its XML, which is kept with the lead.

The parser is defusedxml's: no entities, so no entity bombs and no external
entities (XXE).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, tostring

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from forecourt import Message, parse_phone
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.leads.api.problems import Problem

MAX_PROSPECTS = 100
_DECLARATION = re.compile(r"<\?xml\s[^>]*\?>", re.IGNORECASE)
PASSED_OVER_PHONES = ("fax", "pager")
TRADE_INTERESTS = ("trade-in", "sell")
#: the details shown on the lead's card, in this order
DETAIL_LABELS = {
    "requested_at": _l("Requested"), "ids": _l("Sender's ids"), "address": _l("Address"),
    "other_phones": _l("Other phones"), "other_emails": _l("Other e-mails"), "contact_time": _l("Best time to call"),
    "year": _l("Year"), "vehicle_status": _l("New or used"), "interest": _l("Interest"), "vin": _l("VIN"),
    "stock": _l("Stock number"), "odometer": _l("Odometer"), "colour": _l("Colour"),
    "body": _l("Body style"), "transmission": _l("Transmission"), "price": _l("Price as sent"),
    "options": _l("Options"), "finance": _l("Finance"), "vehicle_comments": _l("Vehicle comments"),
    "other_vehicles": _l("Other vehicles"), "trade_in": _l("Trade-in"), "timeframe": _l("Timeframe"),
    "provider": _l("Sent by"), "vendor": _l("For"),
}


#: ADF's words for a vehicle's status and the customer's interest, as the card shows them
VALUE_LABELS = {"new": _l("New"), "used": _l("Used"), "buy": _l("Buy"), "lease": _l("Lease"),
                "sell": _l("Sell"), "trade-in": _l("Trade-in"), "test-drive": _l("Test drive")}


@dataclass
class Prospect:
    """One ``<prospect>``: the lead's fields as :func:`plugins.leads.fields.read` takes them, and the rest."""

    values: dict[str, Any]
    details: dict[str, str]
    id_source: str = ""
    external_id: str = ""
    resend: bool = False
    document: str = ""
    currency: str = ""  #: of its price, as sent ("" when not said)
    notes: list[Message] = field(default_factory=list)


def _name(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""


def _children(element: Element | None, name: str) -> list[Element]:
    return [child for child in element if _name(child) == name] if element is not None else []


def _child(element: Element | None, name: str) -> Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _line(element: Element | None) -> str:
    """An element's text on one line, markup read as text ("Hello <b>bold</b> world" -> "Hello bold world")."""
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _block(element: Element | None) -> str:
    """An element's text with its line breaks, markup read as text."""
    if element is None:
        return ""
    lines = [" ".join(line.split()) for line in "".join(element.itertext()).splitlines()]
    return "\n".join(line for line in lines if line).strip()


def _text(element: Element | None, name: str) -> str:
    return _line(_child(element, name))


def split_full_name(full: str) -> tuple[str, str]:
    """``(first, last)`` of a full name: "Nováková, Eva" is surname first; "John Q Doe" ends with the surname."""
    if "," in full:
        last, _sep, first = full.partition(",")
        return " ".join(first.split()), " ".join(last.split())
    words = full.split()
    return " ".join(words[:-1]), (words[-1] if words else "")


def _names(contact: Element | None) -> tuple[str, str]:
    parts: dict[str, str] = {}
    for name in _children(contact, "name"):
        parts.setdefault((name.get("part") or "full").lower(), _line(name))
    first = " ".join(p for p in (parts.get("first", ""), parts.get("middle", "")) if p)
    last = parts.get("last", "")
    if not last and parts.get("full"):
        full_first, last = split_full_name(parts["full"])
        first = first or full_first
    if parts.get("suffix") and last:
        last = f"{last} {parts['suffix']}"
    return first, last


def _phones(contact: Element | None, language: str) -> tuple[str, list[str], str]:
    """The phone to call (valid for the dealer's country if any is), the others, and when to call."""
    found = []
    for phone in _children(contact, "phone"):
        number, kind = _line(phone), (phone.get("type") or "voice").lower()
        if number and kind not in PASSED_OVER_PHONES:
            found.append((phone.get("preferredcontact") != "1", number, phone.get("time") or ""))
    found.sort(key=lambda item: item[0])  # the preferred one first, otherwise as listed
    numbers = [number for _later, number, _time in found]
    chosen = next((n for n in numbers if parse_phone(n, language)), numbers[0] if numbers else "")
    others = [_line(p) + f" ({(p.get('type') or 'voice').lower()})" for p in _children(contact, "phone")
              if _line(p) and _line(p) != chosen]
    time = next((t for _later, n, t in found if n == chosen and t), "")
    return chosen, others, time


def _address(contact: Element | None) -> tuple[str, str]:
    """``(one line for people, city)``."""
    address = _child(contact, "address")
    if address is None:
        return "", ""
    streets = [_line(s) for s in _children(address, "street")] + [_text(address, "apartment")]
    city = _text(address, "city")
    town = " ".join(p for p in (_text(address, "postalcode"), city) if p)
    parts = [*streets, town, _text(address, "regioncode"), _text(address, "country")]
    return ", ".join(p for p in parts if p), city


def _vehicle_line(vehicle: Element) -> str:
    words = [_text(vehicle, "year"), _text(vehicle, "make"), _text(vehicle, "model"), _text(vehicle, "trim")]
    line = " ".join(w for w in words if w)
    extras = [f"VIN {_text(vehicle, 'vin')}" if _text(vehicle, "vin") else "", _odometer(vehicle),
              _text(vehicle, "comments")]
    return "; ".join(p for p in (line, *extras) if p)


def _odometer(vehicle: Element) -> str:
    odometer = _child(vehicle, "odometer")
    if odometer is None or not _line(odometer):
        return ""
    return " ".join(p for p in (_line(odometer), odometer.get("units") or "") if p)


def _colour(vehicle: Element) -> str:
    combos = []
    for combo in _children(vehicle, "colorcombination"):
        shown = " / ".join(p for p in (_text(combo, "exteriorcolor"), _text(combo, "interiorcolor")) if p)
        if shown:
            combos.append(shown)
    return "; ".join(combos)


def _options(vehicle: Element) -> str:
    return "; ".join(_text(o, "optionname") for o in _children(vehicle, "option") if _text(o, "optionname"))


def _finance(vehicle: Element) -> str:
    finance = _child(vehicle, "finance")
    if finance is None:
        return ""
    amounts = [" ".join(p for p in (a.get("type") or "", _line(a), a.get("currency") or "") if p)
               for a in _children(finance, "amount")]
    return "; ".join(p for p in (_text(finance, "method"), *amounts, _text(finance, "balance")) if p)


def _wanted(vehicles: list[Element]) -> tuple[Element | None, list[Element], list[Element]]:
    """The vehicle the customer is after, other wanted ones, and the trade-ins."""
    interest = [(v, (v.get("interest") or "buy").lower()) for v in vehicles]
    wanted = [v for v, i in interest if i not in TRADE_INTERESTS]
    trades = [v for v, i in interest if i in TRADE_INTERESTS]
    main = wanted[0] if wanted else (trades[0] if trades else None)
    return main, [v for v in wanted if v is not main], [v for v in trades if v is not main]


def _request_type(vehicle: Element | None) -> str:
    if vehicle is None:
        return "new_car"
    interest, status = (vehicle.get("interest") or "buy").lower(), (vehicle.get("status") or "new").lower()
    if interest == "test-drive":
        return "test_drive"
    if interest == "lease":
        return "financing"
    return "used_car" if status == "used" or interest in TRADE_INTERESTS else "new_car"


def _vehicle_details(vehicle: Element | None, details: dict[str, str]) -> tuple[str, str]:
    """The wanted vehicle's details into ``details``; returns its price as sent and its currency."""
    if vehicle is None:
        return "", ""
    price = _child(vehicle, "price")
    price_text, currency = _line(price), ((price.get("currency") or "") if price is not None else "").upper()
    details.update({
        "year": _text(vehicle, "year"), "vehicle_status": (vehicle.get("status") or "").lower(),
        "interest": (vehicle.get("interest") or "").lower(), "vin": _text(vehicle, "vin"),
        "stock": _text(vehicle, "stock"), "odometer": _odometer(vehicle), "colour": _colour(vehicle),
        "body": _text(vehicle, "bodystyle"), "transmission": _text(vehicle, "transmission"),
        "options": _options(vehicle), "finance": _finance(vehicle), "vehicle_comments": _block(_child(vehicle,
                                                                                                 "comments")),
    })
    if price is not None and price_text:
        kind = price.get("type") or ""
        details["price"] = " ".join(p for p in (price_text, currency, f"({kind})" if kind else "") if p)
    return price_text, currency


def _timeframe(customer: Element | None) -> str:
    frame = _child(customer, "timeframe")
    if frame is None:
        return ""
    dates = " – ".join(d for d in (_text(frame, "earliestdate"), _text(frame, "latestdate")) if d)
    return " ".join(p for p in (_text(frame, "description"), f"({dates})" if dates else "") if p)


def _party(element: Element | None, name_tag: str) -> str:
    """A provider or vendor on one line: its name, service, contact, web address."""
    if element is None:
        return ""
    contact = _child(element, "contact")
    person = " ".join(_line(n) for n in _children(contact, "name"))
    parts = [_text(element, name_tag) or _line(_child(element, "name")), _text(element, "service"), person,
             _text(element, "url"), _text(element, "email") or _text(contact, "email"),
             _text(element, "phone") or _text(contact, "phone")]
    return ", ".join(p for p in parts if p)


def prospect(element: Element, language: str) -> Prospect:
    """The lead one ``<prospect>`` describes (``language``: the dealer's, to choose among its phones)."""
    customer = _child(element, "customer")
    contact = _child(customer, "contact")
    first, last = _names(contact)
    phone, other_phones, time = _phones(contact, language)
    emails = [_line(e) for e in _children(contact, "email") if _line(e)]
    address, city = _address(contact)
    vehicles = _children(element, "vehicle")
    main, others, trades = _wanted(vehicles)
    details: dict[str, str] = {
        "requested_at": _text(element, "requestdate"),
        "address": address, "other_phones": "; ".join(other_phones), "other_emails": "; ".join(emails[1:]),
        "contact_time": time, "timeframe": _timeframe(customer),
        "other_vehicles": "\n".join(_vehicle_line(v) for v in others),
        "trade_in": "\n".join(_vehicle_line(v) for v in trades),
        "provider": _party(_child(element, "provider"), "name"),
        "vendor": _party(_child(element, "vendor"), "vendorname"),
    }
    price, currency = _vehicle_details(main, details)
    ids = _children(element, "id")
    details["ids"] = "; ".join(f"{i.get('source') or '?'}: {_line(i)}" for i in ids if _line(i))
    ref = ids[0] if ids else None
    model = " ".join(p for p in (_text(main, "make"), _text(main, "model")) if p) if main is not None else ""
    values = {"surname": last, "first_name": first, "email": emails[0] if emails else "", "phone": phone,
              "model": model, "trim": _text(main, "trim") if main is not None else "", "city": city,
              "price": price, "note": _block(_child(customer, "comments")), "source": "import",
              "request_type": _request_type(main)}
    return Prospect(values=values, details={k: v for k, v in details.items() if v},
                    id_source=(ref.get("source") or "").strip() if ref is not None else "",
                    external_id=_line(ref), resend=(element.get("status") or "").lower() == "resend",
                    document=tostring(element, encoding="unicode"), currency=currency)


def _without_declarations(text: str) -> str:
    """The text with its XML declarations blanked out (positions kept).

    The text is decoded already, so a declaration says nothing more; and the
    ADF 1.0 specification's own example puts ``<?XML VERSION "1.0"?>`` after
    ``<?ADF VERSION "1.0"?>``, which an XML parser refuses.
    """
    return _DECLARATION.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def parse(text: str, language: str) -> list[Prospect]:
    """Every prospect of an ADF document; :class:`Problem` (400) when it is not ADF, with where reading stopped."""
    try:
        root = ElementTree.fromstring(_without_declarations(text))
    except ElementTree.ParseError as exc:
        line, column = exc.position
        raise Problem("malformed", _("This is not well-formed XML: %(problem)s.") % {"problem": str(exc)},
                      line=line, column=column + 1) from None
    except DefusedXmlException:
        raise Problem("malformed", _("The XML declares entities, which are not accepted.")) from None
    if _name(root) == "prospect":
        found = [root]
    elif _name(root) == "adf":
        found = _children(root, "prospect")
    else:
        found = []
    if not found:
        raise Problem("not-adf", _("The document's root must be <adf> with at least one <prospect>."))
    if len(found) > MAX_PROSPECTS:
        raise Problem("too-large", _("At most %(count)d prospects per document.") % {"count": MAX_PROSPECTS})
    try:
        return [prospect(element, language) for element in found]
    except RecursionError:  # elements nested thousands deep (defusedxml does not limit depth)
        raise Problem("malformed", _("The XML is nested too deeply.")) from None
