"""Platform admin: the dealers of the install, and failed plugin hooks; a dealer's time zone and currency."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from core import accounts, modules, zones
from core.errors import ValidationFailed
from core.i18n import CURRENCY_BY_LANGUAGE, _, currency_choices, get_locale, is_currency
from core.permissions import requires
from core.settings import LANGUAGES
from core.tables import Dealer, HookFailure
from core.timeutil import ZONE_BY_LANGUAGE, is_zone, zone_names
from core.web.admin.access import dealer_for_admin
from core.web.forms import form
from core.web.render import flash, page

PLATFORM = [requires("core.platform")]


async def _dealers_page(request: Request, values=None, errors=None, status: int = 200) -> Response:
    dealers = await Dealer.select().order_by(Dealer.name)
    return await page(request, "core/admin/dealers.html", {
        "dealers": dealers, "values": values or {}, "errors": errors or {},
        "dealer_languages": LANGUAGES, "zones": zone_names(), "zone_by_language": ZONE_BY_LANGUAGE,
        "currencies": currency_choices(), "currency_by_language": CURRENCY_BY_LANGUAGE,
        # a module by its title in the reader's language, not its code
        "module_titles": {p.manifest.name: p.manifest.title for p in request.app.state.registry.plugins.values()},
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
            modules.defaults(reg, settings.default_modules), data.get("timezone", ""),
            data.get("currency", ""),
        )
    except ValidationFailed as exc:
        return await _dealers_page(request, data, exc.errors, status=422)
    return flash(Redirect(f"/admin/dealers/{dealer.id}/users"),
                 _("Dealer %(name)s created. Add its first administrator.") % {"name": dealer.name})


@get("/admin/hook-failures", guards=PLATFORM)
async def hook_failures(request: Request) -> Response:
    rows = await HookFailure.select().order_by(HookFailure.id, ascending=False).limit(200)
    return await page(request, "core/admin/hook_failures.html", {"rows": rows})


@post("/admin/dealers/{dealer_id:int}/timezone")
async def set_timezone(request: Request, dealer_id: FromPath[int]) -> Response:
    """The platform admin or the dealer's own administrator sets the dealer's clock."""
    dealer = await dealer_for_admin(request.state.ctx, dealer_id, "core.modules")
    data = await form(request)
    name = data.get("timezone", "").strip()
    back = f"/admin/dealers/{dealer.id}/modules"
    if name != "UTC" and not is_zone(name):
        return flash(Redirect(back, status_code=303), _("Choose a time zone from the list."), "error")
    await Dealer.update({Dealer.timezone: name}).where(Dealer.id == dealer.id)
    return flash(Redirect(back, status_code=303),
                 _("Times are now shown and entered in %(zone)s.") % {"zone": zones.label(name, get_locale())})


@post("/admin/dealers/{dealer_id:int}/currency")
async def set_currency(request: Request, dealer_id: FromPath[int]) -> Response:
    """The platform admin or the dealer's own administrator sets the currency its amounts are shown in."""
    dealer = await dealer_for_admin(request.state.ctx, dealer_id, "core.modules")
    code = (await form(request)).get("currency", "").strip().upper()
    back = f"/admin/dealers/{dealer.id}/modules"
    if not is_currency(code):
        return flash(Redirect(back, status_code=303), _("Choose a currency from the list."), "error")
    await Dealer.update({Dealer.currency: code}).where(Dealer.id == dealer.id)
    return flash(Redirect(back, status_code=303), _("Amounts are now shown in %(currency)s.") % {"currency": code})


ROUTES = [dealers, create_dealer, hook_failures, set_timezone, set_currency]
