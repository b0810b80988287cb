import asyncio
import html
from collections import deque

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from fc_extra.tables import Mark
from forecourt import Metric, MetricValue, NavItem, hookimpl, read_id
from forecourt.isolation import ISOLATION_EXEMPT

#: the deliberate leaks below are kept out of the isolation matrix, which must find nothing else
LEAKY = {ISOLATION_EXEMPT: "trusts the id on purpose: tests/test_isolation.py shows the check flags it"}


@get("/")
async def extra_home() -> Response:
    return Response("<p class='extra'>extra</p>", media_type="text/html")


@post("/ping")
async def ping() -> Response:
    return Response("pong", media_type="text/plain")


@get("/boom", opt={ISOLATION_EXEMPT: "fails on purpose"})
async def boom() -> Response:
    """Fails on purpose, to show the error page (forecourt.testing lets a path segment ``boom`` fail)."""
    raise RuntimeError("a bug in a plugin view")


@get("/crash", opt={"public": True, ISOLATION_EXEMPT: "fails on purpose"})
async def crash() -> Response:
    """A bug forecourt.testing must catch: any test that makes the server answer this fails."""
    raise RuntimeError("a bug the test server check must report")


@get("/marks/{mark_id:int}", opt=LEAKY)
async def leaky_mark(mark_id: FromPath[int]) -> Response:
    """A bug the isolation check must report: any dealer's mark, by id (no ``Mark.scoped``)."""
    row = await Mark.select(Mark.label).where(Mark.id == mark_id).first()
    if row is None:
        raise NotFoundException()
    return Response(f"<p>{row['label']}</p>", media_type="text/html")


@post("/marks/{mark_id:int}", opt=LEAKY)
async def leaky_rename(request: Request, mark_id: FromPath[int]) -> Response:
    """The same bug on a write: renames any dealer's mark."""
    label = str((await request.form()).get("label") or "renamed")[:50]
    await Mark.update({Mark.label: label}).where(Mark.id == mark_id)
    return Response("renamed", media_type="text/plain")


@get("/marks", opt=LEAKY)
async def marks_page(request: Request) -> Response:
    """This dealer's marks, each with a relabel form: the form is honest, the route it posts to is not."""
    rows = await Mark.scoped(request.state.ctx.dealer_id).select()
    return Response("".join(
        f'<form method="post" action="/extra/relabel"><input type="hidden" name="mark_id" value="{r["id"]}">'
        f'<input name="label" value="{html.escape(r["label"])}"></form>' for r in rows), media_type="text/html")


@post("/relabel", opt=LEAKY)
async def leaky_relabel(request: Request) -> Response:
    """The bug in a form field: relabels whichever dealer's mark the form names."""
    data = await request.form()
    await Mark.update({Mark.label: str(data.get("label") or "relabelled")[:50]}).where(
        Mark.id == read_id(data.get("mark_id")))
    return Response("relabelled", media_type="text/plain")


@hookimpl
def register_routes():
    return [extra_home, ping, boom, crash, leaky_mark, leaky_rename, marks_page, leaky_relabel]


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


async def broken_series(ctx, period, buckets):
    raise RuntimeError("extra cannot count by day either")


@hookimpl
def report_metrics(ctx):
    """One good metric, one that fails when computed, and two malformed declarations the core must drop."""
    return [Metric("extra.marks", "Marks", count_marks, snapshot=True),
            Metric("extra.broken", "Broken", broken_metric, series=broken_series),
            Metric("notes.stolen", "Not mine to declare", count_marks),
            "not a metric"]
