"""The catalogue list's query: filters, sorts (keyset pages) and one page at any size.

A page never counts the table: keyset pagination on (sort column, id), and the
search is an index range (:mod:`plugins.orders.search.products`).
"""

from __future__ import annotations

from typing import Any

from forecourt import Keyset
from plugins.orders.search.products import term_sql
from plugins.orders.tables import Product, Stock

PAGE_SIZE = 50

#: a product's available quantity (on hand - reserved, over every warehouse): the ``orders_stock_place`` index
_AVAILABLE = ("(SELECT COALESCE(SUM(s.on_hand - s.reserved), 0) FROM orders_stock s "
              "WHERE s.dealer_id = p.dealer_id AND s.product_id = p.id)")
_COLUMNS = frozenset(c._meta.db_column_name for c in Product._meta.columns)
SORTS = {"name": Keyset(Product.name_key), "sku": Keyset(Product.sku_key),
         "newest": Keyset(Product.created_at, descending=True)}


async def search(dealer_id: int, *, q: str = "", kind: str = "", inactive: bool = False, sort: str = "name",
                 after: str = "", limit: int = PAGE_SIZE,
                 columns: tuple[str, ...] | None = None) -> tuple[list[dict[str, Any]], str]:
    """One page of the dealer's products (each with ``available``) and the token of the next page ("" at the end).

    ``columns``: the product columns a caller shows (``None``: all of them;
    ``id`` and the sort's column are always read) — the quick links shop
    reads no timestamps it never shows, which is half the query's time.
    """
    keyset = SORTS.get(sort, SORTS["name"])
    read = "p.*" if columns is None else ", ".join(
        f"p.{name}" for name in dict.fromkeys(("id", keyset.name, *columns)) if name in _COLUMNS)
    # hand-written, the page's stock summed in the same statement: the quick links shop asks on every view
    where, args = ["dealer_id = {}"], [dealer_id]
    if not inactive:
        where.append("active = {}")
        args.append(True)
    if kind:
        where.append("kind = {}")
        args.append(kind)
    if q.strip():
        sql, found = term_sql(q.strip())
        where.append(sql)
        args += found
    if (after_sql := keyset.sql(after)) is not None:
        where.append(after_sql[0])
        args += after_sql[1]
    rows = await Product.raw(f"SELECT {read}, {_AVAILABLE} AS available FROM orders_product p "
                             f"WHERE {' AND '.join(where)} ORDER BY {keyset.order_sql()} LIMIT {int(limit) + 1}", *args)
    shown, token = keyset.page(rows, limit)
    for row in shown:
        row["available"] = int(row["available"] or 0)
    return shown, token


async def available_by_product(dealer_id: int, ids: list[int]) -> dict[int, int]:
    """Available quantity (on hand - reserved, over every warehouse) of each of the products."""
    if not ids:
        return {}
    # hand-written: the catalogue and the quick links shop read it for every page
    wanted = sorted(set(ids))
    rows = await Stock.raw(f"SELECT product_id, on_hand, reserved FROM orders_stock WHERE dealer_id = {{}} "
                           f"AND product_id IN ({', '.join(['{}'] * len(wanted))})", dealer_id, *wanted)
    total: dict[int, int] = {}
    for row in rows:
        total[row["product_id"]] = total.get(row["product_id"], 0) + row["on_hand"] - row["reserved"]
    return total
