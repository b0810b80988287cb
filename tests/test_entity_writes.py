"""Every write of a declared entity's rows goes through the entity service, and so fires its hooks.

Two checks over the entities the installed plugins declare (``register_entities``):

* each entity's write paths (the plugin's own services, jobs and hooks) are
  run, and the test plugin ``extra`` (which records what it hears) must
  have heard ``validate_change`` with the right action and the matching
  ``on_entity_*`` notification for that row;
* no source file of the declaring plugin writes the entity's table past the
  service (``Table.update/insert/delete`` or raw ``INSERT/UPDATE/DELETE``).

A plugin that declares a new entity must add its write paths to ``WRITE_PATHS``:
the first test fails until it does.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from fc_extra.hooks import HEARD

from core import entities
from core.context import Context
from core.timeutil import now
from forecourt import create_entity, update_entity

MODULES = ["customers", "leads", "deals", "notes", "extra", "orders"]

#: direct writes that are not an entity write of one dealer, and why
ALLOWED = {
    ("plugins/leads/transfer.py", "Lead.update("): "moves a lead to another dealer (its dealer_id changes), "
                                                  "a cross-dealer step the one-dealer service cannot take",
}


def heard(entity: str, entity_id: int) -> set[tuple[str, str]]:
    return {(hook, action) for hook, key, action, row_id in HEARD if key == entity and row_id in (entity_id, None)}


def expect(entity: str, entity_id: int, action: str, notified: bool = True) -> None:
    """The veto ran for ``action`` on the row, and (when something changed) the notification came."""
    got = heard(entity, entity_id)
    assert ("validate_change", action) in got, f"{entity} {entity_id}: no validate_change({action}) in {got}"
    if notified:
        hook = {"create": "on_entity_created", "update": "on_entity_updated", "delete": "on_entity_deleted"}[action]
        assert (hook, action) in got, f"{entity} {entity_id}: no {hook} in {got}"
    HEARD.clear()


async def customer_paths(ctx: Context) -> None:
    from plugins.customers import services

    key = services.ENTITY
    row = await services.create(ctx, {"name": "Jan Novák", "phone": "+420 601 555 111", "source": "walk_in"})
    expect(key, row.id, "create")
    await services.update(ctx, row.id, {"name": "Jan Novák", "phone": "+420 601 555 111", "source": "walk_in",
                                        "city": "Brno"})
    expect(key, row.id, "update")
    await services.set_blacklisted(ctx, row.id, True, "Did not pay")
    expect(key, row.id, "update")
    await services.set_invalid(ctx, row.id, True)
    expect(key, row.id, "update")
    await services.add_followup(ctx, row.id, {"method": "phone", "content": "Called",
                                              "next_at": (now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
                                              "plan": "Call again"})
    expect(key, row.id, "update")
    await services.delete(ctx, row.id)
    expect(key, row.id, "delete")


async def lead_paths(ctx: Context) -> None:
    from plugins.customers import services as customers
    from plugins.leads import jobs, services

    key = services.ENTITY
    lead = await services.create(ctx, {"surname": "Dvořák", "phone": "+420 601 555 222", "source": "phone",
                                       "request_type": "pre_order", "model": "Octavia"})
    expect(key, lead.id, "create")
    await services.assign(ctx, lead.id, None)
    expect(key, lead.id, "update", notified=False)  # it was nobody's: nothing changed but the history says so
    customer = await services.create_customer(ctx, lead.id)
    assert customer is not None
    expect(key, lead.id, "update")
    await update_entity(ctx, services.Lead, key, lead.id, {"created_at": now() - dt.timedelta(days=3)})
    HEARD.clear()
    await jobs.escalate_late(ctx)  # the job claims the late lead through the service
    expect(key, lead.id, "update")
    await customers.delete(ctx, customer["id"])  # leads' customers_delete_records unlinks the lead
    expect(key, lead.id, "update")


async def deal_paths(ctx: Context) -> None:
    from fc_deals.tables import Deal

    from plugins.customers import services as customers

    customer = await customers.create(ctx, {"name": "Eva Malá", "phone": "+420 601 555 333", "source": "walk_in"})
    deal = await create_entity(ctx, Deal, "deals.deal", {"title": "Octavia", "created_at": now(),
                                                         "customer_id": customer.id})
    expect("deals.deal", deal.id, "create")
    await update_entity(ctx, Deal, "deals.deal", deal.id, {"amount": "100"})
    expect("deals.deal", deal.id, "update")
    HEARD.clear()
    await customers.delete(ctx, customer.id, cascade=True)  # deals' customers_delete_records deletes the deal
    expect("deals.deal", deal.id, "delete")


async def note_paths(ctx: Context) -> None:
    from fc_notes.tables import Note

    note = await create_entity(ctx, Note, "notes.note", {"title": "Hello", "created_at": now()})
    expect("notes.note", note.id, "create")
    await update_entity(ctx, Note, "notes.note", note.id, {"title": "Hello again"})
    expect("notes.note", note.id, "update")
    assert await entities.delete(ctx, Note, "notes.note", note.id)
    expect("notes.note", note.id, "delete")


async def warehouse_paths(ctx: Context) -> None:
    from plugins.orders import services

    warehouse = await services.create_warehouse(ctx, {"name": "Main"})
    expect(services.WAREHOUSE, warehouse.id, "create")


async def product_paths(ctx: Context) -> None:
    from plugins.orders import services

    warehouse = await services.create_warehouse(ctx, {"name": "Second"})
    HEARD.clear()
    product = await services.create_product(ctx, {"kind": "part", "sku": "PRT-1", "name": "Oil filter"})
    expect(services.PRODUCT, product.id, "create")
    await services.update_product(ctx, product.id, {"kind": "part", "sku": "PRT-1", "name": "Oil filter, long"})
    expect(services.PRODUCT, product.id, "update")
    for change in (services.receive, services.set_on_hand, services.reserve, services.release):
        await change(ctx, product.id, warehouse.id, 1)  # a stock change is an update of its product
        expect(services.PRODUCT, product.id, "update")
    await import_paths(ctx)


async def import_paths(ctx: Context) -> None:
    """The catalogue import (plugins.orders.imports) writes products, warehouses and stock through the services."""
    from plugins.orders import services
    from plugins.orders.imports import batches, reading
    from plugins.orders.tables import Product

    rows = b"sku,name,kind,warehouse,quantity\nPRT-1,Oil filter,part,Second,4\nIMP-1,Imported,part,Third,2\n"
    batch = await batches.load(ctx, await batches.store(ctx, "import.csv", reading.read_file("import.csv", rows)))
    HEARD.clear()
    await batches.confirm(ctx, batch)
    imported = await Product.scoped(ctx.dealer_id).select().where(Product.sku == "IMP-1").first()
    got = {(hook, key, action) for hook, key, action, _id in HEARD}
    assert {("validate_change", "orders.warehouse", "create"), ("on_entity_created", "orders.warehouse", "create"),
            ("on_entity_created", "orders.product", "create")} <= got, got
    expect(services.PRODUCT, imported["id"], "create")  # the new product, then its stock (an update)
    HEARD.clear()


async def inquiry_paths(ctx: Context) -> None:
    from plugins.orders.entity import INQUIRY
    from plugins.orders.inquiries import services

    row = await services.create(ctx, {"phone": "+420 601 555 111", "name": "Jan"}, "cs")
    expect(INQUIRY, row.id, "create")
    await services.update(ctx, row.id, {"phone": "+420 601 555 111", "name": "Jan Novák"}, "cs")
    expect(INQUIRY, row.id, "update")
    taken = await services.take_call(ctx, {"phone": "+420 602 555 222", "phone_rev": "222555206024", "line": "1",
                                           "called_at": now(), "external_id": ""})
    expect(INQUIRY, taken.inquiry_id, "create")


async def order_paths(ctx: Context) -> None:
    from forecourt import apply_transition
    from plugins.orders import services as catalogue
    from plugins.orders.machines import ORDER_MACHINE
    from plugins.orders.sales import approval, services
    from plugins.orders.tables import Product

    warehouse = await catalogue.create_warehouse(ctx, {"name": "Orders"})
    product = await catalogue.create_product(ctx, {"kind": "part", "sku": "PRT-ORD", "name": "Wiper", "active": "1",
                                                    "base_price": "100"})
    await catalogue.receive(ctx, product.id, warehouse.id, 5)
    HEARD.clear()
    order = await services.create(ctx, {"contact_name": "Jan", "warehouse_id": str(warehouse.id)},
                                  [{"product_id": product.id, "quantity": "1"}])
    expect(services.ORDER, order.id, "create")
    await services.update(ctx, order.id, {"contact_name": "Jan Novák", "warehouse_id": str(warehouse.id)})
    expect(services.ORDER, order.id, "update")
    await services.set_lines(ctx, order.id, [{"product_id": product.id, "quantity": "2"}])
    expect(services.ORDER, order.id, "update")
    await services.edit(ctx, order.id, {"contact_name": "Jan N.", "warehouse_id": str(warehouse.id)},
                        [{"product_id": product.id, "quantity": "3"}])
    expect(services.ORDER, order.id, "update")
    await approval.save_limits(ctx, {"approval_amount": 0})
    await services.set_lines(ctx, order.id, [{"product_id": product.id, "quantity": "1"}])
    expect(services.ORDER, order.id, "update")
    await approval.approve(ctx, order.id)
    expect(services.ORDER, order.id, "update")
    for transition, state in (("confirm", "new"), ("deliver", "confirmed"), ("return", "delivered")):
        await apply_transition(ctx, ORDER_MACHINE, order.id, transition, state)  # the stock effects
        expect(services.ORDER, order.id, "update")  # its stock_state (and approval) through the service
        HEARD.clear()  # the product's stock updates, heard as they should be
    assert await Product.scoped(ctx.dealer_id).exists().where(Product.id == product.id)


async def payment_paths(ctx: Context) -> None:
    from decimal import Decimal

    from plugins.orders.payments import services
    from plugins.orders.tables import Order

    order = await Order.scoped(ctx.dealer_id).insert(number=900001, total=Decimal("100"), currency="CZK",
                                                     created_at=now(), updated_at=now())  # the sales part's row
    payment = await services.add(ctx, order.id, "60", "cash", "deposit")
    expect(services.PAYMENT, payment.id, "create")
    await services.change_status(ctx, payment.id, "receive", "not_paid")  # the engine's: a transition, no entity write


WRITE_PATHS: dict[str, Callable[[Context], Awaitable[None]]] = {
    "customers.customer": customer_paths,
    "leads.lead": lead_paths,
    "deals.deal": deal_paths,
    "notes.note": note_paths,
    "orders.product": product_paths,
    "orders.warehouse": warehouse_paths,
    "orders.inquiry": inquiry_paths,
    "orders.order": order_paths,
    "orders.payment": payment_paths,
}


async def test_every_write_path_of_every_entity_fires_the_hooks(make_dealer, forecourt_registry):
    assert set(entities.entities()) == set(WRITE_PATHS), "a declared entity needs its write paths listed here"
    dealer = await make_dealer(modules=MODULES)
    user = dealer.users["dealer_admin"]
    every = frozenset(str(p.key) for _, perms in forecourt_registry.startup("register_permissions")
                      for p in perms)
    ctx = Context(dealer_id=dealer.id, user_id=user.id, user_name="Admin", role="dealer_admin",
                  modules=frozenset(dealer.modules), permissions=every)
    for key, paths in WRITE_PATHS.items():
        HEARD.clear()
        await paths(ctx)
        assert not HEARD, f"{key}: hooks heard that no step expected: {list(HEARD)}"


def _sources(entity: entities.Entity) -> list[Path]:
    package = Path(sys.modules[entity.table.__module__].__file__ or "").parent
    return [p for p in package.rglob("*.py") if "piccolo_migrations" not in p.parts]


def test_no_plugin_writes_an_entity_table_past_the_service(forecourt_registry):
    found: list[str] = []
    for entity in entities.entities().values():
        name, table = entity.table.__name__, entity.table._meta.tablename
        direct = re.compile(rf"\b{name}(\.scoped\([^)]*\))?\.(update|insert|delete)\(")
        raw = re.compile(rf"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+{table}\b", re.I)
        root = Path(__file__).resolve().parent.parent
        for path in _sources(entity):
            shown = str(path.resolve().relative_to(root)) if path.resolve().is_relative_to(root) else str(path)
            for number, line in enumerate(path.read_text().splitlines(), 1):
                for match in (*direct.finditer(line), *raw.finditer(line)):
                    what = f"{name}.{match.group(2)}(" if match.re is direct else match.group(0)
                    if (shown, what) not in ALLOWED:
                        found.append(f"{shown}:{number}: {line.strip()}")
    assert not found, "writes past the entity service:\n" + "\n".join(found)
