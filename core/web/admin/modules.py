"""The module switchboard of one dealer."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from core import modules, zones
from core.accounts import parse_modules
from core.errors import Conflict
from core.i18n import _, currency_choices, get_locale
from core.web.admin.access import dealer_for_admin
from core.web.forms import form
from core.web.render import flash, page


def _rows(registry, enabled: frozenset[str]) -> list[dict]:
    rows = []
    for name, plugin in registry.plugins.items():
        m = plugin.manifest
        rows.append({
            "name": name,
            "title": m.title,
            "description": m.description,
            "version": m.version,
            "requires": [registry.manifest(r).title for r in m.requires],
            "enabled": name in enabled,
            "needed_by": [registry.manifest(d).title for d in registry.dependents(name, enabled)],
        })
    return rows


async def _switchboard(request: Request, dealer, status: int = 200, error: str = "") -> Response:
    reg = request.app.state.registry
    enabled = parse_modules(dealer.modules)
    # the dealer's country's zones first, every zone by its city in the reader's language
    zone_groups = zones.groups(get_locale(), zones.dealer_country(dealer.language, dealer.timezone), dealer.timezone)
    return await page(request, "core/admin/modules.html",
                      {"dealer": dealer, "rows": _rows(reg, enabled), "error": error, "zone_groups": zone_groups,
                       "currencies": currency_choices()},
                      status_code=status)


@get("/admin/dealers/{dealer_id:int}/modules")
async def switchboard(request: Request, dealer_id: FromPath[int]) -> Response:
    dealer = await dealer_for_admin(request.state.ctx, dealer_id, "core.modules")
    return await _switchboard(request, dealer)


@post("/admin/dealers/{dealer_id:int}/modules/{plugin:str}/enable")
async def enable(request: Request, dealer_id: FromPath[int], plugin: FromPath[str]) -> Response:
    ctx = request.state.ctx
    dealer = await dealer_for_admin(ctx, dealer_id, "core.modules")
    reg = request.app.state.registry
    if plugin not in reg.plugins:
        return await _switchboard(request, dealer, 404, _("This module is not installed."))
    enabled = parse_modules(dealer.modules)
    also = [n for n in reg.closure([plugin]) if n not in enabled and n != plugin]
    data = await form(request)
    if also and data.get("confirm") != "1":
        return await page(request, "core/admin/enable_confirm.html", {
            "dealer": dealer, "plugin": reg.manifest(plugin),
            "also": [reg.manifest(n) for n in also],
        })
    added = await modules.enable(reg, ctx, dealer_id, plugin)
    titles = ", ".join(str(reg.manifest(n).title) for n in added)
    target = f"/admin/dealers/{dealer_id}/modules"
    return flash(Redirect(target), _("Switched on: %(titles)s.") % {"titles": titles}
                 if added else _("Nothing to change."))


@post("/admin/dealers/{dealer_id:int}/modules/{plugin:str}/disable")
async def disable(request: Request, dealer_id: FromPath[int], plugin: FromPath[str]) -> Response:
    ctx = request.state.ctx
    dealer = await dealer_for_admin(ctx, dealer_id, "core.modules")
    reg = request.app.state.registry
    try:
        await modules.disable(reg, ctx, dealer_id, plugin)
    except Conflict as exc:
        return await _switchboard(request, dealer, 409, exc.message)
    title = reg.manifest(plugin).title if plugin in reg.plugins else plugin
    return flash(Redirect(f"/admin/dealers/{dealer_id}/modules"),
                 _("Switched off: %(title)s. Its data is kept.") % {"title": title})


ROUTES = [switchboard, enable, disable]
