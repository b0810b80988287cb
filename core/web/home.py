"""The home page: a dashboard whose widgets come from the ``page_slots`` hook."""

from __future__ import annotations

from litestar import Request, Response, get

from core.web.render import page


@get("/", name="home")
async def home(request: Request) -> Response:
    ctx = request.state.ctx
    reg = request.app.state.registry
    widgets = []
    if ctx.dealer_id is not None:
        widgets = await reg.collect("page_slots", ctx.modules, slot="home.widgets", ctx=ctx)
        widgets.sort(key=lambda w: (w.order, str(w.title)))
    return await page(request, "core/home.html", {"widgets": widgets})


@get("/health", opt={"public": True}, media_type="application/json")
async def health() -> dict[str, str]:
    return {"status": "ok"}


ROUTES = [home, health]
