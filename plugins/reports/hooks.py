"""The reports plugin's face to the core: routes, permissions, the menus (dealer and platform), the home
widget."""

from __future__ import annotations

from forecourt import NavItem, Permission, SlotContent, hookimpl
from forecourt import lazy_gettext as _l
from plugins.reports import platform, views, widget


@hookimpl
def register_routes():
    return [*platform.ROUTES, *widget.ROUTES, *views.ROUTES]


@hookimpl
def register_permissions():
    return [
        Permission("reports.view", _l("See reports (your own row and the dealer's totals)"),
                   ("manager", "dealer_admin")),
        Permission("reports.view_all", _l("See every manager's figures in reports"), ("dealer_admin",)),
    ]


@hookimpl
def nav_items(ctx):
    if not ctx.can("reports.view"):
        return []
    return [NavItem(label=_l("Reports"), href="/reports/", order=60, active_prefix="/reports/")]


@hookimpl
def platform_nav_items(ctx):
    """The platform administrator's cross-dealer summary (counts only)."""
    return [NavItem(label=_l("Reports"), href="/reports/platform", order=940, active_prefix="/reports/platform")]


@hookimpl
async def page_slots(slot, ctx, subject):
    """The home page: the reader's own figures this week."""
    if slot != "home.widgets" or not ctx.can("reports.view"):
        return []
    # loaded by the page after it shows (htmx; a link without JS): the home page never waits for figures
    return [SlotContent(title=_l("My week"), url=widget.URL, order=5, plugin="reports")]
