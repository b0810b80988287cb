from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from fc_notes.settings import SETTINGS
from fc_notes.tables import Note
from forecourt import (
    ValidationFailed,
    Veto,
    call_hook,
    create_entity,
    flash,
    now,
    page,
    requires,
)
from forecourt import (
    gettext as _,
)


async def _list(request: Request, values=None, errors=None, status=200) -> Response:
    ctx = request.state.ctx
    notes = await Note.scoped(ctx.dealer_id).select().order_by(Note.id, ascending=False)
    for note in notes:
        note["badges"] = await call_hook("notes_badges", ctx=ctx, note=note)
    return await page(request, "notes/list.html",
                      {"notes": notes, "values": values or {}, "errors": errors or {}},
                      status_code=status)


@get("/")
async def list_notes(request: Request) -> Response:
    return await _list(request)


@post("/", guards=[requires("notes.write")])
async def create_note(request: Request) -> Response:
    data = await request.form()
    title = (data.get("title") or "").strip()
    if not title:
        return await _list(request, dict(data), {"title": _("Enter a title.")}, 422)
    try:
        await create_entity(request.state.ctx, Note, "notes.note",
                            {"title": title, "body": data.get("body") or "",
                             "created_at": now()})
    except Veto as exc:
        return await _list(request, dict(data), {"title": exc.message}, 422)
    except ValidationFailed as exc:
        return await _list(request, dict(data), exc.errors, 422)
    return flash(Redirect("/notes/"), _("Note saved."))


@get("/{note_id:int}")
async def show_note(request: Request, note_id: FromPath[int]) -> Response:
    note = await Note.scoped(request.state.ctx.dealer_id).get(note_id)
    if note is None:
        raise NotFoundException()
    return await page(request, "notes/show.html", {"note": note})


@get("/widget")
async def widget(request: Request) -> Response:
    count = await Note.scoped(request.state.ctx.dealer_id).count()
    return Response(f"<p class='notes-count'>{count}</p>", media_type="text/html")


ROUTES = [list_notes, create_note, show_note, widget, *SETTINGS.routes()]
