"""The one runtime: everything a running Forecourt process holds, built by one boot function.

The web app (:func:`core.app.create_app`), every CLI command (``demo``,
``serve``, ``migrate``, ``jobs``, ``metrics``, ...) and the test fixtures of
``forecourt.testing`` start the same way, :func:`boot`: settings read, plugins
loaded and checked, every start-up contribution gathered (routes,
permissions, entities, status machines, jobs, Jinja environment), catalogues loaded,
the database engine built and the tables bound. So seeding runs with the
status machines installed (protected fields checked), and a broken plugin
stops ``forecourt jobs`` just as it stops the app.

The runtime is the only module-level state of the core: modules that need
the registry, machines, engine or environment read it through
:func:`current`. Booting again (a test switching databases) replaces it whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment
    from litestar import Router
    from piccolo.engine.base import Engine

    from core.entities import Entity
    from core.i18n import Catalogues
    from core.jobs import Job
    from core.registry import Registry
    from core.settings import Settings
    from core.workflow.machine import Machine


@dataclass
class Runtime:
    """What one booted process holds. Built by :func:`boot`; read with :func:`current`."""

    settings: Settings
    registry: Registry
    #: entity key -> its declaration, checked
    entities: Mapping[str, Entity]
    #: machine key -> its declaration, checked
    machines: Mapping[str, Machine]
    #: job key -> its declaration, checked
    jobs: Mapping[str, Job]
    #: role -> the permission keys it holds (the core's and every plugin's)
    role_permissions: Mapping[str, frozenset[str]]
    #: every plugin's routes, mounted under ``/<name>`` behind the module guard
    routers: list[Router]
    catalogues: Catalogues
    env: Environment
    engine: Engine
    #: a static file's path -> (mtime, content hash), for versioned URLs (a cache, filled as pages render)
    static_hashes: dict[Path, tuple[float, str]] = field(default_factory=dict)
    #: a template's (static root, path) -> (when looked at, its versioned URL), see core.web.static.static_url
    static_urls: dict[tuple[Path, str], tuple[float, str]] = field(default_factory=dict)
    #: bulk imports this process is running (core.bulk): run id -> (rows done, rows), and -> its asyncio task
    import_progress: dict[int, tuple[int, int]] = field(default_factory=dict)
    import_tasks: dict[int, Any] = field(default_factory=dict)


_booted: list[Runtime] = []  #: the process's runtime (at most one): the core's only module-level state


def current() -> Runtime:
    """The booted runtime; RuntimeError before :func:`core.startup.boot`."""
    if not _booted:
        raise RuntimeError("Forecourt is not booted: call core.startup.boot() (create_app does) first")
    return _booted[0]


def booted() -> Runtime | None:
    """The booted runtime, or None (code that also runs before boot, e.g. a translation)."""
    return _booted[0] if _booted else None


def install(runtime: Runtime) -> None:
    """Make ``runtime`` the process's (done by :func:`core.startup.boot`, the only caller)."""
    _booted[:] = [runtime]
