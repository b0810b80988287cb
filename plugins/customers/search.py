"""Search keys of a customer, derived on every write, and what a search term matches among them.

Every lookup is a prefix range on an indexed column (:func:`forecourt.prefix`,
:func:`forecourt.phone_search`) — fast at hundreds of thousands of customers
per dealer.
"""

from __future__ import annotations

from typing import Any

from piccolo.columns.combination import WhereRaw

from forecourt import digits, engine_kind, fold, parse_phone, phone_search, prefix, typed_as_number, upper_bound
from plugins.customers.tables import Customer

__all__ = ["broad_condition", "digits", "fold", "name_keys", "parse_phone", "term_condition", "upper_bound"]


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
