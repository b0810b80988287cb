"""Search keys of a customer, derived on every write (see :mod:`core.text` via ``forecourt``).

Every lookup is a prefix range on an indexed column — fast at hundreds of
thousands of customers per dealer.
"""

from __future__ import annotations

from forecourt import digits, fold, parse_phone, upper_bound

__all__ = ["digits", "fold", "name_keys", "parse_phone", "upper_bound"]


def name_keys(name: str) -> tuple[str, str]:
    """The folded name and its words in reverse order, so "novák" finds "Jan Novák"."""
    key = fold(name)[:200]
    return key, " ".join(reversed(key.split()))[:200]
