"""What a search term finds among a dealer's leads: index ranges on the keys derived on every write.

``name_key`` ("surname first name", folded), ``email_key`` and ``phone_rev``
(digits reversed) are written with each lead (:mod:`plugins.leads.fields`);
a term is a prefix range on one of them, chosen by what was typed
(:func:`term_sql`). A term of 3 characters or more also finds the leads
that hold it anywhere — digits in the middle of a number, "ová" inside a
name, the middle of an e-mail — through :data:`SUBSTRING`
(:func:`substring_fragments`), listed after the prefix matches.
"""

from __future__ import annotations

from typing import Any

from forecourt import SubstringIndex, fold, phone_search, prefix, prefix_sql, typed_as_number
from plugins.leads.tables import Lead

#: the trigram index over the search keys (made by a migration; kept in step by triggers / GIN)
SUBSTRING = SubstringIndex("leads_lead", ("name_key", "email_key", "phone_rev"))


def term_sql(q: str) -> tuple[str, tuple[Any, ...]]:
    """The list's condition for ``q``: a phone ending (4+ digits typed as a phone), an e-mail or a name prefix."""
    phone = phone_search(q)
    if phone is not None:
        return phone.sql("phone_rev")
    if "@" in q:
        return prefix_sql("email_key", q.lower())
    return prefix_sql("name_key", fold(q))


def substring_fragments(q: str) -> dict[str, str] | None:
    """What to look for where, for the leads that hold ``q`` anywhere (a phone's digits, a name / e-mail part).

    None for what trigrams cannot look up (under 3 characters, or fewer than
    4 digits typed as a number): the list then keeps the prefix search alone.
    """
    phone = phone_search(q)
    if phone is not None:
        return SUBSTRING.fragments({"phone_rev": phone.ending})  # reversed digits: a reversed fragment
    if typed_as_number(q):
        return None
    return SUBSTRING.fragments({"name_key": fold(q), "email_key": q.strip().lower()})


def phone_ending(fragment: str) -> Any:
    """The condition "the lead's phone ends with these digits" (the cross-dealer search's contact check)."""
    return prefix(Lead.phone_rev, fragment[::-1])
