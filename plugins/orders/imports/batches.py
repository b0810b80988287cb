"""An uploaded file kept between preview and confirmation, and the confirmation: all rows or none.

The parsed rows wait in ``orders_import`` (dealer-scoped, the uploader's,
behind a random token, for :data:`LIFETIME`). The confirmation checks every
row again against the catalogue as it is then; any refusal writes nothing.
Then, in one transaction: the upload is claimed (``used_at`` set by one
``UPDATE … WHERE used_at IS NULL RETURNING``: a second confirmation, even a
concurrent one, finds it used and imports nothing), missing warehouses are
created, each product is created or updated through the catalogue services
(so the core's entity service, its vetoes and the history see every one) and
its stock set with the atomic ``set_on_hand`` (never below reserved). A
refusal of any of them (a veto, a SKU taken meanwhile, a reservation made
meanwhile) rolls everything back, the claim included. ``orders_stock_changed``
for the vehicles that became available fires only after the commit.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

from forecourt import Conflict, Context, ValidationFailed, Veto, fold, now, transaction
from forecourt import gettext as _
from plugins.orders import services
from plugins.orders.imports.checking import Plan, Row, check, row_label
from plugins.orders.imports.reading import Parsed
from plugins.orders.tables import CatalogueImport

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
LIFETIME = dt.timedelta(hours=2)  #: how long an upload waits for its confirmation


def expired_message() -> str:
    return _("This upload has expired (an upload waits %(hours)s hours for its confirmation): upload the file "
             "again.") % {"hours": int(LIFETIME.total_seconds() // 3600)}


class RowRefused(Exception):
    """A row the confirmation could not write: everything was rolled back."""

    def __init__(self, line: int, column: str, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


class PlanRefused(Exception):
    """The rows, checked again at confirmation, have errors: nothing was written."""

    def __init__(self, plan: Plan) -> None:
        super().__init__("import rows have errors")
        self.plan = plan


@dataclass
class Done:
    """What a confirmed import wrote."""

    created: int
    updated: int
    unchanged: int
    stock: int
    warehouses: int


async def store(ctx: Context, filename: str, parsed: Parsed) -> str:
    """Keep the parsed file for the user's confirmation; its token. The dealer's expired uploads go."""
    moment = now()
    await CatalogueImport.scoped(ctx.dealer_id).delete().where(CatalogueImport.expires_at < moment)
    token = secrets.token_urlsafe(24)
    await CatalogueImport.scoped(ctx.dealer_id).insert(
        token=token, user_id=ctx.user_id or 0, filename=filename[:200], rows=json.dumps(parsed.as_json()),
        created_at=moment, expires_at=moment + LIFETIME)
    return token


async def load(ctx: Context, token: str) -> dict[str, Any] | None:
    """The user's upload under ``token`` (used or not, expired or not: ``row["expired"]``), or None."""
    if not _TOKEN.fullmatch(token or ""):  # what token_urlsafe gives; nothing else reaches the database
        return None
    row = await CatalogueImport.scoped(ctx.dealer_id).select().where(
        (CatalogueImport.token == token) & (CatalogueImport.user_id == (ctx.user_id or 0))).first()
    if row is None:
        return None
    row["expired"] = row["expires_at"] <= now()
    try:
        row["parsed"] = json.loads(row["rows"])
        _ = row["parsed"]["columns"], row["parsed"]["rows"]
    except (ValueError, TypeError, KeyError):
        return None
    return row


async def preview(ctx: Context, batch: dict[str, Any]) -> Plan:
    return await check(ctx.dealer_id, batch["parsed"])


async def confirm(ctx: Context, batch: dict[str, Any]) -> Done:
    """Import the upload, all rows or none (see the module doc).

    Raises :class:`PlanRefused` (rows refused on the fresh check), :class:`RowRefused` (a write
    refused: rolled back), ``Conflict`` (already imported).
    """
    if batch["used_at"] is not None:
        raise Conflict(_("This file has already been imported."))
    plan = await check(ctx.dealer_id, batch["parsed"])
    if plan.errors:
        raise PlanRefused(plan)
    created_warehouses: dict[str, int] = {}
    async with transaction():
        claimed = await CatalogueImport.scoped(ctx.dealer_id).update({CatalogueImport.used_at: now()}).where(
            (CatalogueImport.id == batch["id"]) & CatalogueImport.used_at.is_null()
            & (CatalogueImport.expires_at > now())).returning(CatalogueImport.id)
        if not claimed:  # confirmed meanwhile (a second click), or it has just expired
            current = await CatalogueImport.scoped(ctx.dealer_id).select(CatalogueImport.used_at).where(
                CatalogueImport.id == batch["id"]).first()
            raise Conflict(_("This file has already been imported.") if current and current["used_at"]
                           else expired_message())
        for name in plan.new_warehouses:
            first = next(r for r in plan.rows if r.warehouse_key == fold(name))
            created_warehouses[fold(name)] = (await _write(
                plan, first, "warehouse", services.create_warehouse, ctx, {"name": name, "address": ""})).id
        for row in sorted(plan.rows, key=_write_order):
            await _import_row(ctx, plan, row, created_warehouses)
    return Done(created=plan.count("new"), updated=plan.count("updated"), unchanged=plan.count("unchanged"),
                stock=plan.stock_changes, warehouses=len(created_warehouses))


def _write_order(row: Row) -> tuple[int, int, str]:
    """Existing products by id, then new ones by SKU: two imports lock shared rows in one order (no deadlock)."""
    if row.product_id is not None:
        return (0, row.product_id, "")
    return (1, 0, fold(row.values.get("sku", "")))


async def _write(plan: Plan, row: Row, column: str, call: Any, *args: Any) -> Any:
    """One service call of the import for ``row``; a refusal becomes :class:`RowRefused` (all is rolled back).

    ``column`` is where the refusal is shown unless it names a field of its own.
    """
    try:
        return await call(*args)
    except ValidationFailed as exc:
        field, message = next(iter(exc.errors.items())) if exc.errors else (column, exc.message)
        field = field if field in plan.columns or column == "sku" else column
    except (Veto, Conflict) as exc:
        field, message = getattr(exc, "field", None) or column, exc.message
    raise RowRefused(row.line, plan.columns.get(field) or row_label(field), message)


async def _import_row(ctx: Context, plan: Plan, row: Row, created: dict[str, int]) -> None:
    product_id = row.product_id
    if row.action == "new":
        product_id = (await _write(plan, row, "sku", services.create_product, ctx, row.raw)).id
    elif row.action == "updated":
        await _write(plan, row, "sku", services.update_product, ctx, product_id, row.raw)
    if row.quantity is None or product_id is None:
        return
    warehouse_id = row.warehouse_id if row.warehouse_id is not None else created[row.warehouse_key]
    if row.stock_changes:
        await _write(plan, row, "quantity", services.set_on_hand, ctx, product_id, warehouse_id, row.quantity)
