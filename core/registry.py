"""The hook relay: loaded plugins, per-dealer views of them, and how each kind of hook is called.

Contribution hooks are gathered with failures isolated; the veto hook lets
the first exception propagate (and roll the transaction back); notification
hooks run one implementation at a time with a timeout, and a failure is
logged and recorded in ``core_hook_failure`` for the platform admin.
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

from core.errors import PluginError

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
    """The loaded plugins and the hook relay, with per-dealer views of it."""

    def __init__(self, plugins: list[LoadedPlugin], pm: pluggy.PluginManager) -> None:
        self.pm = pm
        self.plugins: dict[str, LoadedPlugin] = {p.manifest.name: p for p in plugins}
        self._subset_cache: dict[tuple[str, frozenset[str]], Any] = {}
        self.hook_timeout = 5.0

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

    # --- hook dispatch ----------------------------------------------------------

    def _impls(self, hook_name: str, modules: frozenset[str] | None) -> list[Any]:
        caller = getattr(self.pm.hook, hook_name)
        impls = [i for i in caller.get_hookimpls() if not (i.hookwrapper or i.wrapper)]
        if modules is not None:
            impls = [i for i in impls if i.plugin_name == CORE or i.plugin_name in modules]
        # pluggy calls last-registered first; we want plugin load order
        order = {name: pos for pos, name in enumerate([CORE, *self.plugins])}
        return sorted(impls, key=lambda i: order.get(i.plugin_name, len(order)))

    def caller(self, hook_name: str, modules: frozenset[str]) -> Any:
        """pluggy's caller for ``hook_name`` limited to ``modules`` (cached)."""
        key = (hook_name, modules)
        if key not in self._subset_cache:
            removed = [self.pm.get_plugin(n) for n in self.plugins if n not in modules]
            self._subset_cache[key] = self.pm.subset_hook_caller(
                hook_name, [p for p in removed if p is not None]
            )
        return self._subset_cache[key]

    async def _call(self, impl: Any, kwargs: dict[str, Any]) -> Any:
        args = [kwargs[name] for name in impl.argnames]
        if inspect.iscoroutinefunction(impl.function):
            return await asyncio.wait_for(impl.function(*args), self.hook_timeout)
        result = impl.function(*args)
        if inspect.isawaitable(result):
            result = await asyncio.wait_for(result, self.hook_timeout)
        return result

    async def collect(
        self, hook_name: str, modules: frozenset[str] | None = None, **kwargs: Any
    ) -> list[Any]:
        """Gather a contribution hook's results, flattening lists, isolating failures.

        ``modules=None`` asks every installed plugin (start-up hooks).
        """
        return [value for _, values in await self.collect_each(hook_name, modules, **kwargs) for value in values]

    async def collect_each(
        self, hook_name: str, modules: frozenset[str] | None = None, **kwargs: Any
    ) -> list[tuple[str, list[Any]]]:
        """Like :meth:`collect`, per plugin: ``[(plugin name, [values...]), ...]`` (failed ones left out)."""
        results: list[tuple[str, list[Any]]] = []
        for impl in self._impls(hook_name, modules):
            try:
                value = await self._call(impl, kwargs)
            except Exception as exc:
                await self.record_failure(impl.plugin_name, hook_name, exc, kwargs)
                continue
            if value is None:
                continue
            results.append((impl.plugin_name, list(value) if isinstance(value, (list, tuple)) else [value]))
        return results

    def collect_sync_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, list[Any]]]:
        """Start-up contributions, per plugin: ``[(plugin name, [values...]), ...]``.

        Start-up hooks run before the event loop serves anything, so their
        implementations must be plain ``def``. Any failure stops start-up with
        a :class:`PluginError` naming the plugin.
        """
        results: list[tuple[str, list[Any]]] = []
        for impl in self._impls(hook_name, None):
            if inspect.iscoroutinefunction(impl.function):
                raise PluginError(impl.plugin_name, f"start-up hook {hook_name} must be a plain def, "
                                                    "not async def")
            try:
                value = impl.function(*[kwargs[n] for n in impl.argnames])
            except Exception as exc:
                raise PluginError(impl.plugin_name, f"hook {hook_name} raised {exc!r}") from exc
            if isinstance(value, (list, tuple)):
                results.append((impl.plugin_name, list(value)))
            elif value is not None:
                results.append((impl.plugin_name, [value]))
        return results

    def collect_sync(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Start-up contributions from every plugin, flattened; failures stop start-up."""
        return [value for _, values in self.collect_sync_each(hook_name, **kwargs) for value in values]

    async def veto(self, hook_name: str, modules: frozenset[str], **kwargs: Any) -> None:
        """Run a veto hook: the first exception propagates (and rolls back)."""
        for impl in self._impls(hook_name, modules):
            await self._call(impl, kwargs)

    async def notify(self, hook_name: str, modules: frozenset[str] | None, **kwargs: Any) -> None:
        """Call a notification hook's implementations one at a time, isolated.

        Sync implementations run in a worker thread so a hanging one cannot
        stall the event loop; each gets ``hook_timeout`` seconds.
        """
        for impl in self._impls(hook_name, modules):
            try:
                if inspect.iscoroutinefunction(impl.function):
                    await self._call(impl, kwargs)
                else:
                    args = [kwargs[name] for name in impl.argnames]
                    result = await asyncio.wait_for(
                        asyncio.to_thread(impl.function, *args), self.hook_timeout
                    )
                    if inspect.isawaitable(result):
                        await asyncio.wait_for(result, self.hook_timeout)
            except Exception as exc:
                await self.record_failure(impl.plugin_name, hook_name, exc, kwargs)

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


_registry: Registry | None = None


def set_registry(registry: Registry) -> None:
    global _registry
    _registry = registry


def registry() -> Registry:
    """The running app's registry (services use it to fire hooks)."""
    if _registry is None:
        raise RuntimeError("no plugins loaded: create the app first")
    return _registry
