"""Platform admin: the dealers of the install, and failed plugin hooks."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.response import Redirect

from core import accounts, modules
from core.errors import ValidationFailed
from core.i18n import _
from core.permissions import requires
from core.settings import LANGUAGES
from core.tables import Dealer, HookFailure
from core.web.forms import form
from core.web.render import flash, page

PLATFORM = [requires("core.platform")]


async def _dealers_page(request: Request, values=None, errors=None, status: int = 200) -> Response:
    dealers = await Dealer.select().order_by(Dealer.name)
    return await page(request, "core/admin/dealers.html", {
        "dealers": dealers, "values": values or {}, "errors": errors or {},
        "dealer_languages": LANGUAGES,
    }, status_code=status)


@get("/admin/dealers", guards=PLATFORM)
async def dealers(request: Request) -> Response:
    return await _dealers_page(request)


@post("/admin/dealers", guards=PLATFORM)
async def create_dealer(request: Request) -> Response:
    data = await form(request)
    reg = request.app.state.registry
    settings = request.app.state.settings
    try:
        dealer = await accounts.create_dealer(
            data.get("name", ""), data.get("slug", ""), data.get("city", ""),
            data.get("language", "en") if data.get("language") in LANGUAGES else "en",
            modules.defaults(reg, settings.default_modules),
        )
    except ValidationFailed as exc:
        return await _dealers_page(request, data, exc.errors, status=422)
    return flash(Redirect(f"/admin/dealers/{dealer.id}/users"),
                 _("Dealer %(name)s created. Add its first administrator.") % {"name": dealer.name})


@get("/admin/hook-failures", guards=PLATFORM)
async def hook_failures(request: Request) -> Response:
    rows = await HookFailure.select().order_by(HookFailure.id, ascending=False).limit(200)
    return await page(request, "core/admin/hook_failures.html", {"rows": rows})


ROUTES = [dealers, create_dealer, hook_failures]
