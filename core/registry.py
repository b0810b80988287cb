"""The hook relay: loaded plugins, per-dealer views of them, and one call path for every hook.

How a hook is called follows its declared kind (:class:`core.hookdecl.Kind`):
contributions are gathered with failures isolated; vetoes and task steps let
the first exception propagate (and roll the transaction back); notifications
run one implementation at a time with a timeout; a service answers with the
first result. Isolated failures are logged and recorded in
``core_hook_failure`` for the platform admin.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pluggy

from core import db
from core.errors import PluginError
from core.hookdecl import HookDecl, Kind, Scope

if TYPE_CHECKING:
    from core.plugins import Manifest

log = logging.getLogger("forecourt.plugins")

#: the name the core's own hook implementations are registered under
CORE = "core"


@dataclass
class LoadedPlugin:
    manifest: Manifest
    distribution: str = ""
    hooks: list[str] = field(default_factory=list)


class Registry:
    """The loaded plugins and the hook relay, with per-dealer views of it.

    Every hook is called through :meth:`call` (or :meth:`startup` for start-up
    contributions): the hook's declaration (:class:`core.hookdecl.HookDecl`)
    decides whose implementations run and what a failure does, so a caller
    cannot pick the wrong semantics for a hook.
    """

    def __init__(self, plugins: list[LoadedPlugin], pm: pluggy.PluginManager,
                 decls: dict[str, HookDecl] | None = None) -> None:
        self.pm = pm
        self.plugins: dict[str, LoadedPlugin] = {p.manifest.name: p for p in plugins}
        self.decls: dict[str, HookDecl] = dict(decls or {})
        self.hook_timeout = 5.0
        self._order = {name: pos for pos, name in enumerate([CORE, *self.plugins])}

    # --- the requires graph ---------------------------------------------------

    @property
    def names(self) -> list[str]:
        return list(self.plugins)

    def manifest(self, name: str) -> Manifest:
        return self.plugins[name].manifest

    def closure(self, names: Iterable[str]) -> list[str]:
        """``names`` and everything they require, requirements first."""
        wanted: set[str] = set()
        stack = list(names)
        while stack:
            name = stack.pop()
            if name in wanted or name not in self.plugins:
                continue
            wanted.add(name)
            stack.extend(self.manifest(name).requires)
        return [n for n in self.plugins if n in wanted]

    def dependents(self, name: str, enabled: Iterable[str]) -> list[str]:
        """Enabled plugins that require ``name``, directly or through others."""
        enabled = set(enabled)
        return [
            other
            for other in self.plugins
            if other != name and other in enabled and name in self.closure([other])[:-1]
        ]

    # --- which implementations ----------------------------------------------------

    def decl(self, name: str) -> HookDecl:
        """The declaration of hook ``name``; LookupError when no installed plugin declares it."""
        try:
            return self.decls[name]
        except KeyError:
            raise LookupError(f"no hook {name!r} is declared: is the plugin that declares it installed? "
                              "(ask hook_owner_enabled / hook_implemented first)") from None

    def implementations(self, name: str, modules: frozenset[str] | None = None) -> list[Any]:
        """pluggy's implementations of ``name`` in calling order, limited to ``modules`` (None: all).

        Order: ``tryfirst`` ones, then the core's and the plugins' in load order
        (requirements first), then ``trylast`` ones.
        """
        impls = getattr(self.pm.hook, name).get_hookimpls()
        if modules is not None:
            impls = [i for i in impls if i.plugin_name == CORE or i.plugin_name in modules]
        last = len(self._order)
        return sorted(impls, key=lambda i: (0 if i.tryfirst else 2 if i.trylast else 1,
                                            self._order.get(i.plugin_name, last)))

    def _modules(self, decl: HookDecl, modules: frozenset[str] | None, kwargs: dict[str, Any]) -> frozenset[str] | None:
        if decl.scope is Scope.INSTALL:
            return None
        if modules is not None:
            return frozenset(modules)
        ctx = kwargs.get("ctx")
        if ctx is None:
            raise TypeError(f"dealer-scoped hook {decl.name} needs ctx= (or modules=)")
        return frozenset(getattr(ctx, "modules", ()) or ())

    def implemented(self, name: str, modules: Iterable[str]) -> bool:
        """Whether a plugin among ``modules`` (or the core) implements ``name``; False if it is not declared."""
        if name not in self.decls:
            return False
        return bool(self.implementations(name, frozenset(modules)))

    def owner_enabled(self, name: str, modules: Iterable[str]) -> bool:
        """Whether the plugin that declares ``name`` is among ``modules`` (the core always is)."""
        decl = self.decls.get(name)
        return decl is not None and (decl.owner == CORE or decl.owner in set(modules))

    # --- one call path ------------------------------------------------------------------

    async def call(self, name: str, /, *, modules: Iterable[str] | None = None, **kwargs: Any) -> Any:
        """Call hook ``name`` as its declaration says; what it returns depends on the kind.

        * contribution: every result, lists flattened (failures recorded and left out);
        * service: the first result that is not ``None`` (``None`` if no enabled plugin answers);
          exceptions reach the caller;
        * veto, task step, notification: ``None``.

        ``modules`` overrides the dealer's modules of ``ctx`` for a dealer-scoped
        hook (``on_plugin_enabled`` goes to the modules after the switch).
        Every implementation gets ``hook_timeout`` seconds, but a task step
        (seeding may take a while) has no limit.
        """
        decl = self.decl(name)
        if decl.kind is Kind.STARTUP:
            raise TypeError(f"{name} is a start-up hook: the core calls it while booting (Registry.startup)")
        if decl.kind is Kind.CONTRIBUTION:
            return [v for _, values in await self.call_each(name, modules=modules, **kwargs) for v in values]
        impls = self.implementations(name, self._modules(decl, _frozen(modules), kwargs))
        limit = None if decl.kind is Kind.TASK else self.hook_timeout
        if decl.kind is Kind.NOTIFICATION:
            async def notify() -> None:
                for impl in impls:
                    try:
                        await self._call(impl, kwargs, limit, thread=True)
                    except Exception as exc:
                        await self.record_failure(impl.plugin_name, name, exc, kwargs)

            # inside a caller's transaction, "after the commit" means after that one's commit
            await db.after_commit(notify)
            return None
        for impl in impls:  # veto, task step, service: exceptions propagate
            value = await self._call(impl, kwargs, limit)
            if decl.kind is Kind.SERVICE and value is not None:
                return value
        return None

    async def call_each(self, name: str, /, *, modules: Iterable[str] | None = None,
                        **kwargs: Any) -> list[tuple[str, list[Any]]]:
        """A contribution hook's results per plugin: ``[(plugin, [values...]), ...]`` (failed ones left out)."""
        decl = self.decl(name)
        if decl.kind is not Kind.CONTRIBUTION:
            raise TypeError(f"{name} is a {decl.kind.value}, not a contribution")
        results: list[tuple[str, list[Any]]] = []
        for impl in self.implementations(name, self._modules(decl, _frozen(modules), kwargs)):
            try:
                value = await self._call(impl, kwargs, self.hook_timeout)
            except Exception as exc:
                await self.record_failure(impl.plugin_name, name, exc, kwargs)
                continue
            if value is not None:
                results.append((impl.plugin_name, _as_list(value)))
        return results

    def startup(self, name: str, /, **kwargs: Any) -> list[tuple[str, list[Any]]]:
        """A start-up contribution from every installed plugin, per plugin: ``[(plugin, [values...]), ...]``.

        Start-up hooks run before the event loop serves anything, so their
        implementations must be plain ``def``. Any failure stops start-up with
        a :class:`PluginError` naming the plugin.
        """
        decl = self.decl(name)
        if decl.kind is not Kind.STARTUP:
            raise TypeError(f"{name} is a {decl.kind.value}, not a start-up hook")
        results: list[tuple[str, list[Any]]] = []
        for impl in self.implementations(name):
            if inspect.iscoroutinefunction(impl.function):
                raise PluginError(impl.plugin_name, f"start-up hook {name} must be a plain def, not async def")
            try:
                value = impl.function(*[kwargs[n] for n in impl.argnames])
            except Exception as exc:
                raise PluginError(impl.plugin_name, f"hook {name} raised {exc!r}") from exc
            if value is not None:
                results.append((impl.plugin_name, _as_list(value)))
        return results

    async def _call(self, impl: Any, kwargs: dict[str, Any], limit: float | None, thread: bool = False) -> Any:
        # asyncio.timeout, not wait_for: the hook runs in the caller's task, so a call costs no new task
        # and no turn of the event loop (under load a turn is every other request's next step)
        args = [kwargs[name] for name in impl.argnames]
        if inspect.iscoroutinefunction(impl.function):
            async with asyncio.timeout(limit):
                return await impl.function(*args)
        if thread:  # a sync notification may block: off the event loop, under the limit
            async with asyncio.timeout(limit):
                result = await asyncio.to_thread(impl.function, *args)
        else:
            result = impl.function(*args)
        if inspect.isawaitable(result):
            async with asyncio.timeout(limit):
                result = await result
        return result

    async def record_failure(
        self, plugin: str, hook_name: str, exc: BaseException, kwargs: dict[str, Any]
    ) -> None:
        """Log a failed hook with plugin and hook name, and keep it for the admin."""
        if isinstance(exc, TimeoutError):
            message = f"timed out after {self.hook_timeout:g} s"
        else:
            message = f"{type(exc).__name__}: {exc}"
        log.error("hook %s of plugin %s failed: %s", hook_name, plugin, message, exc_info=exc)
        ctx = kwargs.get("ctx")
        try:
            from core.tables import HookFailure
            from core.timeutil import now

            await HookFailure.insert(
                HookFailure(
                    at=now(),
                    plugin=plugin,
                    hook=hook_name,
                    dealer_id=getattr(ctx, "dealer_id", None) or kwargs.get("dealer_id"),
                    error=message[:2000],
                    details="".join(traceback.format_exception(exc))[-8000:],
                )
            )
        except Exception:  # the record is best effort; the log line stands
            log.exception("could not record the failure of %s.%s", plugin, hook_name)


