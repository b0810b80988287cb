"""The per-dealer module switchboard: enable with requirements, refuse orphaning.

No restart is needed: the enabled set is read with the session on every
request. Disabling never touches a plugin's data; enabling again brings it
back as it was.
"""

from __future__ import annotations

from collections.abc import Callable

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


class _Lost(Exception):
    """The dealer's modules changed between our read and our write: try again from a fresh read."""


async def _switch(ctx: Context, dealer_id: int,
                  change: Callable[[frozenset[str]], frozenset[str]]) -> tuple[frozenset[str], frozenset[str]]:
    """Apply ``change`` to the dealer's enabled set atomically; ``(before, after)``.

    The set is written only if it is still what ``change`` was computed from
    (compare-and-set), in the transaction that logs the change; a concurrent
    switch makes it start again from a fresh read, so no switch is lost and
    the ``requires`` graph ``change`` checked is the one written. ``change``
    may raise (a refusal) and then nothing is written.
    """
    for _attempt in range(20):
        try:
            async with db.transaction():
                row = await Dealer.select(Dealer.modules).where(Dealer.id == dealer_id).first()
                if row is None:
                    raise ValidationFailed({"dealer": _("No such dealer.")})
                before = parse_modules(row["modules"])
                after = change(before)
                if after == before:
                    return before, after
                written = await Dealer.update({Dealer.modules: format_modules(after)}).where(
                    (Dealer.id == dealer_id) & (Dealer.modules == row["modules"])).returning(Dealer.id)
                if not written:
                    raise _Lost()
                for name in sorted(after ^ before):
                    await ModuleChange.insert(ModuleChange(dealer_id=dealer_id, plugin=name, enabled=name in after,
                                                           user_id=ctx.user_id, at=now()))
                return before, after
        except _Lost:
            continue
    raise Conflict(_("Someone else is switching modules for this dealer right now. Try again."))


async def enable(registry: Registry, ctx: Context, dealer_id: int, plugin: str) -> list[str]:
    """Enable ``plugin`` and whatever it requires; return the plugins newly enabled."""
    if plugin not in registry.plugins:
        raise ValidationFailed({"plugin": _("This module is not installed.")})
    closure = registry.closure([plugin])
    before, after = await _switch(ctx, dealer_id, lambda current: current | set(closure))
    added = [n for n in closure if n not in before]
    for name in added:
        await registry.call("on_plugin_enabled", modules=after, ctx=ctx, dealer_id=dealer_id, plugin=name)
    return added


async def disable(registry: Registry, ctx: Context, dealer_id: int, plugin: str) -> None:
    """Disable ``plugin``; refused (409) while an enabled plugin requires it."""

    def without(current: frozenset[str]) -> frozenset[str]:
        if plugin not in current:
            return current
        dependents = registry.dependents(plugin, current)
        if dependents:
            titles = ", ".join(str(registry.manifest(d).title) for d in dependents)
            raise Conflict(
                _("%(plugin)s cannot be switched off while these modules need it: %(deps)s.")
                % {"plugin": registry.manifest(plugin).title, "deps": titles}
            )
        return current - {plugin}

    before, after = await _switch(ctx, dealer_id, without)
    if after != before:
        await registry.call("on_plugin_disabled", modules=before, ctx=ctx, dealer_id=dealer_id, plugin=plugin)
