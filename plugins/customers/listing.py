"""The customers list and search: keyset pages and index-friendly conditions at any size.

Every condition is a range on an indexed, normalised column (see
:mod:`plugins.customers.search`); a page never counts the whole table.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from piccolo.columns.combination import WhereRaw

from forecourt import day_start, digits, engine_kind, fold, now, upper_bound
from plugins.customers.tables import Customer

PAGE_SIZE = 50

def _text_condition(q: str) -> Any:
    """Name prefix (either word order), e-mail prefix, phone-ending fragment or customer number.

    What was typed decides which indexed columns are searched: digits (and
    phone punctuation) only search phones and numbers, anything else names
    and e-mails — each branch is an index range, so a search costs the same
    at any size.
    """
    q = q.strip()
    if re.fullmatch(r"[#+\d\s()./-]+", q):
        return _number_condition(q)
    key = fold(q)
    condition = ((Customer.name_key >= key) & (Customer.name_key < upper_bound(key))) | (
        (Customer.name_key2 >= key) & (Customer.name_key2 < upper_bound(key)))
    if "@" in q or "." in q:
        email = q.lower()
        condition = condition | ((Customer.email_key >= email) & (Customer.email_key < upper_bound(email)))
    return condition


def _number_condition(q: str) -> Any:
    numbers = digits(q)
    branches = []
    if len(numbers) >= 4 and not q.startswith("#"):
        rev = numbers[::-1]
        branches.append((Customer.phone_rev >= rev) & (Customer.phone_rev < upper_bound(rev)))
        if len(numbers) == 11 and numbers[0] == "8":  # "89161234567", the Russian way of writing +7 916…
            branches.append(Customer.phone_rev == ("7" + numbers[1:])[::-1])
    if numbers and numbers == q.lstrip("#").strip() and len(numbers) <= 9:
        branches.append(Customer.number == int(numbers))
    if not branches:
        return Customer.id < 0  # nothing can match
    condition = branches[0]
    for branch in branches[1:]:
        condition = condition | branch
    return condition


def _broad_condition(q: str) -> Any:
    """The search condition for a term that matches many customers, kept off the name indexes on SQLite.

    SQLite would range over the (broad) name index and sort thousands of rows; the unary ``+`` keeps it
    on the list's sort index, where a page of a common name is found within a few rows.
    """
    if engine_kind() == "sqlite" and not re.fullmatch(r"[#+\d\s()./-]+", q.strip()):
        key, bound = fold(q), upper_bound(fold(q))
        return WhereRaw("((+name_key >= {} AND +name_key < {}) OR (+name_key2 >= {} AND +name_key2 < {}))",
                        key, bound, key, bound)
    return _text_condition(q)


#: a search term matching at most this many customers is looked up through its own index first
NARROW = 1000

#: what lists and cards show (a list page converts only these)
LIST_COLUMNS = (Customer.id, Customer.number, Customer.name, Customer.phone, Customer.email, Customer.address,
                Customer.city, Customer.status, Customer.temperature, Customer.source, Customer.discount_pct,
                Customer.blacklisted, Customer.blacklist_reason, Customer.invalid, Customer.created_at,
                Customer.name_key)

SORTS = {
    "newest": (Customer.created_at, False), "oldest": (Customer.created_at, True),
    "name": (Customer.name_key, True), "number": (Customer.number, True),
}


async def search(dealer_id: int, *, q: str = "", status: str = "", temperature: str = "", source: str = "",
                 model: str = "", followup: str = "", created_from: dt.date | None = None,
                 created_to: dt.date | None = None, invalid: bool = False, sort: str = "newest",
                 after: str = "", limit: int = PAGE_SIZE) -> tuple[list[dict[str, Any]], str]:
    """One page of the dealer's customers and the token of the next page ("" at the end).

    Keyset pagination on (sort column, id): every page costs the same at
    hundreds of thousands of customers, and no page counts the whole table.
    """
    column, ascending = SORTS.get(sort, SORTS["newest"])
    where: list[Any] = [Customer.invalid == invalid]
    if status:
        where.append(Customer.status == status)
    if temperature:
        where.append(Customer.temperature == temperature)
    if source:
        where.append(Customer.source == source)
    if model.strip():
        where.append(Customer.intended_model.ilike(f"%{model.strip()}%"))
    moment = now()
    if followup == "overdue":
        where.append(Customer.next_followup_at < moment)
    elif followup == "planned":
        where.append(Customer.next_followup_at >= moment)
    elif followup == "none":
        where.append(Customer.next_followup_at.is_null())
    if created_from:
        where.append(Customer.created_at >= day_start(created_from))
    if created_to:
        where.append(Customer.created_at < day_start(created_to + dt.timedelta(days=1)))
    if after:
        value, _sep, last_id = after.rpartition("|")
        try:
            key: Any = int(value) if column is Customer.number else (
                dt.datetime.fromisoformat(value) if column is Customer.created_at else value)
            last = int(last_id)
        except ValueError:
            key, last = None, None
        if key is not None:
            if ascending:
                where.append((column > key) | ((column == key) & (Customer.id > last)))
            else:
                where.append((column < key) | ((column == key) & (Customer.id < last)))

    def select(*columns: Any) -> Any:
        query = Customer.scoped(dealer_id).select(*columns)
        for condition in where:
            query = query.where(condition)
        return query

    def order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda r: (r[column._meta.name], r["id"]), reverse=not ascending)

    rows: list[dict[str, Any]] | None = None
    if q.strip():
        # The term's own indexes first, with no ORDER BY to tempt the planner elsewhere. A narrow term
        # (at most NARROW matches) is sorted here and only one page of rows is read; a broad one is
        # listed along the sort index, where a page of it is found within a few rows.
        keys = await select(Customer.id, column).where(_text_condition(q)).limit(NARROW + 1)
        if len(keys) <= NARROW:
            page_ids = [k["id"] for k in order(keys)[:limit + 1]]
            rows = order(await Customer.scoped(dealer_id).select(*LIST_COLUMNS).where(
                Customer.id.is_in(page_ids or [-1])))
        else:
            where.append(_broad_condition(q))
    if rows is None:
        rows = await select(*LIST_COLUMNS).order_by(column, ascending=ascending).order_by(
            Customer.id, ascending=ascending).limit(limit + 1)
    token = ""
    if len(rows) > limit:
        rows = rows[:limit]
        last_row = rows[-1]
        value = last_row[column._meta.name]
        token = f"{value.isoformat() if isinstance(value, dt.datetime) else value}|{last_row['id']}"
    return rows, token
