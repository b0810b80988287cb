"""The per-dealer module switchboard: enable with requirements, refuse orphaning.

No restart is needed: the enabled set is read with the session on every
request. Disabling never touches a plugin's data; enabling again brings it
back as it was.
"""

from __future__ import annotations

from core import db
from core.accounts import format_modules, parse_modules
from core.context import Context
from core.errors import Conflict, ValidationFailed
from core.i18n import _
from core.plugins import Registry
from core.tables import Dealer, ModuleChange
from core.timeutil import now


async def enabled_modules(dealer_id: int) -> frozenset[str]:
    row = await Dealer.select(Dealer.modules).where(Dealer.id == dealer_id).first()
    if row is None:
        raise ValidationFailed({"dealer": _("No such dealer.")})
    return parse_modules(row["modules"])


def defaults(registry: Registry, wanted: tuple[str, ...]) -> list[str]:
    """The modules a new dealer starts with: installed defaults plus requirements."""
    names = [n for n in wanted if n in registry.plugins and registry.manifest(n).default_enabled]
    return registry.closure(names)


async def enable(registry: Registry, ctx: Context, dealer_id: int, plugin: str) -> list[str]:
    """Enable ``plugin`` and whatever it requires; return the plugins newly enabled."""
    if plugin not in registry.plugins:
        raise ValidationFailed({"plugin": _("This module is not installed.")})
    async with db.transaction():
        before = await enabled_modules(dealer_id)
        added = [n for n in registry.closure([plugin]) if n not in before]
        after = before | set(added)
        await Dealer.update({Dealer.modules: format_modules(after)}).where(Dealer.id == dealer_id)
        for name in added:
            await ModuleChange.insert(
                ModuleChange(dealer_id=dealer_id, plugin=name, enabled=True,
                             user_id=ctx.user_id, at=now())
            )
    for name in added:
        await registry.notify("on_plugin_enabled", after, ctx=ctx, dealer_id=dealer_id, plugin=name)
    return added


async def disable(registry: Registry, ctx: Context, dealer_id: int, plugin: str) -> None:
    """Disable ``plugin``; refused (409) while an enabled plugin requires it."""
    async with db.transaction():
        before = await enabled_modules(dealer_id)
        if plugin not in before:
            return
        dependents = registry.dependents(plugin, before)
        if dependents:
            titles = ", ".join(str(registry.manifest(d).title) for d in dependents)
            raise Conflict(
                _("%(plugin)s cannot be switched off while these modules need it: %(deps)s.")
                % {"plugin": registry.manifest(plugin).title, "deps": titles}
            )
        after = before - {plugin}
        await Dealer.update({Dealer.modules: format_modules(after)}).where(Dealer.id == dealer_id)
        await ModuleChange.insert(
            ModuleChange(dealer_id=dealer_id, plugin=plugin, enabled=False,
                         user_id=ctx.user_id, at=now())
        )
    await registry.notify("on_plugin_disabled", before, ctx=ctx, dealer_id=dealer_id, plugin=plugin)
