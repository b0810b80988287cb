"""The leads plugin's face to the core and to other plugins."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from forecourt import (
    Conflict,
    Message,
    NavItem,
    Permission,
    SlotContent,
    TimelineEntry,
    apply_transition,
    create_reminder,
    fold,
    hookimpl,
    import_routes,
    now,
    render_fragment,
    system_context,
    update_entity,
)
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.leads import (
    api,
    board,
    card,
    demo,
    export,
    imports,
    jobs,
    metrics,
    public,
    services,
    settings,
    transfer,
    views,
)
from plugins.leads.entity import LEAD_ENTITY
from plugins.leads.machine import LEAD
from plugins.leads.tables import Lead


@hookimpl
def register_routes():
    return [*import_routes(imports.IMPORTER), *public.ROUTES, *api.ROUTES, *transfer.ROUTES, *board.ROUTES,
            *settings.ROUTES, *export.ROUTES,
            *views.ROUTES, *card.ROUTES]


@hookimpl
def register_permissions():
    return [
        Permission("leads.view", _l("See leads"), ("manager", "dealer_admin")),
        Permission("leads.edit", _l("Add leads and work on them"), ("manager", "dealer_admin")),
        Permission("leads.assign", _l("Assign leads to colleagues"), ("manager", "dealer_admin")),
        Permission("leads.settings", _l("Change the dealer's lead settings"), ("dealer_admin",)),
        Permission("leads.import", _l("Import leads from a file"), ("dealer_admin",)),
    ]


@hookimpl
def register_entities():
    return [LEAD_ENTITY]


@hookimpl
def register_status_machines():
    return [LEAD]


@hookimpl
def nav_items(ctx):
    if not ctx.can("leads.view"):
        return []
    return [NavItem(label=_l("Leads"), href="/leads/", order=10, active_prefix="/leads/"),
            NavItem(label=_l("Opportunities"), href="/leads/board", order=11, active_prefix="/leads/board")]


@hookimpl
async def on_status_changed(ctx, machine, transition, entity_id, inputs):
    """A failed contact asks when to try again: that becomes the assignee's reminder."""
    if machine != "leads.lead" or transition != "contact_failed" or not inputs.get("next_attempt"):
        return
    lead = await services.get(ctx.dealer_id, entity_id)
    if lead is None:
        return
    await create_reminder(ctx, Message("Try again to reach %(name)s", name=f"{lead['first_name']} {lead['surname']}"),
                          inputs["next_attempt"], user_id=lead["assignee_id"] or ctx.user_id,
                          url=f"/leads/{entity_id}", entity="leads.lead", entity_id=entity_id, source="leads")


@hookimpl
def register_jobs():
    return list(jobs.JOBS)


@hookimpl
def report_metrics(ctx):
    return list(metrics.METRICS)


@hookimpl
async def demo_data(dealer, users, ctx):
    await demo.seed(dealer, users, ctx)


# --- the customers plugin's hooks: optional, leads works without customers -------------------


@hookimpl(optionalhook=True)
async def customers_held_records(ctx, customer_id):
    count = await Lead.scoped(ctx.dealer_id).count().where(Lead.customer_id == customer_id)
    if not count:
        return []
    # a lead has its own contact data and history: it outlives the customer, so it never blocks a delete
    return [{"plugin": "leads", "label": _l("Leads"), "count": count, "url": "", "kept": True}]


@hookimpl(optionalhook=True)
async def customers_delete_records(ctx, customer_id):
    """Leads outlive a deleted customer (reported as kept): they are unlinked, with their history intact."""
    linked = await Lead.scoped(ctx.dealer_id).select(Lead.id).where(Lead.customer_id == customer_id)
    for lead in linked:  # one by one through the write path: vetoes and listeners see each unlinking
        await update_entity(ctx, Lead, LEAD_ENTITY.key, lead["id"], {"customer_id": None})


