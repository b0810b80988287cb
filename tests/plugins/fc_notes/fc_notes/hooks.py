"""Every core hookspec implemented once, recording calls in notes_event."""

from markupsafe import Markup

from forecourt import Entity, NavItem, Permission, SlotContent, Veto, create_entity, hookimpl, now
from forecourt import lazy_gettext as _l


async def _record(dealer_id, hook, detail=""):
    from fc_notes.tables import Event

    await Event.scoped(dealer_id).insert(hook=hook, detail=str(detail), at=now())


@hookimpl
def register_routes():
    from fc_notes.views import ROUTES

    return ROUTES


@hookimpl
def register_permissions():
    return [Permission("notes.write", _l("Write notes"), ("manager", "dealer_admin"))]


@hookimpl
def register_entities():
    from fc_notes.tables import Note

    return [Entity("notes.note", Note, _l("Note"), search=("title", "body"))]


@hookimpl
def prepare_jinja_env(env):
    env.filters["notes_shout"] = lambda text: f"{text}!".upper()


@hookimpl
def nav_items(ctx):
    return [NavItem(label=_l("Notes"), href="/notes/", order=50)]


@hookimpl
def page_slots(slot, ctx):
    if slot != "home.widgets":
        return []
    return [
        SlotContent(title=_l("Notes"), html=Markup("<p class='notes-widget'>notes here</p>"),
                    order=10, plugin="notes"),
        SlotContent(title=_l("Note count"), url="/notes/widget", order=20, plugin="notes"),
    ]


@hookimpl
async def demo_data(dealer, users, ctx):
    from fc_notes.tables import Note

    if not await Note.scoped(dealer.id).exists():
        await create_entity(ctx, Note, "notes.note", {"title": "Welcome", "body": "Demo note", "created_at": now()})


@hookimpl
def validate_change(ctx, entity, action, values):
    if entity == "notes.note" and "forbidden" in values.get("title", "").lower():
        raise Veto("Notes may not say 'forbidden'.", field="title")


@hookimpl
async def on_entity_created(ctx, entity, entity_id):
    await _record(ctx.dealer_id, "on_entity_created", f"{entity}:{entity_id}")


@hookimpl
async def on_entity_deleted(ctx, entity, entity_id):
    await _record(ctx.dealer_id, "on_entity_deleted", f"{entity}:{entity_id}")


@hookimpl
async def on_plugin_enabled(dealer_id, plugin):
    await _record(dealer_id, "on_plugin_enabled", plugin)


@hookimpl
async def on_plugin_disabled(dealer_id, plugin):
    await _record(dealer_id, "on_plugin_disabled", plugin)
