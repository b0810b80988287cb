"""The orders plugin's face to the core: routes, permissions, entities, menu, demo data."""

from __future__ import annotations

from forecourt import (
    NavItem,
    Permission,
    SlotContent,
    TimelineEntry,
    fmt_money,
    hookimpl,
    render_fragment,
    update_entity,
)
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.orders import card as order_card
from plugins.orders import demo, list_pages, metrics, settings
from plugins.orders.catalogue import card, pages, warehouses
from plugins.orders.entity import ENTITIES
from plugins.orders.imports import pages as imports
from plugins.orders.inquiries import pages as inquiry_pages
from plugins.orders.inquiries import telephony
from plugins.orders.machines import INQUIRY_MACHINE, ORDER_MACHINE, PAYMENT_MACHINE
from plugins.orders.payments import pages as payment_pages
from plugins.orders.sales import pages as sales_pages


@hookimpl
def register_routes():
    # the warehouses' fixed paths before the card's "/{product_id:int}"
    from plugins.orders import api

    return [*warehouses.ROUTES, *imports.ROUTES, *pages.ROUTES, *card.ROUTES, *payment_pages.ROUTES,
            *settings.SETTINGS.routes(), *list_pages.ROUTES, *sales_pages.ROUTES, *order_card.ROUTES,
            *inquiry_pages.ROUTES, *telephony.ROUTES, *api.ROUTES]


@hookimpl
def register_permissions():
    return [
        Permission("orders.view", _l("See the catalogue and the stock"), ("manager", "storekeeper", "dealer_admin")),
        Permission("orders.edit_catalogue", _l("Edit the catalogue, the warehouses and the stock"),
                   ("storekeeper", "dealer_admin")),
        Permission("orders.sell", _l("Work with inquiries, orders and payments"), ("manager", "dealer_admin")),
        Permission("orders.approve", _l("Approve orders waiting for review"), ("dealer_admin",)),
        Permission("orders.telephony", _l("Manage the telephony's keys"), ("dealer_admin",)),
        Permission("orders.settings", _l("Set the limits above which orders wait for approval"), ("dealer_admin",)),
    ]


@hookimpl
def register_entities():
    return ENTITIES


@hookimpl
def register_status_machines():
    return [ORDER_MACHINE, PAYMENT_MACHINE, INQUIRY_MACHINE]


@hookimpl
def nav_items(ctx):
    items = []
    if ctx.can("orders.sell"):
        items.append(NavItem(label=_l("Orders"), href="/orders/", order=35))
        items.append(NavItem(label=_l("Inquiries"), href="/orders/inquiries/", order=36))
    if ctx.can("orders.view"):
        items.append(NavItem(label=_l("Catalogue"), href="/orders/catalogue/", order=40))
    if ctx.can("orders.sell"):
        items.append(NavItem(label=_l("Cash desk and bank"), href="/orders/payments/", order=44))
    return items


@hookimpl
async def demo_data(dealer, users, ctx):
    await demo.seed(dealer, users, ctx)


@hookimpl
def report_metrics(ctx):
    return list(metrics.METRICS)


@hookimpl
async def page_slots(slot, ctx, subject):
    """The customer card: that customer's orders (number, date, status, total), newest first."""
    if slot != "customers.card.panels" or not subject or not ctx.can("orders.sell"):
        return []
    from plugins.orders.listing import orders as listing

    rows = await listing.for_customer(ctx.dealer_id, subject["id"], limit=PANEL_ROWS + 1)
    html = render_fragment("orders/_customer_panel.html", orders=rows[:PANEL_ROWS], more=len(rows) > PANEL_ROWS,
                           customer_id=subject["id"])
    return [SlotContent(title=_l("Orders"), html=html, order=15, plugin="orders")]


#: how many of a customer's orders their card lists (a link leads to the rest)
PANEL_ROWS = 10
#: how many of a customer's latest orders their timeline shows
TIMELINE_ROWS = 50


@hookimpl
async def timeline_entries(ctx, entity, entity_id):
    """On a customer's timeline: their latest orders — when placed, where from, where they stand, the total."""
    if entity != "customers.customer" or not ctx.can("orders.sell"):
        return []
    from plugins.orders.listing import orders as listing
    from plugins.orders.machines import ORDER_MACHINE
    from plugins.orders.sales.fields import SOURCES

    entries = []
    for row in await listing.for_customer(ctx.dealer_id, entity_id, limit=TIMELINE_ROWS):
        parts = [str(ORDER_MACHINE.state(row["status"]).label), str(SOURCES.get(row["source"], row["source"])),
                 fmt_money(row["total"], row.get("currency") or "")]
        entries.append(TimelineEntry(at=row["created_at"], kind="event", plugin="orders",
                                     title=_("Order %(number)s") % {"number": row["number"]},
                                     body=" · ".join(p for p in parts if p)))
    return entries


# --- the customers plugin's hooks: optional, orders works without customers ----------------------


@hookimpl(optionalhook=True)
async def customers_held_records(ctx, customer_id):
    from plugins.orders.listing import orders as listing

    count = await listing.count_for_customer(ctx.dealer_id, customer_id)
    if not count:
        return []
    # an order keeps its own copy of the contact and is a business record: it outlives the customer, unlinked
    return [{"plugin": "orders", "label": _l("Orders"), "count": count, "url": f"/orders/?customer={customer_id}",
             "kept": True}]


@hookimpl(optionalhook=True)
async def customers_delete_records(ctx, customer_id):
    """Orders outlive a deleted customer (reported as kept): unlinked one by one through the write path."""
    from plugins.orders.entity import ORDER
    from plugins.orders.tables import Order

    linked = await Order.scoped(ctx.dealer_id).select(Order.id).where(Order.customer_id == customer_id)
    for order in linked:
        await update_entity(ctx, Order, ORDER, order["id"], {"customer_id": None})
