'''The contract between the core and every plugin: the core's hookspecs.

Each hookspec declares its kind and scope (:mod:`core.hookdecl`): the kind
says how it is called and what a failure does, the scope whose
implementations are called. The registry dispatches on that declaration, the
contract suite checks it, and the hook reference in ``docs/plugins.md`` is
generated from it and from the docstrings below (``scripts/hook-reference``),
so what is written here is what partners read. Rules for every hook:

* Specs only ever gain arguments; an implementation may accept any subset of
  them (pluggy passes by name), so a plugin written today keeps working.
* Implementations run in order: ``tryfirst`` ones, then the core's and the
  plugins' in load order (requirements first), then ``trylast`` ones.
  Wrapper implementations (``wrapper=True``, ``hookwrapper=True``) are refused
  at start-up: every kind already says what happens around the call.
* Start-up hooks must be plain ``def``; every other implementation may be
  ``async def`` (the core awaits it). Sync contribution and veto
  implementations run on the event loop, so they must not block; sync
  notifications run in a worker thread.
* Hooks never commit or open their own transaction around the caller's data.

Implement hooks with ``forecourt.hookimpl``::

    from forecourt import hookimpl

    @hookimpl
    def nav_items(ctx):
        return [NavItem(label=_("Notes"), href="/notes/")]
'''

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

from core.hookdecl import PROJECT, Kind, Scope, hookspec

if TYPE_CHECKING:
    from core.context import Context
    from core.metrics import Metric
    from core.tables import Dealer
    from core.web import NavItem, SlotContent
    from core.workflow.timeline import TimelineEntry

__all__ = ["Kind", "Scope", "hookimpl", "hookspec"]

hookimpl = pluggy.HookimplMarker(PROJECT)

# The notifications after commit (``on_*``) and the start-up contributions (``register_*``,
# ``prepare_jinja_env``) are declared in core/notification_hooks.py and core/startup_hooks.py and are part of
# this contract: pluggy reads them from here.
from core.notification_hooks import (  # noqa: E402, F401
    on_entity_created,
    on_entity_deleted,
    on_entity_updated,
    on_plugin_disabled,
    on_plugin_enabled,
    on_status_changed,
)
from core.startup_hooks import (  # noqa: E402, F401
    prepare_jinja_env,
    register_entities,
    register_jobs,
    register_permissions,
    register_routes,
    register_status_machines,
)

# --- a core task's steps ---------------------------------------------------------


@hookspec(Kind.TASK, Scope.DEALER)
def demo_data(dealer: Dealer, users: dict[str, int], ctx: Context) -> None:
    """Seed demo rows for one demo dealer that has the plugin enabled.

    Called by ``forecourt demo`` once per demo dealer, after the core has
    created the dealer and its users, inside that dealer's seeding
    transaction: an exception stops ``forecourt demo`` and the dealer is left
    as it was, never half-seeded. Must be idempotent (``demo`` may run again on
    the same database): add only what is missing. Insert rows with
    ``Table.scoped(...)``, or through ``create_entity(ctx, ...)`` when other
    plugins should see them (vetoes and notifications run as for a user's
    write). Return nothing. To have ``forecourt demo`` print a line with the
    demo logins (the quick links plugin prints a demo customer's link),
    append ``(text, what)`` to ``ctx.extra["demo_logins"]``; a text that
    starts with ``/`` is printed after the demo server's address.

    :param dealer: the ``core_dealer`` row.
    :param users: maps ``"manager"``, ``"storekeeper"`` and ``"dealer_admin"`` to the demo users' ids.
    :param ctx: a system context of the dealer (``user_id`` is ``None``).

    Example::

        @hookimpl
        async def demo_data(dealer, users, ctx):
            if not await Note.scoped(dealer.id).exists():
                await Note.scoped(dealer.id).insert(title="Welcome", body="Demo note", created_at=now())
    """


# --- per-request contributions -------------------------------------------------