@hookimpl
async def page_slots(slot, ctx, subject):
    """The home page: my new leads and the leads nobody has taken yet; the customer card: that customer's leads."""
    if not ctx.can("leads.view"):
        return []
    if slot == "customers.card.panels" and subject:
        leads = await services.for_customer(ctx.dealer_id, subject["id"])
        html = render_fragment("leads/_panel.html", leads=leads, customer_id=subject["id"])
        return [SlotContent(title=_l("Leads"), html=html, order=10, plugin="leads")]
    if slot == "home.widgets":
        mine = await Lead.scoped(ctx.dealer_id).select(Lead.id, Lead.surname, Lead.first_name, Lead.model,
                                                      Lead.created_at).where(
            (Lead.status == "new") & (Lead.assignee_id == ctx.user_id)).order_by(Lead.created_at).limit(10)
        free = await Lead.scoped(ctx.dealer_id).count().where((Lead.status == "new") & Lead.assignee_id.is_null())
        html = render_fragment("leads/_widget.html", leads=mine, unassigned=free)
        late = await Lead.scoped(ctx.dealer_id).select(Lead.id, Lead.surname, Lead.first_name, Lead.model,
                                                      Lead.created_at).where(
            (Lead.status == "new") & (Lead.assignee_id == ctx.user_id) & Lead.contacted_at.is_null()
            & (Lead.created_at < now() - metrics.CONTACT_WITHIN)).order_by(Lead.created_at).limit(10)
        widgets = [SlotContent(title=_l("My new leads"), html=html, order=10, plugin="leads")]
        if late:
            widgets.append(SlotContent(title=_l("Waiting more than a day for a first contact"), order=11,
                                       html=render_fragment("leads/_late.html", leads=late), plugin="leads"))
        return widgets
    return []


def _matches(lead: dict, vehicle: dict) -> bool:
    """Every field of the lead's stock filter that is filled must fit the vehicle (case does not matter)."""
    for field in ("model", "trim", "fuel", "colour"):
        wanted = fold(lead[f"watch_{field}"])
        if wanted and wanted != fold(str(vehicle.get(field, ""))):
            return False
    ceiling = lead["watch_max_price"].replace(" ", "").replace(",", ".")
    if ceiling:
        try:
            return Decimal(str(vehicle.get("price", ""))) <= Decimal(ceiling)
        except InvalidOperation:
            return False
    return True


@hookimpl(optionalhook=True)
async def orders_stock_changed(ctx, vehicle):
    """A stock module has a new vehicle: watched leads it fits come back to New and their assignee is told.

    The hookspec belongs to the stock module (the orders plugin); leads only listens, so it works
    without any stock module. Whoever changed the stock (a storekeeper, an import) need not hold
    leads' permissions: bringing the lead back is leads' own work, done in a system context.
    """
    ctx = system_context(ctx.dealer_id, ctx.modules, ctx.dealer_name)
    watched = await Lead.scoped(ctx.dealer_id).select().where(Lead.status == "watching")
    for lead in watched:
        if not _matches(lead, vehicle):
            continue
        try:
            await apply_transition(ctx, LEAD, lead["id"], "stock_arrived", "watching")
        except Conflict:
            continue
        if lead["assignee_id"]:
            await create_reminder(ctx, Message(
                "A car for %(name)s is in stock: %(car)s", name=f"{lead['first_name']} {lead['surname']}".strip(),
                car=" ".join(str(vehicle.get(k, "")) for k in ("model", "trim", "colour")).strip()),
                now(), user_id=lead["assignee_id"], url=f"/leads/{lead['id']}", entity="leads.lead",
                entity_id=lead["id"], source="leads")


@hookimpl
async def timeline_entries(ctx, entity, entity_id):
    """On a customer's timeline: that customer's leads, when they came in and where they stand."""
    if entity != "customers.customer":
        return []
    leads = await services.for_customer(ctx.dealer_id, entity_id)
    return [TimelineEntry(at=lead["created_at"], kind="event", plugin="leads",
                          title=_("Lead: %(model)s") % {"model": lead["model"]},
                          body=str(LEAD.state(lead["status"]).label)) for lead in leads]
