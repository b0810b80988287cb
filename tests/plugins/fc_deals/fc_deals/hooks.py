import datetime as dt

from markupsafe import Markup, escape

from fc_deals import views
from fc_deals.machine import DEAL
from fc_deals.tables import Deal, Heard
from forecourt import (
    Conflict,
    Entity,
    Job,
    Message,
    Metric,
    MetricValue,
    NavItem,
    Permission,
    SlotContent,
    TimelineEntry,
    Veto,
    apply_transition,
    create_reminder,
    delete_entity,
    hookimpl,
    now,
)
from forecourt import gettext as _
from forecourt import lazy_gettext as _l


@hookimpl
def register_routes():
    return views.ROUTES


@hookimpl
def register_permissions():
    return [Permission("deals.close", _l("Close delivered deals"), ("dealer_admin",))]


@hookimpl
def register_entities():
    from fc_deals.tables import Deal

    return [Entity("deals.deal", Deal, _l("Deal"), url="/deals/{id}", search=("title",))]


@hookimpl
def register_status_machines():
    return [DEAL]


@hookimpl
def nav_items(ctx):
    return [NavItem(label=_l("Deals"), href="/deals/", order=30)]


async def _heard(ctx, hook, detail):
    await Heard.scoped(ctx.dealer_id).insert(hook=hook, detail=detail, at=now())


@hookimpl
async def validate_transition(ctx, machine, transition, entity_id, inputs):
    if machine == "deals.deal" and transition == "refuse" and inputs.get("note") == "veto me":
        raise Veto(_("The deals plugin refuses this refusal."))


@hookimpl
async def on_status_changed(ctx, machine, transition, entity_id, from_state, to_state, inputs):
    await _heard(ctx, "on_status_changed", f"{entity_id}:{from_state}->{to_state}")
    if to_state == "postponed":
        due = dt.datetime.combine(inputs["until"], dt.time(8), tzinfo=dt.UTC)
        await create_reminder(ctx, Message("Deal %(id)s is back from its pause", id=entity_id), due,
                              url=f"/deals/{entity_id}", entity="deals.deal", entity_id=entity_id, source="deals")
    deal = await Deal.scoped(ctx.dealer_id).get(entity_id)
    if deal is not None and deal.title == "explode on change":
        raise RuntimeError("listener failed on purpose")


@hookimpl
async def on_entity_updated(ctx, entity, entity_id, changes):
    if entity == "deals.deal":
        await _heard(ctx, "on_entity_updated", f"{entity_id}:" + ",".join(
            f"{key}={before}->{after}" for key, (before, after) in sorted(changes.items())))


@hookimpl
async def deals_contract_signed(ctx, entity_id):
    await _heard(ctx, "deals_contract_signed", str(entity_id))


@hookimpl
async def timeline_entries(ctx, entity, entity_id):
    if entity != "deals.deal":
        return []
    heard = await Heard.scoped(ctx.dealer_id).select().where(Heard.detail.like(f"{entity_id}:%"))
    return [TimelineEntry(at=h["at"], title=_("Deals plugin heard %(detail)s") % {"detail": h["detail"]},
                          kind="event", plugin="deals") for h in heard]


async def wake_postponed(ctx):
    """Postponed deals whose date has come go back to New (idempotent)."""
    due = await Deal.scoped(ctx.dealer_id).select(Deal.id).where(
        (Deal.status == "postponed") & (Deal.postponed_until <= now().date()))
    woken = 0
    for row in due:
        try:
            await apply_transition(ctx, DEAL, row["id"], "wake", "postponed")
            woken += 1
        except Conflict:  # moved meanwhile by a user: nothing to do
            pass
    await _heard(ctx, "job", f"woke {woken}")
    return f"{woken} deal(s) back to New"


@hookimpl
def register_jobs():
    return [Job("deals.wake_postponed", _l("Postponed deals return to New"), dt.timedelta(hours=1), wake_postponed)]


# --- the customers plugin's hooks: optional, deals works without customers ---------------


@hookimpl(optionalhook=True)
async def customers_held_records(ctx, customer_id):
    count = await Deal.scoped(ctx.dealer_id).count().where(Deal.customer_id == customer_id)
    return [{"plugin": "deals", "label": _l("Deals"), "count": count, "url": "/deals/"}] if count else []


@hookimpl(optionalhook=True)
async def customers_delete_records(ctx, customer_id):
    for deal in await Deal.scoped(ctx.dealer_id).select(Deal.id).where(Deal.customer_id == customer_id):
        await delete_entity(ctx, Deal, "deals.deal", deal["id"])


@hookimpl
async def page_slots(slot, ctx, subject):
    if slot != "customers.card.panels":
        return []
    deals = await Deal.scoped(ctx.dealer_id).select(Deal.id, Deal.title).where(Deal.customer_id == subject["id"])
    items = "".join(f'<li><a href="/deals/{d["id"]}">{escape(d["title"])}</a></li>' for d in deals)
    return [SlotContent(title=_l("Deals"), html=Markup(f'<ul class="deals-panel">{items}</ul>'), plugin="deals")]


@hookimpl(optionalhook=True)
async def customers_blacklist_changed(ctx, customer_id, blacklisted, reason):
    await _heard(ctx, "customers_blacklist_changed", f"{customer_id}:{blacklisted}:{reason}")


# --- the leads plugin's hook: optional too ------------------------------------------------


@hookimpl(optionalhook=True)
async def leads_contract_signed(ctx, entity_id, from_state, to_state):
    await _heard(ctx, "leads_contract_signed", f"{entity_id}:{from_state}->{to_state}")


# --- the orders plugin's hooks: optional too ------------------------------------------------


@hookimpl(optionalhook=True)
async def orders_order_placed(ctx, order_id, source):
    # what another connection sees of the order: it must be committed, with its items
    seen = await Heard.raw("SELECT COUNT(*) AS n FROM orders_order_line WHERE dealer_id = {} AND order_id = {}",
                           ctx.dealer_id, order_id)
    await _heard(ctx, "orders_order_placed", f"{order_id}:{source}:{seen[0]['n']} lines")


@hookimpl(optionalhook=True)
async def orders_order_status_changed(ctx, transition, entity_id, from_state, to_state):
    await _heard(ctx, "orders_order_status_changed", f"{entity_id}:{transition}:{from_state}->{to_state}")


# --- a figure for reports, written against the first metric contract (period in, total out) ----------------


async def deals_signed(ctx, period):
    """Deals signed in the period: ``compute(ctx, period)`` -> ``MetricValue(total)``, nothing newer."""
    rows = await Deal.scoped(ctx.dealer_id).select(Deal.id).where(
        (Deal.signed_at >= period.start) & (Deal.signed_at < period.end))
    return MetricValue(len(rows))


@hookimpl
def report_metrics(ctx):
    return [Metric("deals.signed", "Deals signed", deals_signed, description="Deals signed in the period.")]