@hookspec(Kind.CONTRIBUTION, Scope.DEALER)
def nav_items(ctx: Context) -> list[NavItem]:
    """Return :class:`NavItem` entries for the main navigation.

    Called once per full page render. Filter with ``ctx.can(...)`` so a user
    sees only what they may open. Items are sorted by ``order``, then label. A
    platform admin without a dealer has no modules, so plugins are not asked.

    :param ctx: the viewer's context.

    Example::

        @hookimpl
        def nav_items(ctx):
            # every role may read notes; a page only writers may open would check ctx.can("notes.write")
            return [NavItem(label=_l("Notes"), href="/notes/", order=50)]
    """


@hookspec(Kind.CONTRIBUTION, Scope.DEALER)
def page_slots(slot: str, ctx: Context, subject: dict[str, Any] | None) -> list[SlotContent]:
    """Return :class:`SlotContent` blocks for a named page slot, or ``[]`` for a slot you do not fill.

    Called while a page that has the slot renders. A block carries ready HTML
    (``Markup`` you have escaped) or a URL the page loads lazily with htmx;
    blocks are sorted by ``order``, then title.

    :param slot: the slot's name. The core has ``"home.widgets"`` (the home dashboard, for users of a
        dealer); the customers plugin has ``"customers.card.panels"`` (the customer card). Plugins
        may define more and must document them.
    :param ctx: the viewer's context.
    :param subject: what the page is about — ``{"entity": "customers.customer", "id": 42}`` on a customer
        card, ``None`` on the home page.

    Example::

        @hookimpl
        async def page_slots(slot, ctx, subject):
            if slot != "customers.card.panels":
                return []
            deals = await Deal.scoped(ctx.dealer_id).select().where(Deal.customer_id == subject["id"])
            return [SlotContent(title=_l("Deals"), html=render_deals(deals), order=20, plugin="deals")]
    """


@hookspec(Kind.CONTRIBUTION, Scope.INSTALL)
def platform_nav_items(ctx: Context) -> list[NavItem]:
    """Return :class:`NavItem` entries for the platform administrator's navigation, or ``[]``.

    Called once per full page render for a platform administrator, who has
    no dealer and so no modules: ``nav_items`` of plugins is not asked for
    them, this is. Every installed plugin is asked, whichever dealers have it
    switched on. Link only to pages that let a platform administrator in
    (``ctx.is_platform_admin``) and show no dealer's personal data.

    :param ctx: the platform administrator's context (``dealer_id`` is ``None``).

    Example::

        @hookimpl
        def platform_nav_items(ctx):
            return [NavItem(label=_l("Deals everywhere"), href="/deals/platform", order=940)]
    """


@hookspec(Kind.CONTRIBUTION, Scope.DEALER)
def timeline_entries(ctx: Context, entity: str, entity_id: int) -> list[TimelineEntry]:
    """Return :class:`TimelineEntry` items of your own records about one entity, or ``[]``.

    Called each time a card renders its timeline (``timeline_panel``, or the
    fragment ``GET /timeline/<entity>/<id>``), for every entity, other
    plugins' included: a customer card merges leads, orders and follow-ups
    this way. The core adds the entity's own history and comments and sorts
    everything by ``at``, newest first. Use aware datetimes (as ``now()``
    gives); ``html``, if given, must be ``Markup`` you have escaped.

    :param ctx: the viewer's context.
    :param entity: ``"<plugin>.<kind>"``, e.g. ``"customers.customer"``.
    :param entity_id: the row's id, in the viewer's dealer.

    Example::

        @hookimpl
        async def timeline_entries(ctx, entity, entity_id):
            if entity != "deals.deal":
                return []
            heard = await Heard.scoped(ctx.dealer_id).select().where(Heard.detail.like(f"{entity_id}:%"))
            return [TimelineEntry(at=h["at"], title=f"Deals plugin heard {h['detail']}", kind="event",
                                  plugin="deals") for h in heard]
    """


