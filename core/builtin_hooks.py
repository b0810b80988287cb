"""The core's own hook implementations (registered as plugin ``core``)."""

from __future__ import annotations

from core.context import Context
from core.hookspecs import hookimpl
from core.i18n import lazy_gettext as _l
from core.web import NavItem
from core.workflow import machine


def _has_reason_lists(modules: frozenset[str]) -> bool:
    return any(inp.kind == "reason" for m in machine.machines().values() if m.plugin in modules
               for t in m.transitions for inp in t.inputs)


@hookimpl
def nav_items(ctx: Context) -> list[NavItem]:
    items: list[NavItem] = []
    if ctx.dealer_id is not None:
        items.append(NavItem(label=_l("Home"), href="/", order=0, active_prefix="/"))
    if ctx.dealer_id is not None and ctx.can("core.users"):
        items.append(NavItem(label=_l("Users"), href=f"/admin/dealers/{ctx.dealer_id}/users",
                             order=900, active_prefix=f"/admin/dealers/{ctx.dealer_id}/users"))
    if ctx.dealer_id is not None and ctx.can("core.modules"):
        items.append(NavItem(label=_l("Modules"), href=f"/admin/dealers/{ctx.dealer_id}/modules",
                             order=910,
                             active_prefix=f"/admin/dealers/{ctx.dealer_id}/modules"))
    if ctx.dealer_id is not None and ctx.can("core.reasons") and _has_reason_lists(ctx.modules):
        items.append(NavItem(label=_l("Reasons"), href=f"/admin/dealers/{ctx.dealer_id}/reasons",
                             order=920, active_prefix=f"/admin/dealers/{ctx.dealer_id}/reasons"))
    if ctx.can("core.platform"):
        items.append(NavItem(label=_l("Dealers"), href="/admin/dealers", order=950,
                             active_prefix="/admin/dealers"))
        items.append(NavItem(label=_l("Hook failures"), href="/admin/hook-failures", order=960))
    return items