def _frozen(modules: Iterable[str] | None) -> frozenset[str] | None:
    return None if modules is None else frozenset(modules)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def registry() -> Registry:
    """The booted runtime's registry (services use it to fire hooks)."""
    from core.runtime import current

    return current().registry


# --- what plugins call (the public API re-exports these) --------------------------------


async def call_hook(name: str, /, **kwargs: Any) -> Any:
    """Call hook ``name`` as its declaration says (see :meth:`Registry.call`): plugins' one way to fire a hook.

    A dealer-scoped hook goes to the plugins ``ctx``'s dealer has enabled. A
    hook that no installed plugin declares raises LookupError: for a hook of a
    plugin you do not require, ask :func:`hook_implemented` or
    :func:`hook_owner_enabled` first.
    """
    return await registry().call(name, **kwargs)


def hook_implemented(name: str, ctx: Any) -> bool:
    """Whether a plugin ``ctx``'s dealer has enabled implements hook ``name`` (a service you may call)."""
    return registry().implemented(name, getattr(ctx, "modules", ()) or ())


def hook_owner_enabled(name: str, ctx: Any) -> bool:
    """Whether the plugin that declares hook ``name`` is installed and enabled for ``ctx``'s dealer.

    E.g. leads offers "Watch stock" only where the module that fires
    ``orders_stock_changed`` is on.
    """
    return registry().owner_enabled(name, getattr(ctx, "modules", ()) or ())
