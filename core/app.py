"""``create_app(settings)``: the Litestar application with every installed plugin.

Every plugin's routes are mounted at start-up under ``/<name>/`` behind a
guard that answers 404 for dealers who have not enabled it; enabling or
disabling needs no restart because the guard reads the dealer's modules from
the per-request context.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.middleware import DefineMiddleware
from litestar.static_files import create_static_files_router

from core import builtin_hooks, db, entities, i18n, jobs, signing
from core.admin import dealers
from core.admin import modules as modules_views
from core.admin import reasons as reasons_views
from core.admin import users as users_views
from core.auth import views as auth_views
from core.errors import PluginError
from core.permissions import CORE_PERMISSIONS, Permission, plugin_enabled_guard, role_permissions
from core.plugins import CORE, Registry, load_plugins, set_registry
from core.settings import Settings
from core.tables import CORE_TABLES
from core.web import home, workflow
from core.web.errors import handle_exception, prepare_error_page
from core.web.guards import login_required
from core.web.middleware import ContextMiddleware
from core.web.render import set_secure_cookies
from core.web.static import StaticCacheMiddleware, favicon_route
from core.web.templating import STATIC, build_env, set_env
from core.workflow import machine

log = logging.getLogger("forecourt")


def all_tables(registry: Registry) -> list[type]:
    import importlib

    tables: list[type] = list(CORE_TABLES)
    for plugin in registry.plugins.values():
        if plugin.manifest.piccolo_app:
            module = importlib.import_module(plugin.manifest.piccolo_app)
            tables.extend(module.APP_CONFIG.table_classes)
    return tables


def _plugin_routers(registry: Registry) -> list[Router]:
    handlers: dict[str, list[Any]] = {}
    for name, values in registry.collect_sync_each("register_routes"):
        handlers.setdefault(name, []).extend(values)
    return [
        Router(path=f"/{name}", route_handlers=routes, guards=[plugin_enabled_guard], opt={"plugin": name})
        for name, routes in handlers.items() if routes and name in registry.plugins
    ]


def _permissions(registry: Registry) -> list[Permission]:
    """The core's permissions and every plugin's, each key prefixed with its plugin's name."""
    perms = list(CORE_PERMISSIONS)
    for name, values in registry.collect_sync_each("register_permissions"):
        for perm in values:
            key = str(getattr(perm, "key", perm))
            if name != CORE and not key.startswith(f"{name}."):
                raise PluginError(name, f"permission {key!r} must start with '{name}.'")
            perms.append(perm)
    return perms


def _install_machines(registry: Registry) -> None:
    entities.set_entities([(name, e) for name, values in registry.collect_sync_each("register_entities")
                           for e in values])
    pairs = [(name, m) for name, values in registry.collect_sync_each("register_status_machines")
             for m in values]
    for name, m in pairs:
        for t in getattr(m, "transitions", ()):
            if t.notify and not hasattr(registry.pm.hook, t.notify):
                raise PluginError(name, f"transition {t.key!r} of {m.key} notifies unknown hook {t.notify!r}")
    machine.set_machines(pairs)
    jobs.set_jobs([(name, job) for name, values in registry.collect_sync_each("register_jobs") for job in values])


def create_app(settings: Settings | None = None, registry: Registry | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    registry = registry or load_plugins()
    if registry.pm.get_plugin(CORE) is None:
        registry.pm.register(builtin_hooks, name=CORE)
    registry.hook_timeout = settings.hook_timeout
    # Plugins' start-up contributions first: a broken one stops here, before
    # anything global (registry, database binding) has been touched.
    plugin_routers = _plugin_routers(registry)
    permissions = role_permissions(_permissions(registry))
    _install_machines(registry)
    env = build_env(registry, settings.debug)
    set_registry(registry)
    signing.configure(settings.secret_key)
    set_env(env)
    set_secure_cookies(settings.secure_cookies)
    db.configure(settings.database_url, all_tables(registry), settings.db_pool, settings.db_pgbouncer)
    i18n.load_catalogues(p.manifest.locale for p in registry.plugins.values() if p.manifest.locale)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        async with db.lifespan_pool():
            ticker = asyncio.create_task(jobs.loop(settings.jobs_interval)) if settings.jobs_interval > 0 else None
            try:
                yield
            finally:
                if ticker is not None:
                    ticker.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await ticker

    app = Litestar(
        route_handlers=[
            *auth_views.ROUTES, *home.ROUTES, *dealers.ROUTES, *users_views.ROUTES,
            *modules_views.ROUTES, *reasons_views.ROUTES, *workflow.ROUTES,
            create_static_files_router(path="/static", directories=[STATIC],
                                       opt={"public": True}, include_in_schema=False,
                                       middleware=[DefineMiddleware(StaticCacheMiddleware, root=STATIC)]),
            favicon_route(STATIC),
            *plugin_routers,
        ],
        guards=[login_required],
        middleware=[DefineMiddleware(ContextMiddleware)],
        csrf_config=CSRFConfig(secret=settings.secret_key, cookie_name="fc_csrf",
                               header_name="x-csrftoken", cookie_samesite="lax",
                               cookie_secure=settings.secure_cookies,
                               # static answers are shared and cached: they carry no cookie
                               exclude=["^/static/", "^/favicon.ico$"]),
        # gzip level 6: the leads page 27 KB -> 4 KB for ~0.3 ms of CPU (bench/compression.py);
        # below 500 bytes the header costs more than it saves.
        # Only static files: a page carries the session's CSRF token beside text the request put
        # there (a search term, a refused form), and compressing both lets an observer of the
        # sizes guess the token byte by byte (BREACH). htmx and the CSS are most of the weight.
        compression_config=CompressionConfig(backend="gzip", gzip_compress_level=6, minimum_size=500,
                                             exclude=["^/(?!static/)"]),
        exception_handlers={Exception: handle_exception},
        after_exception=[prepare_error_page],  # the error page's menu, asked for before the handler
        lifespan=[lifespan],
        # No generated schema of the staff UI's routes at /schema: integrations publish their own
        # (the leads intake: /leads/api/openapi.json).
        openapi_config=None,
        debug=False,
    )
    app.state.settings = settings
    app.state.registry = registry
    app.state.jinja_env = env
    app.state.role_permissions = permissions
    return app
