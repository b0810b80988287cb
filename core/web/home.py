"""The home page: the user's due reminders, then widgets from the ``page_slots`` hook."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from core import reminders
from core.i18n import gettext as _
from core.web.forms import is_htmx
from core.web.render import env_of, flash, page


@get("/", name="home")
async def home(request: Request) -> Response:
    ctx = request.state.ctx
    reg = request.app.state.registry
    widgets, due = [], []
    if ctx.dealer_id is not None:
        due = await reminders.open_for(ctx.dealer_id, ctx.user_id)
        widgets = await reg.call("page_slots", slot="home.widgets", ctx=ctx,
                                   subject=None)
        widgets.sort(key=lambda w: (w.order, str(w.title)))
    return await page(request, "core/home.html", {"widgets": widgets, "reminders": due})


@post("/reminders/{reminder_id:int}/done")
async def reminder_done(request: Request, reminder_id: FromPath[int]) -> Response:
    if not await reminders.complete(request.state.ctx, reminder_id):
        raise NotFoundException()
    if is_htmx(request):  # the row is swapped out; the message the no-JS path flashes goes to the status region
        html = env_of(request).get_template("core/_status.html").render(text=_("Reminder done."), kind="success")
        return Response(html, media_type="text/html", status_code=200)
    return flash(Redirect("/", status_code=303), _("Reminder done."))


@get("/health", opt={"public": True}, media_type="application/json")
async def health() -> dict[str, str]:
    return {"status": "ok"}


ROUTES = [home, reminder_done, health]
