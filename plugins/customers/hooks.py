"""The customers plugin's face to the core: routes, permissions, machine, menu, timeline, demo data."""

from __future__ import annotations

from forecourt import Forbidden, NavItem, Permission, TimelineEntry, hookimpl, import_routes
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.customers import card, demo, imports, metrics, views
from plugins.customers.entity import CUSTOMER_ENTITY
from plugins.customers.fields import METHODS
from plugins.customers.machine import CUSTOMER
from plugins.customers.tables import FollowUp


@hookimpl
def register_routes():
    return [*import_routes(imports.IMPORTER), *views.ROUTES, *card.ROUTES]


@hookimpl
def register_permissions():
    return [
        Permission("customers.view", _l("See customers"), ("manager", "storekeeper", "dealer_admin")),
        Permission("customers.edit", _l("Add and edit customers, notes and follow-ups"), ("manager", "dealer_admin")),
        Permission("customers.blacklist", _l("Put customers on the blacklist"), ("manager", "dealer_admin")),
        Permission("customers.delete", _l("Delete customers"), ("dealer_admin",)),
        Permission("customers.import", _l("Import customers from a file"), ("dealer_admin",)),
    ]


@hookimpl
def register_entities():
    return [CUSTOMER_ENTITY]


@hookimpl
def register_status_machines():
    return [CUSTOMER]


@hookimpl
def nav_items(ctx):
    if not ctx.can("customers.view"):
        return []
    return [NavItem(label=_l("Customers"), href="/customers/", order=20)]


@hookimpl
async def timeline_entries(ctx, entity, entity_id):
    if entity != "customers.customer":
        return []
    rows = await FollowUp.scoped(ctx.dealer_id).select().where(FollowUp.customer_id == entity_id)
    entries = []
    for row in rows:
        body = row["content"]
        if row["next_at"]:
            body += "\n" + str(_l("Next: %(plan)s")) % {"plan": row["plan"] or "—"}
        entries.append(TimelineEntry(at=row["at"], kind="contact", author=row["author"], body=body,
                                     title=str(_l("Follow-up by %(method)s")) % {
                                         "method": METHODS.get(row["method"], row["method"])},
                                     plugin="customers"))
    return entries


@hookimpl
async def customers_matches(ctx, phone, email, name):
    from plugins.customers import services

    found = await services.find_matches(ctx.dealer_id, phone=phone, email=email, name=name,
                                        language=ctx.dealer_language)
    return [{**row, "url": f"/customers/{row['id']}"} for row in found]


@hookimpl
async def customers_get(ctx, customer_id):
    from plugins.customers import services

    row = await services.get(ctx.dealer_id, customer_id)
    if row is None or row["invalid"]:
        return None
    return {"id": row["id"], "number": row["number"], "name": row["name"], "url": f"/customers/{row['id']}",
            "blacklisted": bool(row["blacklisted"])}


@hookimpl
async def customers_blacklist(ctx, customer_ids):
    from plugins.customers import services

    return await services.blacklisted_among(ctx.dealer_id, list(customer_ids or []))


@hookimpl
async def customers_create(ctx, values):
    from plugins.customers import services

    if not ctx.can("customers.edit"):
        raise Forbidden(_("You may not add customers."))
    row = await services.create(ctx, {"source": "other", **values, "status": "potential", "temperature": "warm"},
                                ctx.dealer_language)
    return {"id": row.id, "number": row.number, "name": row.name, "url": f"/customers/{row.id}"}


@hookimpl
def report_metrics(ctx):
    return list(metrics.METRICS)


@hookimpl
async def demo_data(dealer, users, ctx):
    await demo.seed(dealer, users, ctx)
