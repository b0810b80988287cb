"""The contract between the core and every plugin.

Each hookspec below says when the core calls it, in whose context, and what
an implementation returns. Rules that hold for all of them:

* Specs only ever gain arguments; an implementation may accept any subset of
  them (pluggy passes by name), so a plugin written today keeps working.
* *Dealer-scoped* hooks (those taking ``ctx``) are called only for plugins the
  current dealer has enabled. Start-up hooks are called for every installed
  plugin.
* Contribution hooks return a value (usually a list); results are gathered
  from every implementation, in plugin load order. A raising contribution is
  logged, recorded for the platform admin and skipped: one broken plugin never
  breaks a page.
* The veto hook runs inside the write's transaction: raising
  :class:`core.errors.Veto` refuses the write and nothing is saved.
* Notification hooks (``on_*``) run after the commit, one implementation at a
  time; a raising or hanging implementation is logged with plugin and hook
  name, recorded for the platform admin, and never undoes or blocks the write.
* Hooks never commit or open their own transaction around the caller's data.
* Start-up hooks (``register_routes``, ``register_permissions``,
  ``register_entities``, ``register_status_machines``, ``register_jobs``,
  ``prepare_jinja_env``)
  must be plain ``def``: they run while the app is
  built, and a failure there stops start-up naming the plugin. Every other
  implementation may be ``async def``; the core awaits it.

Implement hooks with ``forecourt.hookimpl``::

    from forecourt import hookimpl

    @hookimpl
    def nav_items(ctx):
        return [NavItem(label=_("Notes"), href="/notes/")]
"""

from __future__ import annotations

from typing import Any

import pluggy

PROJECT = "forecourt"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- start-up contributions -------------------------------------------------


@hookspec
def register_routes() -> list[Any]:
    """Return the plugin's Litestar route handlers, controllers or routers.

    Called once while the app is built, for every installed plugin. The core
    mounts what is returned under ``/<plugin name>/`` behind a guard that
    answers 404 to any dealer that has not enabled the plugin, and behind the
    login guard (mark a handler ``opt={"public": True}`` to serve it without a
    login, e.g. a public form; such a handler names its dealer itself and must
    check with :func:`core.modules.enabled_modules` that the dealer has the
    plugin on). Paths are relative: ``@get("/")`` serves ``/<name>/``.
    """


@hookspec
def register_permissions() -> list[Any]:
    """Return :class:`core.permissions.Permission` objects the plugin checks.

    Called once at start-up. Keys must start with ``"<plugin name>."`` (a
    foreign prefix stops start-up); each
    permission lists the roles that hold it by default. Platform admins hold
    every permission. Guard a route with
    ``guards=[requires("<plugin>.<perm>")]``.
    """


@hookspec
def register_entities() -> list[Any]:
    """Return the plugin's :class:`forecourt.Entity` declarations: the kinds of record it keeps.

    Called once at start-up, before ``register_status_machines``, for every
    installed plugin; plain ``def``. Each declaration names:

    * ``key`` -- ``"<plugin name>.<kind>"`` (a foreign prefix stops start-up),
      the name the history, timeline, comments and hooks use;
    * ``table`` -- the Piccolo table, which must carry ``dealer_id``;
    * ``label`` -- what to call the record (``lazy_gettext``);
    * ``url`` -- its card, a path with ``{id}`` (``"/customers/{id}"``);
    * ``search`` -- the columns a search of the entity looks at;
    * ``protected`` -- columns only the workflow engine may write (a status
      machine's field and stamps are protected without being listed);
    * ``view_permission`` / ``edit_permission`` -- what seeing a row's
      timeline and commenting on it need (the plugin's card permissions).

    A malformed declaration (not an ``Entity``, unknown columns, no
    ``dealer_id``, a key declared twice) stops start-up with a
    :class:`core.errors.PluginError` naming the plugin. From then on every
    create, update and delete of the entity's rows goes through
    ``forecourt.create_entity`` / ``update_entity`` / ``delete_entity``, and
    its timeline and comments work whether or not a machine drives it.
    """


