"""Search keys of a customer, derived on every write, and what a search term matches among them.

Every lookup is a prefix range on an indexed column (:func:`forecourt.prefix`,
:func:`forecourt.phone_search`) — fast at hundreds of thousands of customers
per dealer. A term of 3 characters or more also finds the customers that
hold it anywhere (digits in the middle of a number, a fragment of a name or
an e-mail) through the trigram index :data:`SUBSTRING`
(:func:`substring_condition`); the list shows those after the prefix matches.
"""

from __future__ import annotations

from typing import Any

from piccolo.columns.combination import WhereRaw

from forecourt import (
    SubstringIndex,
    digits,
    engine_kind,
    fold,
    parse_phone,
    phone_search,
    prefix,
    prefix_sql,
    typed_as_number,
    upper_bound,
)
from plugins.customers.tables import Customer

__all__ = ["broad_condition", "digits", "fold", "name_keys", "parse_phone", "substring_condition",
           "substring_fragments", "term_condition", "upper_bound"]

#: the trigram index over the search keys (made by a migration; kept in step by triggers / GIN)
SUBSTRING = SubstringIndex("customers_customer", ("name_key", "email_key", "phone_rev"))


def name_keys(name: str) -> tuple[str, str]:
    """The folded name and its words in reverse order, so "novák" finds "Jan Novák"."""
    key = fold(name)[:200]
    return key, " ".join(reversed(key.split()))[:200]


def term_condition(q: str) -> Any:
    """Name prefix (either word order), e-mail prefix, phone-ending fragment or customer number.

    What was typed decides which indexed columns are searched: digits (and
    phone punctuation) only search phones and numbers, anything else names
    and e-mails — each branch is an index range, so a search costs the same
    at any size.
    """
    q = q.strip()
    if typed_as_number(q):
        return _number_condition(q)
    key = fold(q)
    condition = prefix(Customer.name_key, key) | prefix(Customer.name_key2, key)
    if "@" in q or "." in q:
        condition = condition | prefix(Customer.email_key, q.lower())
    return condition


def term_sql(q: str) -> tuple[str, tuple[Any, ...]]:
    """:func:`term_condition` as hand-written SQL (``{}`` placeholders), to leave its matches out."""
    q = q.strip()
    parts: list[tuple[str, tuple[Any, ...]]] = []
    if typed_as_number(q):
        numbers = digits(q)
        if (phone := phone_search(q)) is not None:
            parts.append(phone.sql("phone_rev"))
        if numbers and numbers == q.lstrip("#").strip() and len(numbers) <= 9:
            parts.append(("number = {}", (int(numbers),)))
    else:
        key = fold(q)
        parts += [prefix_sql("name_key", key), prefix_sql("name_key2", key)]
        if "@" in q or "." in q:
            parts.append(prefix_sql("email_key", q.lower()))
    if not parts:
        return "id < 0", ()
    return "(" + " OR ".join(f"({sql})" for sql, _ in parts) + ")", tuple(v for _, values in parts for v in values)


def substring_fragments(q: str) -> dict[str, str] | None:
    """What to look for where, for the customers that hold ``q`` anywhere, or None.

    A phone typed (4+ digits) is looked for among the phones' digits, any
    other term among the folded names and the e-mails. None for what
    trigrams cannot look up (under 3 characters, fewer than 4 digits): the
    list keeps the prefix search alone.
    """
    q = q.strip()
    if (phone := phone_search(q)) is not None:
        return SUBSTRING.fragments({"phone_rev": phone.ending})
    if typed_as_number(q):
        return None
    return SUBSTRING.fragments({"name_key": fold(q), "email_key": q.lower()})


async def substring_condition(q: str) -> Any | None:
    """The customers holding ``q`` anywhere and not matched by :func:`term_condition`, or None."""
    fragments = substring_fragments(q)
    inside = None if fragments is None else await SUBSTRING.lookup_sql(fragments)
    if inside is None:
        return None
    prefix_part = term_sql(q)
    return WhereRaw(f"{inside[0]} AND NOT {prefix_part[0]}", *inside[1], *prefix_part[1])


def _number_condition(q: str) -> Any:
    numbers = digits(q)
    branches = []
    if (phone := phone_search(q)) is not None:
        branches.append(phone.condition(Customer.phone_rev))
    if numbers and numbers == q.lstrip("#").strip() and len(numbers) <= 9:
        branches.append(Customer.number == int(numbers))
    if not branches:
        return Customer.id < 0  # nothing can match
    condition = branches[0]
    for branch in branches[1:]:
        condition = condition | branch
    return condition


def broad_condition(q: str) -> Any:
    """The search condition for a term that matches many customers, kept off the name indexes on SQLite.

    SQLite would range over the (broad) name index and sort thousands of rows; the unary ``+`` keeps it
    on the list's sort index, where a page of a common name is found within a few rows.
    """
    if engine_kind() == "sqlite" and not typed_as_number(q):
        key, bound = fold(q), upper_bound(fold(q))
        return WhereRaw("((+name_key >= {} AND +name_key < {}) OR (+name_key2 >= {} AND +name_key2 < {}))",
                        key, bound, key, bound)
    return term_condition(q)
