"""The core's start-up hookspecs: what a plugin contributes once, while a process boots.

Part of the contract in :mod:`core.hookspecs` (which re-exports them, so
pluggy and the hook reference find them there); kept apart because they
share one kind — start-up contribution, install-wide, plain ``def`` — and are
read by :mod:`core.startup` only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.hookdecl import Kind, Scope, hookspec

if TYPE_CHECKING:
    from jinja2 import Environment
    from litestar.types import ControllerRouterHandler

    from core.entities import Entity
    from core.jobs import Job
    from core.permissions import Permission
    from core.workflow.machine import Machine


@hookspec(Kind.STARTUP, Scope.INSTALL)
def register_routes() -> list[ControllerRouterHandler]:
    """Return the plugin's Litestar route handlers, controllers or routers.

    Called once while the app boots, for every installed plugin (enabled or
    not). Only your own implementation's result is mounted for your plugin,
    under ``/<plugin name>``: ``@get("/")`` serves ``/<name>/``. Every route is
    behind the login guard and a guard that answers 404 to any dealer that has
    not enabled the plugin. ``opt={"public": True}`` lifts both (a public form):
    such a handler names its dealer itself and must check with
    ``enabled_modules`` that the dealer has the plugin on.

    Example::

        @hookimpl
        def register_routes():
            from fc_notes.views import ROUTES   # import inside: views may import the tables
            return ROUTES
    """


@hookspec(Kind.STARTUP, Scope.INSTALL)
def register_permissions() -> list[Permission]:
    """Return the :class:`Permission` objects the plugin checks.

    Called once at start-up, for every installed plugin. Keys start with
    ``"<plugin name>."`` (a foreign prefix stops start-up); ``roles`` says which
    of ``manager``, ``storekeeper``, ``dealer_admin`` hold the permission by
    default. Platform admins hold every permission. Check with
    ``guards=[requires("<plugin>.<perm>")]`` on routes and ``ctx.can(key)`` in
    code.

    Example::

        @hookimpl
        def register_permissions():
            return [Permission("notes.write", _l("Write notes"), ("manager", "dealer_admin"))]
    """


@hookspec(Kind.STARTUP, Scope.INSTALL)
def register_entities() -> list[Entity]:
    """Return the plugin's :class:`Entity` declarations: the kinds of record it keeps.

    Called once at start-up, before ``register_status_machines``, for every
    installed plugin. Each declaration names its ``key``
    (``"<plugin name>.<kind>"``, the name the history, timeline, comments and
    hooks use), ``table`` (a Piccolo table with ``dealer_id``), ``label``
    (``lazy_gettext``), ``url`` (its card, a path with ``{id}``), ``search``
    (the columns a search looks at), ``protected`` (columns only the workflow
    engine may write; a machine's field and stamps are protected without
    being listed) and ``view_permission`` / ``edit_permission`` (what seeing a
    row's timeline and commenting on it need). A malformed declaration (not an
    ``Entity``, unknown columns, no ``dealer_id``, a key declared twice) stops
    start-up naming the plugin. From then on every create, update and delete
    of the entity's rows goes through ``create_entity`` / ``update_entity`` /
    ``delete_entity``, and its timeline and comments work whether or not a
    machine drives it.

    Example::

        @hookimpl
        def register_entities():
            return [Entity("deals.deal", Deal, _l("Deal"), url="/deals/{id}", search=("title",),
                           view_permission="deals.view", edit_permission="deals.edit")]
    """


@hookspec(Kind.STARTUP, Scope.INSTALL)
def register_status_machines() -> list[Machine]:
    """Return the plugin's :class:`Machine` declarations (section 7).

    Called once at start-up, after ``register_entities``, for every installed
    plugin. Each machine's key and entity start with ``"<plugin name>."``; its
    entity must be declared (``register_entities``) and the machine's table is
    that entity's. From then on the engine (``apply_transition``) is the only
    writer of the machine's field and stamped columns. A value that is not a
    ``Machine``, or a declaration that cannot work (unknown state or column, a
    transition leaving a terminal state, a ``notify`` hook no spec declares as
    a notification, a duplicate key) stops start-up naming the plugin.

    Example::

        @hookimpl
        def register_status_machines():
            from fc_deals.machine import DEAL
            return [DEAL]
    """


@hookspec(Kind.STARTUP, Scope.INSTALL)
def register_jobs() -> list[Job]:
    """Return the plugin's scheduled :class:`Job` objects (section 8).

    Called once at start-up, for every installed plugin. Keys start with
    ``"<plugin name>."``; ``every`` is at least one second. Each job's
    ``run(ctx)`` (an ``async def`` returning a short result text) runs every
    ``every``, once per dealer that has the plugin enabled (never for one that
    switched it off), in a system context for that dealer, exactly once per
    due time however many app processes share the database. A raising run is
    recorded for the platform admin; the next run happens on schedule.

    Example::

        @hookimpl
        def register_jobs():
            return [Job("deals.wake_postponed", _l("Postponed deals return to New"),
                        dt.timedelta(hours=1), wake_postponed)]
    """


@hookspec(Kind.STARTUP, Scope.INSTALL)
def prepare_jinja_env(env: Environment) -> None:
    """Adjust the shared Jinja environment: add filters, globals or tests.

    Called once at start-up, after the core has set the environment up
    (loaders, gettext, the ``datetime``/``date``/``money``/``number`` filters,
    ``static()``), for every installed plugin. Prefix what you add with your
    plugin's name (``env.filters["leads_phone"] = ...``). Return nothing.

    :param env: the install's one :class:`jinja2.Environment`, shared by every plugin.

    Example::

        @hookimpl
        def prepare_jinja_env(env):
            env.filters["notes_shout"] = lambda text: f"{text}!".upper()
    """
