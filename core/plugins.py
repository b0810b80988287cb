"""Plugin discovery and manifests: what is installed, checked before anything runs.

Plugins are found through the entry-point group ``forecourt.plugins``; the
built-in ones are declared in Forecourt's own pyproject exactly as a partner
declares theirs. Each entry point names a :class:`Manifest`.

Loading checks every manifest (name, core version, requirements, Piccolo app,
hook names) and raises :class:`core.errors.PluginError` naming the plugin and
the problem, so a broken install stops at start-up, not at the first request.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

import core
from core import hookspecs
from core.errors import PluginError
from core.hookdecl import check_specs
from core.registry import CORE, LoadedPlugin, Registry, registry

log = logging.getLogger("forecourt.plugins")

__all__ = ["CORE", "ENTRY_POINT_GROUP", "LoadedPlugin", "Manifest", "Registry", "load_plugins", "registry"]

ENTRY_POINT_GROUP = "forecourt.plugins"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
RESERVED = frozenset({"core", "api", "static", "admin", "account", "login", "logout", "health"})


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
    decls = {d.name: d for d in check_specs(CORE, hookspecs)}
    pm.add_hookspecs(hookspecs)
    for name in order:
        if manifests[name].hookspecs is not None:
            for decl in check_specs(name, manifests[name].hookspecs):
                if decl.name in decls:
                    raise PluginError(name, f"hookspec {decl.name} is declared by {decls[decl.name].owner} too")
                decls[decl.name] = decl
            pm.add_hookspecs(manifests[name].hookspecs)
    from core import builtin_hooks  # the core's own implementations, registered as every plugin's are

    pm.register(builtin_hooks, name=CORE)
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
        callers = (pm.get_hookcallers(module) or []) if module is not None else []
        for caller in callers:
            for impl in caller.get_hookimpls():
                if impl.plugin_name == plugin.manifest.name and (impl.hookwrapper or impl.wrapper):
                    raise PluginError(plugin.manifest.name, f"hook {caller.name}: wrapper implementations "
                                      "(wrapper=True / hookwrapper=True) are not supported; implement the hook "
                                      "plainly and order it with tryfirst=True / trylast=True")
        plugin.hooks = sorted(c.name for c in callers)
    return Registry(loaded, pm, decls)