@hookspec
def register_status_machines() -> list[Any]:
    """Return the plugin's :class:`core.workflow.machine.Machine` declarations.

    Called once at start-up, after ``register_entities``, for every installed
    plugin. Each machine's key and entity must start with ``"<plugin
    name>."``; its entity must be declared (``register_entities``), and the
    machine's table is that entity's. A declaration naming unknown states or
    columns stops start-up with a message naming the plugin. The engine
    (:func:`core.workflow.engine.apply`) is then the only writer of the
    machine's field and stamped columns.
    """


@hookspec
def register_jobs() -> list[Any]:
    """Return the plugin's scheduled :class:`core.jobs.Job` objects.

    Called once at start-up, for every installed plugin. Keys must start with
    ``"<plugin name>."``. Each job runs every ``every``, once per dealer that
    has the plugin enabled (never for one that switched it off), in a system
    context for that dealer, exactly once per due time however many app
    processes share the database. A raising run is logged and recorded for
    the platform admin; the next run happens on schedule.
    """


@hookspec
def prepare_jinja_env(env: Any) -> None:
    """Adjust the shared :class:`jinja2.Environment` (filters, globals, tests).

    Called once at start-up after the core has set the environment up. Return
    nothing. Plugins should prefix what they add with their name to avoid
    clashes (``env.filters["leads_phone"] = ...``).
    """


@hookspec
def demo_data(dealer: Any, users: dict[str, int], ctx: Any) -> None:
    """Seed demo rows for one demo dealer that has the plugin enabled.

    Called by ``forecourt demo`` once per demo dealer, in that dealer's
    context (``ctx``), after the core has created the dealer and its users.
    ``dealer`` is the :class:`core.tables.Dealer` row; ``users`` maps a role
    name (``"manager"``, ``"storekeeper"``, ``"dealer_admin"``) to a user id.
    Must be idempotent: ``demo`` may run again on the same database. Return
    nothing.
    """


# --- per-request contributions (dealer-scoped) -------------------------------


@hookspec
def nav_items(ctx: Any) -> list[Any]:
    """Return :class:`core.web.NavItem` entries for the main navigation.

    Called on every full page render, in the logged-in user's context, only
    for plugins the user's dealer has enabled. Filter by ``ctx.can(...)`` so a
    user sees only what they may open. Items are sorted by ``order``.
    """


@hookspec
def page_slots(slot: str, ctx: Any, subject: dict[str, Any] | None) -> list[Any]:
    """Return :class:`core.web.SlotContent` blocks for a named page slot.

    Called while a page that has the slot renders, in the viewer's context,
    only for enabled plugins. ``subject`` says what the page is about —
    ``{"entity": "customers.customer", "id": 42}`` on a customer card, ``None``
    on the home page. Known slots: ``"home.widgets"`` (the home dashboard) and
    ``"customers.card.panels"`` (the customer card, from the customers
    plugin). Plugins may define more and must document them. Return ``[]``
    for a slot you do not fill. A block carries ready HTML, or a URL the page
    loads lazily with htmx.
    """


@hookspec
def timeline_entries(ctx: Any, entity: str, entity_id: int) -> list[Any]:
    """Return :class:`core.workflow.timeline.TimelineEntry` items for one entity's timeline.

    Called when a card renders its timeline (``core/_timeline.html``), in the
    viewer's context, only for enabled plugins. ``entity`` is
    ``"<plugin>.<kind>"`` (e.g. ``"customers.customer"``): return entries of
    your own records about it — a customer card merges leads, orders and
    follow-ups this way — or ``[]``. The core adds the entity's own history
    and comments. Entries are sorted by ``at``, newest first.
    """


@hookspec
def report_metrics(ctx: Any) -> list[Any]:
    """Return :class:`core.metrics.Metric` declarations: the figures your plugin can compute.

    Called whenever figures are shown (the reports plugin, ``forecourt
    metrics``), in a system context of the dealer the figures are for, only
    for plugins that dealer has enabled. Only declare here — return quickly
    and query nothing; each metric's ``compute(ctx, period)`` runs later, on
    its own, with a time limit. Keys are ``"<your plugin>.<name>"``; a
    malformed declaration is left out and recorded as a failed hook.
    """


# --- veto, inside the transaction ---------------------------------------------


