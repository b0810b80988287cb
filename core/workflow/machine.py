"""Declarative status machines: a workflow is data, the engine applies it.

A plugin declares a :class:`Machine` (states, transitions with their inputs,
guards and the timestamps they stamp, the entity and field it drives) and
returns it from the ``register_status_machines`` hook. The entity itself is
declared separately (``register_entities``, :class:`core.entities.Entity`):
the machine names it and drives one of its columns; the table is the
entity's. From that one declaration the core:

* applies a transition as one operation (:func:`core.workflow.engine.apply`);
* refuses any other write of the machine's field or stamped columns through
  :mod:`core.entities` (it reads them from the booted runtime's machines);
* shows the actions a card offers for the current state, the list filter of
  states and a diagram of the machine (:mod:`core.web.workflow`).

This module holds the declarations and the machines of the running app; it
imports nothing else of the workflow package, so inputs, engine and timeline
can all depend on it without a circle.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from core.context import Context
from core.errors import PluginError
from core.i18n import gettext as _
from core.runtime import current

OTHER = "__other__"  #: the "Other" choice of a reason input; its text comes in ``<name>_other``
INPUT_KINDS = ("text", "note", "date", "datetime", "reason")
COLOURS = ("grey", "blue", "green", "amber", "red", "purple")


@dataclass(frozen=True)
class State:
    """One state. ``colour`` is one of :data:`COLOURS` (the badge); a terminal state has no way out."""

    key: str
    label: Any
    colour: str = "grey"
    terminal: bool = False


@dataclass(frozen=True)
class Input:
    """A value a transition asks for.

    ``kind``: ``text`` (one line), ``note`` (several lines), ``date``,
    ``datetime`` or ``reason`` (a choice from the dealer's reason list for
    this input, seeded with ``reasons``, plus "Other" with free text).
    """

    name: str
    label: Any
    kind: str = "text"
    required: bool = True
    reasons: tuple[Any, ...] = ()
    column: str | None = None  #: also write the value to this column of the entity (e.g. a postpone date)
    #: for a ``reason`` input: another input of the transition that the reasons marked as needing
    #: details make required (the dealer marks them; ``detailed`` are the ones marked by default)
    detail: str = ""
    detailed: tuple[Any, ...] = ()
    #: for a ``date`` (``datetime``) input: refuse a day before today (a moment before now) on the dealer's
    #: clock, e.g. a postponement, which would otherwise wake the record at once
    no_past: bool = False


#: ``guard(ctx, row) -> None`` when allowed, else the message saying why not
Guard = Callable[[Context, Mapping[str, Any]], Any]
#: ``await effect(ctx, row, inputs)``: more writes of the same operation (``row`` as read before the change);
#: it may return ``{column: value}`` of the entity's own row to write with the transition (or ``None``)
Effect = Callable[[Context, Mapping[str, Any], Mapping[str, Any]], Awaitable[Mapping[str, Any] | None]]


@dataclass(frozen=True)
class Transition:
    """A way from any of ``sources`` to ``target``.

    ``stamps`` are timestamp columns of the entity set to the time of the
    transition the first time it happens and never changed afterwards.
    ``notify`` names an extra notification hook fired after commit (e.g.
    ``"leads_contract_signed"``, a hookspec the plugin owns), called with the
    same arguments as ``on_status_changed``. ``permission`` limits who may
    apply it. ``style`` is ``"primary"``, ``"default"`` or ``"danger"``.
    ``effect`` is awaited inside the transition's transaction, after the
    row's state and stamps are written and before the history row: the
    writes that must happen with this change or not at all (the orders
    plugin reserves stock on "Confirmed"). It gets the row as it was read
    before the change and the cleaned inputs; raising :class:`Veto` or
    :class:`Conflict` there rolls the whole transition back and shows the
    message. It may return ``{column: value}`` for the row itself (columns
    the effect works out, such as the inquiry a duplicate was merged into):
    the engine writes them in the same transaction — declare such columns
    ``protected`` on the entity, so that no form can write them.
    """

    key: str
    label: Any
    sources: tuple[str, ...]
    target: str
    inputs: tuple[Input, ...] = ()
    stamps: tuple[str, ...] = ()
    guard: Guard | None = None
    notify: str | None = None
    permission: str | None = None
    style: str = "default"
    effect: Effect | None = None


@dataclass(frozen=True)
class Machine:
    """A workflow over one dealer-scoped table.

    ``key`` is ``"<plugin>.<name>"``; ``entity`` is the key of an entity
    declared through ``register_entities`` (``"<plugin>.<kind>"``, any
    installed plugin's): its table is the machine's table (:attr:`table`),
    its card the link from history and reminders. ``field`` is the state
    column. New rows start in ``initial`` (default: the first state).
    ``view_permission`` is needed to see an entity's timeline and the
    diagram, ``edit_permission`` to apply any transition and to comment:
    the same permissions that guard the plugin's own card and edit routes,
    so the core's workflow and timeline routes never let in someone the
    plugin's pages would not.
    """

    key: str
    title: Any
    entity: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    field: str = "status"
    initial: str = ""
    view_permission: str | None = None
    edit_permission: str | None = None

    def __post_init__(self) -> None:
        self._states: dict[str, State]  # set once here; the dataclass is frozen
        object.__setattr__(self, "_states", {s.key: s for s in self.states})
        if not self.initial and self.states:
            object.__setattr__(self, "initial", self.states[0].key)

    @property
    def plugin(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def table(self) -> Any:
        """The Piccolo table of the machine's entity (declared, installed: checked at start-up)."""
        found = current().entities.get(self.entity)
        if found is None:
            raise LookupError(f"status machine {self.key}: entity {self.entity!r} is not declared")
        return found.table

    def url(self, entity_id: int) -> str:
        """The card of one of the entity's rows (the plugin's start page when the entity names none)."""
        found = current().entities.get(self.entity)
        return found.card_url(entity_id) if found is not None else f"/{self.plugin}/"

    def state(self, key: str) -> State:
        """The state ``key``; an unknown key (data older than the machine) gets a plain grey badge."""
        return self._states.get(key) or State(key, key)

    def transition(self, key: str) -> Transition | None:
        return next((t for t in self.transitions if t.key == key), None)

    @property
    def stamped(self) -> frozenset[str]:
        return frozenset(col for t in self.transitions for col in t.stamps)

    def check(self, plugin: str, declared_entities: Mapping[str, Any]) -> None:
        """Refuse a declaration that cannot work, naming the plugin (at boot, given the declared entities)."""
        problems = []
        if not self.key.startswith(f"{plugin}.") or not self.entity.startswith(f"{plugin}."):
            problems.append(f"key and entity must start with '{plugin}.'")
        declared = declared_entities.get(self.entity)
        if declared is None:
            raise PluginError(plugin, f"status machine {self.key}: entity {self.entity!r} is not declared "
                                      "(register_entities)")
        columns = {c._meta.name for c in declared.table._meta.columns}
        if self.field not in columns:
            problems.append(f"table has no column {self.field!r}")
        if len(self._states) != len(self.states):
            problems.append("duplicate state keys")
        if self.initial not in self._states:
            problems.append(f"initial state {self.initial!r} is not a state")
        seen: set[str] = set()
        for t in self.transitions:
            if t.key in seen:
                problems.append(f"duplicate transition {t.key!r}")
            seen.add(t.key)
            for state in (*t.sources, t.target):
                if state not in self._states:
                    problems.append(f"transition {t.key!r} names unknown state {state!r}")
            for source in t.sources:
                if source in self._states and self._states[source].terminal:
                    problems.append(f"transition {t.key!r} leaves terminal state {source!r}")
            for col in t.stamps:
                if col not in columns:
                    problems.append(f"transition {t.key!r} stamps unknown column {col!r}")
            names = {i.name for i in t.inputs}
            for inp in t.inputs:
                if inp.detail and inp.detail not in names:
                    problems.append(f"input {inp.name!r} names unknown detail input {inp.detail!r}")
                if inp.column is not None and inp.column not in columns:
                    problems.append(f"input {inp.name!r} writes unknown column {inp.column!r}")
                if inp.kind not in INPUT_KINDS:
                    problems.append(f"input {inp.name!r} has unknown kind {inp.kind!r}")
                if inp.no_past and inp.kind not in ("date", "datetime"):
                    problems.append(f"input {inp.name!r}: no_past needs a date or datetime input")
        if problems:
            raise PluginError(plugin, f"status machine {self.key}: " + "; ".join(problems))


def reason_list_key(machine: Machine, transition: Transition, inp: Input) -> str:
    """The key of the dealer-editable reason list behind a ``reason`` input."""
    return f"{machine.key}.{transition.key}.{inp.name}"


# --- the machines of the running app ------------------------------------------------

def machines() -> dict[str, Machine]:
    """The booted runtime's machines, by key (checked at boot: see core/runtime.py)."""
    return dict(current().machines)


def get(key: str) -> Machine | None:
    return current().machines.get(key)


def for_entity(entity: str) -> list[Machine]:
    return [m for m in current().machines.values() if m.entity == entity]


def protected_fields(entity: str) -> frozenset[str]:
    """Columns of ``entity`` the machines drive: state fields and stamped timestamps."""
    result: set[str] = set()
    for machine in for_entity(entity):
        result |= {machine.field, *machine.stamped}
    return frozenset(result)


# --- what a card may offer ---------------------------------------------------------------


def refusal(ctx: Context, machine: Machine, transition: Transition, row: Mapping[str, Any]) -> str | None:
    """Why ``transition`` cannot be applied to ``row`` now (``None``: it can)."""
    current = row[machine.field]
    if current not in transition.sources:
        return _("This action is not available in the status “%(state)s”.") % {
            "state": machine.state(current).label}
    if (transition.permission and not ctx.can(transition.permission)) or (
            machine.edit_permission and not ctx.can(machine.edit_permission)):
        return _("You may not do this.")
    if transition.guard is not None:
        message = transition.guard(ctx, row)
        if message:
            return str(message)
    return None


def available(ctx: Context, machine: Machine, row: Mapping[str, Any]) -> list[Transition]:
    """The transitions the card offers for ``row``: allowed now, for this user."""
    return [t for t in machine.transitions if refusal(ctx, machine, t, row) is None]
