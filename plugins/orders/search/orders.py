"""Search keys of an order, derived on every write, and what an orders-list search term matches.

The order keeps its own copy of the contact (name, phone, e-mail) and a
waybill; :func:`keys` derives the indexed, normalised columns from them —
``name_key`` (folded) and ``name_key2`` (its words reversed, so "novák" finds
"Jan Novák"), ``email_key`` (lower case), ``phone_rev`` (the phone's digits
reversed, read in the dealer's country) and ``waybill_key`` (folded, without
spaces). Every write of an order's contact or waybill must store
``keys(...)`` with it (the sales services do).

A search term is then one or a few index ranges on ``(dealer_id, key)``
(:func:`term_branches`), chosen by what was typed, so a search costs the same at
a million orders:

* ``#123`` — the order number, exactly;
* digits and phone punctuation — the order number (up to 9 digits), the
  phone's ending (4+ digits, any format: :func:`forecourt.phone_search`)
  and the waybill's beginning;
* anything else — the name (either word order), the e-mail (when the term
  has ``@`` or ``.``) and the waybill, each a prefix.
"""

from __future__ import annotations

from typing import Any

from forecourt import digits, fold, parse_phone, phone_search, prefix_sql, typed_as_number

#: the widest number a term is read as (an order number, not a phone)
NUMBER_DIGITS = 9


def name_keys(name: str) -> tuple[str, str]:
    """The folded name and its words in reverse order."""
    key = fold(name)[:200]
    return key, " ".join(reversed(key.split()))[:200]


def waybill_key(waybill: str) -> str:
    """The waybill as searched: folded, without spaces or dashes ("RR 123-456 CZ" → "rr123456cz")."""
    return "".join(ch for ch in fold(waybill) if ch not in " -")[:60]


def keys(values: dict[str, Any], language: str = "") -> dict[str, str]:
    """The search columns of an order's contact and waybill (``language``: the dealer's, for local phones)."""
    name, name2 = name_keys(values.get("contact_name") or "")
    phone = values.get("contact_phone") or ""
    parsed = parse_phone(phone, language) if phone else None
    rev = (parsed.digits if parsed else digits(phone))[::-1][:20]
    return {"name_key": name, "name_key2": name2, "email_key": (values.get("contact_email") or "").strip().lower(),
            "phone_rev": rev, "waybill_key": waybill_key(values.get("waybill") or "")}


def _any(parts: list[tuple[str, tuple[Any, ...]]]) -> tuple[str, tuple[Any, ...]]:
    if not parts:
        return "FALSE", ()
    return "(" + " OR ".join(f"({sql})" for sql, _ in parts) + ")", tuple(v for _, params in parts for v in params)


def term_branches(q: str) -> list[tuple[str, tuple[Any, ...]]]:
    """What the term ``q`` matches, one index range a branch (hand-written SQL, ``{}`` placeholders); [] none.

    A row matches if it matches any branch. The list reads each branch through its own index and unites
    them (SQLite would otherwise scan the dealer's rows for an ``OR`` of ranges on different columns).
    """
    q = q.strip()
    parts: list[tuple[str, tuple[Any, ...]]] = []
    if typed_as_number(q):
        numbers = digits(q)
        if numbers and numbers == q.lstrip("#").strip() and len(numbers) <= NUMBER_DIGITS:
            parts.append(("number = {}", (int(numbers),)))
        if q.startswith("#"):
            return parts
        if (phone := phone_search(q)) is not None:
            parts.append(prefix_sql("phone_rev", phone.ending))
            parts += [("phone_rev = {}", (rev,)) for rev in phone.whole]
        if key := waybill_key(q):
            parts.append(prefix_sql("waybill_key", key))
        return parts
    key = fold(q)
    if not key:
        return parts
    parts.append(prefix_sql("name_key", key))
    parts.append(prefix_sql("name_key2", key))
    if "@" in q or "." in q:
        parts.append(prefix_sql("email_key", q.lower()))
    if bill := waybill_key(q):
        parts.append(prefix_sql("waybill_key", bill))
    return parts


def term_sql(q: str) -> tuple[str, tuple[Any, ...]]:
    """The same as one condition: the branches joined with ``OR`` (``FALSE`` when nothing can match)."""
    return _any(term_branches(q))
