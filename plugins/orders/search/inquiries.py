"""What an inquiry search term matches: a phone typed in any format (its ending), or an inquiry's number.

A phone is a range over the reversed digits (``phone_rev``, indexed per
dealer), so "45 67", "+7 916 123-45-67" and "89161234567" find the same
caller; "#12" (or a short number) is the inquiry numbered 12. A term that is
neither (a name) matches no inquiry: they are found by their caller's number.
"""

from __future__ import annotations

from typing import Any

from forecourt import phone_search, read_id
from plugins.orders.tables import Inquiry


def term_condition(q: str) -> Any:
    """The condition for ``q`` (nothing matches a term that is neither a phone nor a number)."""
    phone = phone_search(q)
    if phone is not None:
        return phone.condition(Inquiry.phone_rev)
    number = read_id(q.strip().lstrip("#"))
    if number is not None:
        return Inquiry.number == number
    return Inquiry.id < 0
