"""What every plugin's list and search needs: keyset pages, folded-text prefixes and phone endings.

Each is an index range, so a page or a search costs the same at hundreds
of thousands of rows, and no page counts the whole table:

- :class:`Keyset` pages in (sort column, id) order. The token of the next
  page is ``"<last value>|<last id>"``; a token that cannot be read (typed,
  cut short, from another sort) gives the first page, never an error.
- :func:`prefix` / :func:`prefix_sql` are the range ``column >= key AND
  column < upper_bound(key)`` on a normalised column (``fold``-ed names,
  lower-case e-mails, reversed phone digits), for the query builder and for
  hand-written SQL alike.
- :func:`phone_search` decides whether a search term was typed as (part of)
  a phone number and gives the reversed digits to range over, so "45 67",
  "+7 916 123-45-67" and "89161234567" find the same stored number.

Plugins reach these through ``forecourt`` (``Keyset``, ``prefix``,
``prefix_sql``, ``phone_search``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from piccolo.columns import BigInt, Integer, Serial, Timestamp, Timestamptz

from core.text import digits, upper_bound

#: what a term typed as a phone or a number may hold (digits and phone punctuation, ``#`` for a number)
NUMBER_TYPED = re.compile(r"[#+\d\s()./-]+")
PHONE_MIN_DIGITS = 4  #: fewer digits than this are no phone search (they would match nearly every number)


def prefix(column: Any, key: str) -> Any:
    """The query-builder condition "``column`` starts with ``key``" as an index range."""
    return (column >= key) & (column < upper_bound(key))


def prefix_sql(name: str, key: str) -> tuple[str, tuple[str, str]]:
    """The same range for hand-written SQL: ``("name >= {} AND name < {}", (key, bound))``."""
    return f"{name} >= {{}} AND {name} < {{}}", (key, upper_bound(key))


def typed_as_number(q: str) -> bool:
    """True if ``q`` holds only digits and phone punctuation (and ``#``): a phone or a number, not a name."""
    return bool(NUMBER_TYPED.fullmatch(q.strip()))


@dataclass(frozen=True)
class PhoneSearch:
    """A term typed as a phone: ``ending`` (reversed digits) ranges over ``phone_rev``; ``whole`` are exact matches."""

    ending: str
    whole: tuple[str, ...] = ()

    def condition(self, column: Any) -> Any:
        """The query-builder condition on a reversed-digits column (``phone_rev``)."""
        condition = prefix(column, self.ending)
        for rev in self.whole:
            condition = condition | (column == rev)
        return condition

    def sql(self, name: str) -> tuple[str, tuple[str, ...]]:
        """The same for hand-written SQL, one bound parameter a value."""
        sql, params = prefix_sql(name, self.ending)
        parts, values = [sql], list(params)
        for rev in self.whole:
            parts.append(f"{name} = {{}}")
            values.append(rev)
        return "(" + " OR ".join(f"({p})" for p in parts) + ")", tuple(values)


def phone_search(q: str) -> PhoneSearch | None:
    """The phone search ``q`` asks for, or None (a name, an e-mail, a ``#number``, fewer than 4 digits).

    "89161234567" — the Russian way of writing +7 916 123-45-67 — also finds
    that number exactly.
    """
    q = q.strip()
    numbers = digits(q)
    if q.startswith("#") or len(numbers) < PHONE_MIN_DIGITS or not typed_as_number(q):
        return None
    whole = (("7" + numbers[1:])[::-1],) if len(numbers) == 11 and numbers[0] == "8" else ()
    return PhoneSearch(numbers[::-1], whole)


def _reader_of(column: Any) -> Callable[[str], Any]:
    if isinstance(column, Timestamptz | Timestamp):
        return dt.datetime.fromisoformat
    if isinstance(column, Integer | BigInt | Serial):
        return int
    return str


@dataclass(frozen=True)
class Keyset:
    """Keyset pagination on (``column``, id): the rows after the last one shown, in the same order.

    ``column`` is a Piccolo column; its name is what hand-written SQL orders
    by and what rows are read by. Guaranteed: every row comes exactly once
    across the pages (id breaks ties), and a bad token is the first page.
    """

    column: Any
    descending: bool = False

    @property
    def name(self) -> str:
        return str(self.column._meta.name)

    def read(self, token: str) -> tuple[Any, int] | None:
        """``(last value, last id)`` of a page token, or None (no token, or one that cannot be read)."""
        if not token:
            return None
        value, _sep, last_id = token.rpartition("|")
        try:
            return _reader_of(self.column)(value), int(last_id)
        except ValueError:
            return None

    def where(self, token: str, id_column: Any) -> Any | None:
        """The query-builder condition for the page after ``token`` (None for the first page)."""
        mark = self.read(token)
        if mark is None:
            return None
        key, last = mark
        if self.descending:
            return (self.column < key) | ((self.column == key) & (id_column < last))
        return (self.column > key) | ((self.column == key) & (id_column > last))

    def sql(self, token: str) -> tuple[str, tuple[Any, ...]] | None:
        """The same for hand-written SQL (``{}`` placeholders), None for the first page."""
        mark = self.read(token)
        if mark is None:
            return None
        op, name = ("<" if self.descending else ">"), self.name
        return f"({name} {op} {{}} OR ({name} = {{}} AND id {op} {{}}))", (mark[0], mark[0], mark[1])

    def order_sql(self) -> str:
        direction = "DESC" if self.descending else "ASC"
        return f"{self.name} {direction}, id {direction}"

    def order(self, query: Any, id_column: Any) -> Any:
        """``query`` ordered by the column and then id, both in this keyset's direction."""
        return query.order_by(self.column, ascending=not self.descending).order_by(
            id_column, ascending=not self.descending)

    def page(self, rows: Sequence[dict[str, Any]], limit: int) -> tuple[list[dict[str, Any]], str]:
        """The first ``limit`` of ``rows`` (read with ``limit + 1``) and the next page's token ("" at the end)."""
        if len(rows) <= limit:
            return list(rows), ""
        shown = list(rows[:limit])
        value = shown[-1][self.name]
        return shown, f"{value.isoformat() if isinstance(value, dt.datetime) else value}|{shown[-1]['id']}"
