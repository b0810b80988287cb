"""The orders plugin's face to the core: routes, permissions, entities, menu, demo data."""

from __future__ import annotations

from forecourt import NavItem, Permission, hookimpl
from forecourt import lazy_gettext as _l
from plugins.orders import demo
from plugins.orders.catalogue import card, pages, warehouses
from plugins.orders.entity import ENTITIES
from plugins.orders.imports import pages as imports
from plugins.orders.machines import INQUIRY_MACHINE, ORDER_MACHINE, PAYMENT_MACHINE
from plugins.orders.payments import pages as payment_pages


@hookimpl
def register_routes():
    # the warehouses' fixed paths before the card's "/{product_id:int}"
    return [*warehouses.ROUTES, *imports.ROUTES, *pages.ROUTES, *card.ROUTES, *payment_pages.ROUTES]


@hookimpl
def register_permissions():
    return [
        Permission("orders.view", _l("See the catalogue and the stock"), ("manager", "storekeeper", "dealer_admin")),
        Permission("orders.edit_catalogue", _l("Edit the catalogue, the warehouses and the stock"),
                   ("storekeeper", "dealer_admin")),
        Permission("orders.sell", _l("Work with inquiries, orders and payments"), ("manager", "dealer_admin")),
        Permission("orders.approve", _l("Approve orders waiting for review"), ("dealer_admin",)),
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
    if ctx.can("orders.view"):
        items.append(NavItem(label=_l("Catalogue"), href="/orders/catalogue/", order=40))
    if ctx.can("orders.sell"):
        items.append(NavItem(label=_l("Cash desk and bank"), href="/orders/payments/", order=44))
    return items


@hookimpl
async def demo_data(dealer, users, ctx):
    await demo.seed(dealer, users, ctx)
