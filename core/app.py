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

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.middleware import DefineMiddleware
from litestar.middleware.compression import CompressionMiddleware
from litestar.static_files import create_static_files_router

from core import db, jobs, startup
from core.registry import Registry
from core.settings import Settings
from core.web import auth as auth_views
from core.web import home, workflow
from core.web.admin import dealers
from core.web.admin import modules as modules_views
from core.web.admin import reasons as reasons_views
from core.web.admin import users as users_views
from core.web.errors import handle_exception, prepare_error_page
from core.web.guards import login_required
from core.web.middleware import ContextMiddleware
from core.web.static import StaticCacheMiddleware, favicon_route
from core.web.templating import STATIC

log = logging.getLogger("forecourt")

#: gzip level 6 (bench/compression.py: ~0.3 ms of CPU for 27 KB -> 4 KB); below 500 bytes the header costs more
#: than it saves. Mounted on the static router only: a page carries the session's CSRF token beside text the
#: request put there (a search term, a refused form), and compressing both lets an observer of the sizes guess
#: the token byte by byte (BREACH). htmx and the CSS are most of the weight anyway.
STATIC_GZIP = CompressionConfig(backend="gzip", gzip_compress_level=6, minimum_size=500)


def create_app(settings: Settings | None = None, registry: Registry | None = None) -> Litestar:
    """The app over the booted runtime (:func:`core.startup.boot`: the same start as every CLI command)."""
    rt = startup.boot(settings, registry)
    settings = rt.settings

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
                                       middleware=[DefineMiddleware(CompressionMiddleware, config=STATIC_GZIP),
                                                   DefineMiddleware(StaticCacheMiddleware, root=STATIC)]),
            favicon_route(STATIC),
            *rt.routers,
        ],
        guards=[login_required],
        middleware=[DefineMiddleware(ContextMiddleware)],
        csrf_config=CSRFConfig(secret=settings.secret_key, cookie_name="fc_csrf",
                               header_name="x-csrftoken", cookie_samesite="lax",
                               cookie_secure=settings.secure_cookies,
                               # static answers are shared and cached: they carry no cookie
                               exclude=["^/static/", "^/favicon.ico$"]),
        exception_handlers={Exception: handle_exception},
        after_exception=[prepare_error_page],  # the error page's menu, asked for before the handler
        lifespan=[lifespan],
        # No generated schema of the staff UI's routes at /schema: integrations publish their own
        # (the leads intake: /leads/api/openapi.json).
        openapi_config=None,
        debug=False,
    )
    app.state.runtime = rt
    app.state.settings = settings
    app.state.registry = rt.registry
    app.state.jinja_env = rt.env
    app.state.role_permissions = rt.role_permissions
    return app