@hookspec
def validate_change(
    ctx: Any, entity: str, action: str, values: dict[str, Any], entity_id: int | None
) -> None:
    """Refuse a write by raising :class:`core.errors.Veto`.

    Called inside the transaction of every write made through
    :mod:`core.entities` (``action`` is ``"create"``, ``"update"`` or
    ``"delete"``), in the acting user's context, only for enabled plugins.
    ``entity`` is ``"<plugin>.<kind>"``; ``values`` are the values about to
    be written (for ``delete``, the row's current values); ``entity_id`` is
    ``None`` on create. Raising ``Veto(message)`` rolls the transaction back
    and shows the message to the user (HTTP 422). Any other exception is a
    bug and also rolls back. Return nothing; do not write.
    """


@hookspec
def validate_transition(
    ctx: Any, machine: str, transition: str, entity: str, entity_id: int, from_state: str, to_state: str,
    inputs: dict[str, Any],
) -> None:
    """Refuse a status transition by raising :class:`core.errors.Veto`.

    Called inside the transaction of :func:`core.workflow.engine.apply`, after the
    row, its history row and stamps are written, in the acting user's
    context, only for plugins the dealer has enabled: any plugin may guard
    another plugin's machine (``machine`` is its key) without editing it.
    ``inputs`` are the transition's cleaned inputs. Raising ``Veto(message)``
    rolls everything back and shows the message (HTTP 422). Return nothing;
    do not write.
    """


# --- notifications, after commit ------------------------------------------------


@hookspec
def on_entity_created(ctx: Any, entity: str, entity_id: int, values: dict[str, Any]) -> None:
    """A row was created through :mod:`core.entities` and committed.

    Called after the commit, in the creating user's context, only for
    enabled plugins, each implementation isolated (see module doc). Return
    value is ignored.
    """


@hookspec
def on_entity_updated(ctx: Any, entity: str, entity_id: int, changes: dict[str, Any]) -> None:
    """A row was changed through :mod:`core.entities` and committed.

    Called after the commit, in the changing user's context, only for
    enabled plugins, each implementation isolated. ``changes`` maps each
    column whose value actually changed to ``(before, after)``; a save that
    changed nothing fires no call. Status changes come through
    ``on_status_change`` instead. Return value is ignored.
    """


@hookspec
def on_entity_deleted(ctx: Any, entity: str, entity_id: int, values: dict[str, Any]) -> None:
    """A row was deleted through :mod:`core.entities` (``delete_entity``) and committed.

    Called after the commit, in the deleting user's context, only for
    enabled plugins, each implementation isolated: a raising one never
    brings the row back. ``entity`` is ``"<plugin>.<kind>"``; ``entity_id``
    the id the row had; ``values`` the row as it was just before the delete.
    Return value is ignored.
    """


@hookspec
def on_status_change(
    ctx: Any, machine: str, transition: str, entity: str, entity_id: int, from_state: str, to_state: str,
    inputs: dict[str, Any],
) -> None:
    """A status transition was applied and committed.

    Called after the commit, in the acting user's context (a system context
    for jobs), only for enabled plugins, each implementation isolated: a
    raising one is recorded and never undoes the transition. A transition
    with ``notify="on_..."`` fires that hook too, with the same arguments.
    Return value is ignored.
    """


@hookspec
def on_plugin_enabled(ctx: Any, dealer_id: int, plugin: str) -> None:
    """``plugin`` was switched on for ``dealer_id`` (committed).

    Called once per plugin switched on (a ``requires`` closure gives one call
    each), in the context of the admin who did it, for plugins enabled after
    the change (so the plugin itself hears it). Return value is ignored.
    Act on ``dealer_id``, never on ``ctx.dealer_id``: a platform admin's
    context has no dealer, and the admin may have switched another dealer.
    """


@hookspec
def on_plugin_disabled(ctx: Any, dealer_id: int, plugin: str) -> None:
    """``plugin`` was switched off for ``dealer_id`` (committed; no data dropped).

    Called in the admin's context, for plugins enabled before the change (so
    the plugin itself hears it). Return value is ignored. Act on
    ``dealer_id``, never on ``ctx.dealer_id`` (see ``on_plugin_enabled``).
    """