@hookspec(Kind.CONTRIBUTION, Scope.DEALER)
def report_metrics(ctx: Context) -> list[Metric]:
    """Return :class:`Metric` declarations: the figures your plugin can compute.

    Called whenever figures are shown (the reports plugin, ``forecourt
    metrics``). Only declare here — return quickly and query nothing; each
    metric's ``compute(ctx, period)`` (and ``series(ctx, period, buckets)``,
    if it has one) runs afterwards, on its own, with 30 seconds to answer.
    Keys are ``"<your plugin>.<name>"`` and stay stable (reports and exports
    refer to them). Breakdowns, filters, series and units: "Metrics: the
    contract" in docs/plugins.md. A value that is not a ``Metric``, a
    foreign key or a key declared twice is left out and recorded; a
    ``compute`` or ``series`` that raises or runs out of time is recorded
    (hook name ``report_metrics:<key>``) and its figure comes back as
    ``value=None`` (``points=None``).

    :param ctx: a system context of the dealer the figures are for.

    Example::

        async def deals_won(ctx, period):
            rows = await Deal.scoped(ctx.dealer_id).select(Deal.owner_id, Count()).where(
                (Deal.status == "won") & (Deal.won_at >= period.start) & (Deal.won_at < period.end)
            ).group_by(Deal.owner_id)
            by_user = {row["owner_id"]: row["count"] for row in rows}
            return MetricValue(sum(by_user.values()), by_user)


        @hookimpl
        def report_metrics(ctx):
            return [Metric("deals.won", _l("Deals won"), deals_won, description=_l("Deals won in the period."))]
    """


# --- vetoes, inside the transaction ---------------------------------------------


@hookspec(Kind.VETO, Scope.DEALER)
def validate_change(
    ctx: Context, entity: str, action: str, values: dict[str, Any], entity_id: int | None
) -> None:
    """Refuse a write by raising :class:`Veto`; return nothing otherwise.

    Called inside the transaction of every write made through the entity
    service (``create_entity``, ``update_entity``, ``delete_entity``), before
    it is committed. Raising ``Veto(message, field=...)`` rolls the
    transaction back: nothing is saved, no notification fires, and the user
    sees the message (HTTP 422). Do not write — you are inside someone else's
    transaction and, on SQLite, hold the single writer: keep it quick.

    :param ctx: the acting user's context.
    :param entity: ``"<plugin>.<kind>"``.
    :param action: ``"create"``, ``"update"`` or ``"delete"``.
    :param values: the values about to be written (an update: only those given; a delete: the row's
        current values).
    :param entity_id: the row's id; ``None`` on create.

    Example::

        @hookimpl
        def validate_change(ctx, entity, action, values):
            if entity == "notes.note" and "forbidden" in values.get("title", "").lower():
                raise Veto("Notes may not say 'forbidden'.", field="title")
    """


@hookspec(Kind.VETO, Scope.DEALER)
def validate_transition(
    ctx: Context, machine: str, transition: str, entity: str, entity_id: int, from_state: str, to_state: str,
    inputs: dict[str, Any],
) -> None:
    """Refuse a status transition by raising :class:`Veto`; return nothing otherwise.

    Called inside the transaction of every transition (``apply_transition``,
    the card's buttons), after the row, its stamps and its history row are
    written and before the commit: any plugin may guard another plugin's
    machine without editing it. Raising ``Veto(message)`` rolls everything
    back (status, stamps, history row); no notification fires and the user
    sees the message (HTTP 422). Do not write, and keep it quick.

    :param ctx: the acting user's context (a system context for jobs).
    :param machine: the machine's key, e.g. ``"deals.deal"``.
    :param transition: the transition's key.
    :param entity: the entity the machine moves, ``"<plugin>.<kind>"``.
    :param entity_id: the row's id.
    :param from_state: the state key before.
    :param to_state: the state key after.
    :param inputs: the transition's cleaned inputs (dates as ``date``, "Other" replaced by its text).

    Example::

        @hookimpl
        async def validate_transition(ctx, machine, transition, entity_id, inputs):
            if machine == "deals.deal" and transition == "refuse" and inputs.get("note") == "veto me":
                raise Veto("The deals plugin refuses this refusal.")
    """
