"""``boot()``: how every Forecourt process starts — the app, every CLI command and the test fixtures.

Settings read, plugins loaded and checked, every start-up contribution
gathered and checked (routes, permissions, entities, status machines, jobs,
the Jinja environment), catalogues compiled, the database engine built and
the tables bound; the result becomes the process's :class:`core.runtime.Runtime`.
So seeding runs with the status machines installed (protected fields
checked), and a broken plugin stops ``forecourt jobs`` just as it stops the
app. Nothing else of the core imports this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from core import db, i18n
from core.permissions import role_permissions
from core.plugins import load_plugins
from core.runtime import Runtime, install
from core.settings import Settings
from core.web.templating import build_env

if TYPE_CHECKING:
    from litestar import Router

    from core.entities import Entity
    from core.jobs import Job
    from core.registry import Registry
    from core.workflow.machine import Machine


def boot(settings: Settings | None = None, registry: Registry | None = None) -> Runtime:
    """Boot this process: the one way the app, the CLI and the test fixtures start.

    Every plugin's start-up contributions are gathered and checked before
    anything is installed, so a broken plugin stops here (``PluginError``
    naming it) and leaves the previous runtime, if any, untouched.
    """
    settings = settings or Settings.from_env()
    registry = registry or load_plugins()
    registry.hook_timeout = settings.hook_timeout
    routers = _routers(registry)
    permissions = role_permissions(_permissions(registry))
    entities = _entities(registry)
    machines = _machines(registry, entities)
    jobs = _jobs(registry)
    catalogues = i18n.Catalogues([(p.manifest.name, p.manifest.locale) for p in registry.plugins.values()
                                  if p.manifest.locale])
    env = build_env(registry, settings.debug)
    engine = db.build_engine(settings.database_url, settings.db_pgbouncer)
    runtime = Runtime(settings=settings, registry=registry, entities=entities, machines=machines, jobs=jobs,
                      role_permissions=permissions, routers=routers, catalogues=catalogues, env=env,
                      engine=engine)
    db.bind(engine, all_tables(registry))
    install(runtime)
    return runtime


def all_tables(registry: Registry) -> list[type]:
    """The core's tables and every installed plugin's (bound to the engine at boot)."""
    import importlib

    from core.tables import CORE_TABLES

    tables: list[type] = list(CORE_TABLES)
    for plugin in registry.plugins.values():
        if plugin.manifest.piccolo_app:
            tables.extend(importlib.import_module(plugin.manifest.piccolo_app).APP_CONFIG.table_classes)
    return tables


# --- the start-up contributions, gathered and checked ------------------------------


def _routers(registry: Registry) -> list[Router]:
    from litestar import Router

    from core.permissions import plugin_enabled_guard

    handlers: dict[str, list[Any]] = {}
    for name, values in registry.startup("register_routes"):
        handlers.setdefault(name, []).extend(values)
    return [
        Router(path=f"/{name}", route_handlers=routes, guards=[plugin_enabled_guard], opt={"plugin": name})
        for name, routes in handlers.items() if routes and name in registry.plugins
    ]


def _permissions(registry: Registry) -> list[Any]:
    """The core's permissions and every plugin's, each key prefixed with its plugin's name."""
    from core.errors import PluginError
    from core.permissions import CORE_PERMISSIONS
    from core.registry import CORE

    perms = list(CORE_PERMISSIONS)
    for name, values in registry.startup("register_permissions"):
        for perm in values:
            key = str(getattr(perm, "key", perm))
            if name != CORE and not key.startswith(f"{name}."):
                raise PluginError(name, f"permission {key!r} must start with '{name}.'")
            perms.append(perm)
    return perms


def _entities(registry: Registry) -> dict[str, Entity]:
    from core.entities import checked

    return checked([(plugin, e) for plugin, values in registry.startup("register_entities") for e in values])


def _machines(registry: Registry, entities: Mapping[str, Entity]) -> dict[str, Machine]:
    """The machines, checked against the declared entities (each names one)."""
    from core.errors import PluginError
    from core.hookdecl import Kind
    from core.workflow.machine import Machine

    found: dict[str, Machine] = {}
    for plugin, values in registry.startup("register_status_machines"):
        for machine in values:
            if not isinstance(machine, Machine):
                raise PluginError(plugin, f"register_status_machines returned {machine!r}, not a Machine")
            machine.check(plugin, entities)
            if machine.key in found:
                raise PluginError(plugin, f"status machine {machine.key} is declared twice")
            for t in machine.transitions:
                decl = registry.decls.get(t.notify) if t.notify else None
                if t.notify and (decl is None or decl.kind is not Kind.NOTIFICATION):
                    raise PluginError(plugin, f"transition {t.key!r} of {machine.key} notifies {t.notify!r}, "
                                              "which no installed plugin declares as a notification")
            found[machine.key] = machine
    return found


def _jobs(registry: Registry) -> dict[str, Job]:
    import datetime as dt

    from core.errors import PluginError
    from core.jobs import Job

    found: dict[str, Job] = {}
    for plugin, values in registry.startup("register_jobs"):
        for job in values:
            if not isinstance(job, Job):
                raise PluginError(plugin, f"register_jobs returned {job!r}, not a Job")
            if not job.key.startswith(f"{plugin}.") or job.key in found:
                raise PluginError(plugin, f"job key {job.key!r} must start with '{plugin}.' and be unique")
            if job.every < dt.timedelta(seconds=1):
                raise PluginError(plugin, f"job {job.key} must run at most once a second")
            found[job.key] = job
    return found
