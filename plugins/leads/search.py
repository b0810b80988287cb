"""What a search term finds among a dealer's leads: index ranges on the keys derived on every write.

``name_key`` ("surname first name", folded), ``email_key`` and ``phone_rev``
(digits reversed) are written with each lead (:mod:`plugins.leads.fields`);
a term is a prefix range on one of them, chosen by what was typed.
"""

from __future__ import annotations

from typing import Any

from forecourt import fold, phone_search, prefix, prefix_sql
from plugins.leads.tables import Lead


def term_sql(q: str) -> tuple[str, tuple[Any, ...]]:
    """The list's condition for ``q``: a phone ending (4+ digits typed as a phone), an e-mail or a name prefix."""
    phone = phone_search(q)
    if phone is not None:
        return phone.sql("phone_rev")
    if "@" in q:
        return prefix_sql("email_key", q.lower())
    return prefix_sql("name_key", fold(q))


def phone_ending(fragment: str) -> Any:
    """The condition "the lead's phone ends with these digits" (the cross-dealer search's contact check)."""
    return prefix(Lead.phone_rev, fragment[::-1])
