"""Checking the rows of an import against the dealer's catalogue: what each would do, and what is wrong.

The same rules as the product form, because they are its rules: every row's
product goes through :func:`plugins.orders.catalogue.fields.clean_product`
(the VIN check, lengths, numbers in the reader's language), its stock through
``clean_quantity`` and ``clean_warehouse``. On top, what only a file can get
wrong: a SKU twice in the file, a quantity without a warehouse (or the other
way round), fewer units than are reserved there. A row whose SKU the dealer
already has updates that product: the columns the file has replace its
values, those it lacks keep them. Nothing is written here; the confirmation
calls this again on the data as it is then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from forecourt import fold
from forecourt import gettext as _
from plugins.orders.catalogue.fields import clean_product, clean_quantity, clean_warehouse, form_values
from plugins.orders.imports import columns as cols
from plugins.orders.search.products import keys
from plugins.orders.tables import Product, Stock, Warehouse

_CHUNK = 500  #: ids per IN (...) query, well under both engines' parameter limits


@dataclass
class Row:
    """One data row of the file and what importing it would do."""

    line: int
    cells: dict[str, str]
    raw: dict[str, str] = field(default_factory=dict)  #: the product form's fields (for the services)
    values: dict[str, Any] = field(default_factory=dict)
    action: str = ""  #: "new", "updated", "unchanged"; "" when the row has errors
    product_id: int | None = None
    warehouse: str = ""  #: the warehouse as named in the file ("" for no stock change)
    warehouse_key: str = ""
    warehouse_id: int | None = None  #: None: the warehouse is created by the import
    quantity: int | None = None
    on_hand: int = 0  #: before the import
    errors: dict[str, str] = field(default_factory=dict)  #: column -> message

    @property
    def stock_changes(self) -> bool:
        return self.quantity is not None and self.quantity != self.on_hand


@dataclass
class Plan:
    """Every row checked, with the counts the preview shows."""

    columns: dict[str, str]
    rows: list[Row]
    new_warehouses: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[tuple[int, str, str]]:
        """(row number, column as the file names it, message), in file order."""
        return [(row.line, self.columns.get(column) or row_label(column), message)
                for row in self.rows for column, message in row.errors.items()]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def stock_changes(self) -> int:
        return sum(1 for row in self.rows if not row.errors and row.stock_changes)


async def _in_chunks(query: Any, column: Any, values: list[Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for start in range(0, len(values), _CHUNK):
        found += await query().where(column.is_in(values[start:start + _CHUNK]))
    return found


def _product_raw(row: Row, existing: dict[str, Any] | None) -> None:
    """The product form's fields for the row: the product's current ones, with the file's columns over them."""
    raw = form_values(existing) if existing else {"active": "1"}
    for column in cols.PRODUCT_COLUMNS:
        if column not in row.cells:
            continue
        cell = row.cells[column]
        if column == "kind":
            cell = cols.choice(cell, cols.kinds())
        elif column == "fuel":
            cell = cols.choice(cell, cols.fuels()) if cell else ""
        elif column == "currency":
            cell = cell.upper()
        elif column == "active":
            if not cell:
                continue  # empty: as it is (a new product is active)
            word = cols.active(cell)
            if word is None:
                row.errors["active"] = _("%(field)s: write yes or no.") % {"field": row_label("active")}
                continue
            cell = word
        raw[column] = cell
    row.raw = raw


def row_label(column: str) -> str:
    return str(cols.COLUMN_LABELS.get(column, column))


def _same(a: Any, b: Any) -> bool:
    """Equal as stored: numbers by value (SQLite may give 1490 for 1490.00), nothing as ""."""
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)):
        return Decimal(str(a)) == Decimal(str(b))
    return ("" if a is None else str(a)) == ("" if b is None else str(b))


def _changed(values: dict[str, Any], existing: dict[str, Any]) -> bool:
    return any(not _same(v, existing.get(k)) for k, v in values.items() if k in existing)


async def check(dealer_id: int, parsed: dict[str, Any]) -> Plan:
    """What importing ``parsed`` (:meth:`reading.Parsed.as_json`) would do for the dealer now, row by row."""
    plan = Plan(columns=dict(parsed["columns"]), ignored=list(parsed.get("ignored", [])),
                rows=[Row(line=r["line"], cells=dict(r["cells"])) for r in parsed["rows"]])
    sku_keys = sorted({fold(r.cells.get("sku", "").strip()) for r in plan.rows} - {""})
    products = {p["sku_key"]: p for p in await _in_chunks(
        lambda: Product.scoped(dealer_id).select(), Product.sku_key, sku_keys)}
    warehouses = {fold(w["name"]): w for w in await Warehouse.scoped(dealer_id).select()}
    seen: dict[str, int] = {}
    for row in plan.rows:
        existing = products.get(fold(row.cells.get("sku", "").strip()))
        _product_raw(row, existing)
        values, errors = clean_product(row.raw)
        for key, message in errors.items():
            row.errors.setdefault(key, message)
        row.values = values
        if values.get("sku") and "sku" not in row.errors:
            sku_key = keys(values)["sku_key"]
            if sku_key in seen:
                row.errors["sku"] = _("This SKU is already on row %(line)s of the file.") % {"line": seen[sku_key]}
            else:
                seen[sku_key] = row.line
        if existing:
            row.product_id = existing["id"]
        _stock(row, warehouses)
        if not row.errors:
            row.action = "new" if existing is None else "updated" if _changed(values, existing) else "unchanged"
    await _on_hand(dealer_id, plan)
    plan.new_warehouses = sorted({r.warehouse for r in plan.rows if r.warehouse and r.warehouse_id is None
                                  and not r.errors}, key=fold)
    return plan


def _stock(row: Row, warehouses: dict[str, dict[str, Any]]) -> None:
    name, quantity = row.cells.get("warehouse", ""), row.cells.get("quantity", "")
    if not name and not quantity:
        return
    if not name:
        row.errors["warehouse"] = _("Name the warehouse the quantity is in.")
        return
    if not quantity:
        row.errors["quantity"] = _("Enter the quantity on hand in the warehouse (0 or more).")
        return
    clean_name, errors = clean_warehouse({"name": name})
    amount, quantity_errors = clean_quantity({"quantity": quantity})
    if errors:
        row.errors["warehouse"] = errors.get("name", next(iter(errors.values())))
    if quantity_errors:
        row.errors["quantity"] = quantity_errors["quantity"]
    if errors or quantity_errors:
        return
    row.warehouse, row.warehouse_key, row.quantity = clean_name["name"], fold(clean_name["name"]), amount
    if (known := warehouses.get(row.warehouse_key)) is not None:
        row.warehouse_id, row.warehouse = known["id"], known["name"]


async def _on_hand(dealer_id: int, plan: Plan) -> None:
    """Each row's current on hand (and refusal below reserved) in its warehouse."""
    rows = [r for r in plan.rows if r.product_id is not None and r.warehouse_id is not None]
    stock = {(s["product_id"], s["warehouse_id"]): s for s in await _in_chunks(
        lambda: Stock.scoped(dealer_id).select(), Stock.product_id, sorted({r.product_id for r in rows}))}
    for row in rows:
        found = stock.get((row.product_id, row.warehouse_id))
        if found is None:
            continue
        row.on_hand = found["on_hand"]
        if row.quantity is not None and row.quantity < found["reserved"] and "quantity" not in row.errors:
            row.errors["quantity"] = _("%(n)s units are reserved in this warehouse: the quantity on hand cannot be "
                                       "less.") % {"n": found["reserved"]}
            row.action = ""
