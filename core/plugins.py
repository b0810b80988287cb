"""Plugin discovery, manifests, the requires-graph, and hook dispatch.

Plugins are found through the entry-point group ``forecourt.plugins``; the
built-in ones are declared in Forecourt's own pyproject exactly as a partner
declares theirs. Each entry point names a :class:`Manifest`.

Loading checks every manifest (name, core version, requirements, Piccolo app,
hook names) and raises :class:`core.errors.PluginError` naming the plugin and
the problem, so a broken install stops at start-up, not at the first request.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
import os
import re
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

import core
from core import hookspecs
from core.errors import PluginError

log = logging.getLogger("forecourt.plugins")

ENTRY_POINT_GROUP = "forecourt.plugins"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
RESERVED = frozenset({"core", "api", "static", "admin", "account", "login", "logout", "health"})
CORE = "core"


@dataclass(frozen=True)
class Manifest:
    """What a plugin tells the core about itself.

    ``name`` is the one identifier used everywhere: table prefix
    (``<name>_``), URL prefix (``/<name>/``), template prefix (``<name>/``)
    and permission prefix (``<name>.``).
    """

    name: str
    title: str
    version: str
    #: PEP 440 specifier of the core versions the plugin works with
    core: str
    requires: tuple[str, ...] = ()
    #: module (or object) holding ``@hookimpl`` functions
    hooks: ModuleType | object | None = None
    #: dotted path of the plugin's ``piccolo_app`` module, if it has tables
    piccolo_app: str | None = None
    #: module holding the plugin's own ``@hookspec`` functions, if any
    hookspecs: ModuleType | None = None
    description: str = ""
    #: folder holding ``<name>/*.html`` templates
    templates: Path | None = None
    #: folder holding ``<lang>/LC_MESSAGES/messages.po``
    locale: Path | None = None
    #: switched on for new dealers when the install's default list names it
    default_enabled: bool = True

    @property
    def table_prefix(self) -> str:
        return f"{self.name}_"


@dataclass
class LoadedPlugin:
    manifest: Manifest
    distribution: str = ""
    hooks: list[str] = field(default_factory=list)


def _check_manifest(source: str, manifest: object) -> Manifest:
    if not isinstance(manifest, Manifest):
        raise PluginError(source, f"entry point must name a core.plugins.Manifest, got {manifest!r}")
    name = manifest.name
    if not NAME_RE.match(name) or name in RESERVED:
        raise PluginError(
            name, "name must be 2-31 characters of a-z, 0-9, _ and not one of the reserved names"
        )
    try:
        spec = SpecifierSet(manifest.core)
    except InvalidSpecifier:
        raise PluginError(name, f"core version {manifest.core!r} is not a valid specifier") from None
    if Version(core.__version__) not in spec:
        raise PluginError(
            name, f"needs core {manifest.core}, but this is core {core.__version__}; "
            "install a matching version of the plugin"
        )
    return manifest


def _check_piccolo_app(manifest: Manifest) -> None:
    if manifest.piccolo_app is None:
        return
    try:
        module = importlib.import_module(manifest.piccolo_app)
    except Exception as exc:
        raise PluginError(manifest.name, f"cannot import {manifest.piccolo_app}: {exc}") from exc
    config = getattr(module, "APP_CONFIG", None)
    if config is None or config.app_name != manifest.name:
        raise PluginError(
            manifest.name, f"{manifest.piccolo_app}.APP_CONFIG must have app_name={manifest.name!r}"
        )
    for table in config.table_classes:
        if not table._meta.tablename.startswith(manifest.table_prefix):
            raise PluginError(
                manifest.name,
                f"table {table._meta.tablename!r} must start with {manifest.table_prefix!r}",
            )


def _order(manifests: dict[str, Manifest]) -> list[str]:
    """Topological order (requirements first); refuses missing ones and cycles."""
    for m in manifests.values():
        missing = [r for r in m.requires if r not in manifests]
        if missing:
            raise PluginError(
                m.name, f"requires {', '.join(missing)}, which is not installed"
            )
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise PluginError(name, "requirement cycle: " + " -> ".join((*path, name)))
        state[name] = 1
        for req in manifests[name].requires:
            visit(req, (*path, name))
        state[name] = 2
        order.append(name)

    for name in sorted(manifests):
        visit(name, ())
    return order


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
        results: list[Any] = []
        for impl in self._impls(hook_name, modules):
            try:
                value = await self._call(impl, kwargs)
            except Exception as exc:
                await self.record_failure(impl.plugin_name, hook_name, exc, kwargs)
                continue
            if value is None:
                continue
            if isinstance(value, (list, tuple)):
                results.extend(value)
            else:
                results.append(value)
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


def _load_entry_point(ep: EntryPoint) -> tuple[Manifest, str]:
    try:
        manifest = ep.load()
    except Exception as exc:
        raise PluginError(ep.name, f"cannot be imported ({ep.value}): {exc!r}") from exc
    dist = getattr(getattr(ep, "dist", None), "name", "") or ""
    return _check_manifest(ep.name, manifest), dist


def load_plugins(eps: Iterable[EntryPoint] | None = None, blocked: Iterable[str] = ()) -> Registry:
    """Discover, check and register plugins; raise :class:`PluginError` on any problem.

    ``eps`` defaults to the installed ``forecourt.plugins`` entry points;
    ``blocked`` names plugins to leave out (tests, emergencies).
    """
    if eps is None:
        eps = entry_points(group=ENTRY_POINT_GROUP)
    eps = list(eps)
    blocked = set(blocked)
    if only := os.environ.get("FORECOURT_PLUGINS"):
        # an allow-list (tests, a partner's isolated runs): leave the rest out
        allowed = {name.strip() for name in only.split(",")}
        blocked |= {ep.name for ep in eps if ep.name not in allowed}
    manifests: dict[str, Manifest] = {}
    dists: dict[str, str] = {}
    for ep in eps:
        if ep.name in blocked:
            continue
        manifest, dist = _load_entry_point(ep)
        if manifest.name != ep.name:
            raise PluginError(
                ep.name, f"entry point name must equal the manifest name {manifest.name!r}"
            )
        if manifest.name in manifests:
            raise PluginError(manifest.name, "is installed twice")
        manifests[manifest.name] = manifest
        dists[manifest.name] = dist

    order = _order(manifests)
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in order:
        if manifests[name].hookspecs is not None:
            pm.add_hookspecs(manifests[name].hookspecs)
    loaded: list[LoadedPlugin] = []
    for name in order:
        manifest = manifests[name]
        _check_piccolo_app(manifest)
        if manifest.hooks is not None:
            try:
                pm.register(manifest.hooks, name=name)
            except pluggy.PluginValidationError as exc:
                raise PluginError(name, str(exc)) from exc
        loaded.append(LoadedPlugin(manifest, dists[name]))
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        plugin = next(
            (n for n, p in pm.list_name_plugin() if p is exc.plugin), "unknown"
        )
        raise PluginError(plugin, f"{exc} (is the hook name misspelt?)") from exc
    for plugin in loaded:
        module = pm.get_plugin(plugin.manifest.name)
        plugin.hooks = sorted(
            c.name for c in (pm.get_hookcallers(module) or []) if module is not None
        )
    return Registry(loaded, pm)


_registry: Registry | None = None


def set_registry(registry: Registry) -> None:
    global _registry
    _registry = registry


def registry() -> Registry:
    """The running app's registry (services use it to fire hooks)."""
    if _registry is None:
        raise RuntimeError("no plugins loaded: create the app first")
    return _registry
