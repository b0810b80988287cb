import asyncio
from collections import deque

from litestar import Response, get, post

from fc_extra.tables import Mark
from forecourt import Metric, MetricValue, NavItem, hookimpl


@get("/")
async def extra_home() -> Response:
    return Response("<p class='extra'>extra</p>", media_type="text/html")


@post("/ping")
async def ping() -> Response:
    return Response("pong", media_type="text/plain")


@get("/boom")
async def boom() -> Response:
    """Fails on purpose, to show the error page (forecourt.testing lets a path segment ``boom`` fail)."""
    raise RuntimeError("a bug in a plugin view")


@get("/crash", opt={"public": True})
async def crash() -> Response:
    """A bug forecourt.testing must catch: any test that makes the server answer this fails."""
    raise RuntimeError("a bug the test server check must report")


@hookimpl
def register_routes():
    return [extra_home, ping, boom, crash]


@hookimpl
def nav_items(ctx):
    return [NavItem(label="Extra", href="/extra/", order=60)]


@hookimpl
def notes_badges(note):
    return ["extra"]


#: the entity hooks this process heard, newest last: ``(hook, entity, action, entity_id)``; tests read and clear it
HEARD: deque[tuple[str, str, str, int | None]] = deque(maxlen=1000)


@hookimpl
def validate_change(ctx, entity, action, entity_id):
    HEARD.append(("validate_change", entity, action, entity_id))


@hookimpl
def on_entity_created(ctx, entity, entity_id):
    HEARD.append(("on_entity_created", entity, "create", entity_id))
    raise RuntimeError(f"extra refuses to hear about {entity} {entity_id}")


@hookimpl
def on_entity_updated(ctx, entity, entity_id):
    HEARD.append(("on_entity_updated", entity, "update", entity_id))


@hookimpl
def on_entity_deleted(ctx, entity, entity_id):
    HEARD.append(("on_entity_deleted", entity, "delete", entity_id))


@hookimpl
async def on_plugin_enabled(dealer_id, plugin):
    await asyncio.sleep(60)  # hangs: the core must time it out and go on


async def count_marks(ctx, period):
    return MetricValue(await Mark.scoped(ctx.dealer_id).count())


async def broken_metric(ctx, period):
    raise RuntimeError("extra cannot count today")


@hookimpl
def report_metrics(ctx):
    """One good metric, one that fails when computed, and two malformed declarations the core must drop."""
    return [Metric("extra.marks", "Marks", count_marks, snapshot=True),
            Metric("extra.broken", "Broken", broken_metric),
            Metric("notes.stolen", "Not mine to declare", count_marks),
            "not a metric"]
