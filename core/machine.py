"""Declarative status machines: a workflow is data, the engine applies it.

A plugin declares a :class:`Machine` (states, transitions with their inputs,
guards and the timestamps they stamp, the entity and field it drives) and
returns it from the ``register_status_machines`` hook. From that one
declaration the core:

* applies a transition as one operation (:func:`apply`): current state checked
  against the state the form was shown (a stale form loses, nothing written),
  guard and inputs checked (translated messages listing what is missing),
  timestamps stamped once, the entity updated, a history row written (notes
  become editable comments shown with it), the
  ``validate_transition`` veto hooks run, committed; then ``on_status_changed``
  and the transition's own notification hook fire, isolated;
* refuses any other write of the machine's field or stamped columns through
  :mod:`core.entities` (:func:`protected_fields`);
* shows the actions a card offers for the current state, the list filter of
  states and a diagram of the machine (:mod:`core.web.machines`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from core import comments, db, history
from core.context import Context
from core.errors import Conflict, Forbidden, PluginError, Veto
from core.i18n import gettext as _
from core.machine_inputs import INPUT_KINDS, clean_inputs
from core.machine_inputs import OTHER as OTHER  # the "Other" choice, public here too
from core.messages import Message
from core.runtime import current
from core.timeutil import now

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


@dataclass(frozen=True)
class Transition:
    """A way from any of ``sources`` to ``target``.

    ``stamps`` are timestamp columns of the entity set to the time of the
    transition the first time it happens and never changed afterwards.
    ``notify`` names an extra notification hook fired after commit (e.g.
    ``"leads_contract_signed"``, a hookspec the plugin owns), called with the
    same arguments as ``on_status_changed``. ``permission`` limits who may
    apply it. ``style`` is ``"primary"``, ``"default"`` or ``"danger"``.
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


@dataclass(frozen=True)
class Machine:
    """A workflow over one dealer-scoped table.

    ``key`` is ``"<plugin>.<name>"``; ``entity`` is the entity name used with
    :mod:`core.entities` and the history (``"<plugin>.<kind>"``); ``table`` is
    the Piccolo table (with ``dealer_id``) and ``field`` its state column.
    New rows start in ``initial`` (default: the first state).
    ``view_permission`` is needed to see an entity's timeline and the
    diagram, ``edit_permission`` to apply any transition and to comment:
    the same permissions that guard the plugin's own card and edit routes,
    so the core's workflow and timeline routes never let in someone the
    plugin's pages would not.
    """

    key: str
    title: Any
    entity: str
    table: Any
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    field: str = "status"
    initial: str = ""
    url: Callable[[int], str] | None = None  #: the card of an entity, for links from history and reminders
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

    def state(self, key: str) -> State:
        """The state ``key``; an unknown key (data older than the machine) gets a plain grey badge."""
        return self._states.get(key) or State(key, key)

    def transition(self, key: str) -> Transition | None:
        return next((t for t in self.transitions if t.key == key), None)

    @property
    def stamped(self) -> frozenset[str]:
        return frozenset(col for t in self.transitions for col in t.stamps)

    def check(self, plugin: str) -> None:
        """Refuse a declaration that cannot work, naming the plugin (start-up)."""
        problems = []
        if not self.key.startswith(f"{plugin}.") or not self.entity.startswith(f"{plugin}."):
            problems.append(f"key and entity must start with '{plugin}.'")
        columns = {c._meta.name for c in self.table._meta.columns}
        if "dealer_id" not in columns:
            problems.append(f"table {self.table._meta.tablename} has no dealer_id")
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
    """Columns of ``entity`` only the engine may write: state fields and stamped timestamps."""
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


# --- applying a transition -------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    """What :func:`apply` did."""

    machine: Machine
    transition: Transition
    entity_id: int
    from_state: str
    to_state: str
    inputs: dict[str, Any]
    stamped: dict[str, dt.datetime]


def _column_value(table: Any, column: str, value: Any) -> Any:
    """An optional input left empty writes the column's default where the column takes no NULL."""
    meta = getattr(table, column)._meta
    if value is None and not meta.null:
        return getattr(table, column).get_default_value()
    return value


def _json_ready(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date | dt.datetime) else v) for k, v in values.items()}


async def apply(
    ctx: Context,
    machine: Machine,
    entity_id: int,
    transition_key: str,
    expected_state: str | None,
    raw_inputs: Mapping[str, Any] | None = None,
) -> Applied:
    """Apply one transition to one of ``ctx``'s dealer's rows, all or nothing.

    ``expected_state`` is the state the user saw (the form carries it);
    ``None`` skips that check (system work such as jobs). Raises
    :class:`LookupError` for an unknown row or transition,
    :class:`Conflict` when the row moved meanwhile or the transition is not
    allowed from its state, :class:`Veto` from a guard or a
    ``validate_transition`` hook, :class:`ValidationFailed` for inputs.
    """
    from core import reasons as reason_lists
    from core.registry import registry

    if ctx.dealer_id is None:
        raise ValueError("a dealer context is required to apply a transition")
    transition = machine.transition(transition_key)
    if transition is None:
        raise LookupError(transition_key)
    allowed = {
        inp.name: await reason_lists.labels(ctx.dealer_id, reason_list_key(machine, transition, inp),
                                            inp.reasons)
        for inp in transition.inputs if inp.kind == "reason"
    }
    detailed = {
        inp.name: await reason_lists.needing_detail(ctx.dealer_id, reason_list_key(machine, transition, inp),
                                                    inp.detailed)
        for inp in transition.inputs if inp.kind == "reason" and inp.detail
    }
    inputs = clean_inputs(transition, raw_inputs or {}, allowed, detailed)
    table = machine.table
    reg = registry()
    async with db.transaction():
        row = await table.scoped(ctx.dealer_id).select().where(table._meta.primary_key == entity_id).first()
        if row is None:
            raise LookupError(entity_id)
        current = row[machine.field]
        if expected_state is not None and current != expected_state:
            raise Conflict(_("Someone else changed this meanwhile: it is now “%(state)s”. Nothing was "
                             "saved; look at it again.") % {"state": machine.state(current).label})
        if machine.edit_permission and not ctx.can(machine.edit_permission):
            raise Forbidden(_("You may not do this."))
        why_not = refusal(ctx, machine, transition, row)
        if why_not is not None:
            raise Conflict(why_not) if current not in transition.sources else Veto(why_not)
        moment = now()
        stamped = {col: moment for col in transition.stamps if row.get(col) is None}
        written = {inp.column: _column_value(table, inp.column, inputs[inp.name])
                   for inp in transition.inputs if inp.column}
        changed = await (
            table.scoped(ctx.dealer_id)
            .update({getattr(table, machine.field): transition.target,
                     **{getattr(table, col): value for col, value in {**written, **stamped}.items()}})
            .where((table._meta.primary_key == entity_id) & (getattr(table, machine.field) == current))
            .returning(table._meta.primary_key)
        )
        if not changed:  # moved by a concurrent writer between our read and write
            raise Conflict(_("Someone else changed this meanwhile. Nothing was saved; look at it again."))
        notes = {inp.name: await comments.add_note(ctx, machine.entity, entity_id, inputs[inp.name],
                                                   f"{machine.key}.{transition.key}", moment)
                 for inp in transition.inputs if inp.kind == "note" and inputs.get(inp.name)}
        await history.append(
            ctx, machine.entity, entity_id, "transition",
            summary=Message.of(transition.label),
            payload={"machine": machine.key, "transition": transition.key, "from": current,
                     "to": transition.target, "inputs": _json_ready(inputs), "stamped": _json_ready(stamped),
                     "comments": notes},
            at=moment,
        )
        await reg.call(
            "validate_transition", ctx=ctx, machine=machine.key, transition=transition.key,
            entity=machine.entity, entity_id=entity_id, from_state=current, to_state=transition.target,
            inputs=inputs,
        )
    result = Applied(machine, transition, entity_id, current, transition.target, inputs, stamped)
    kwargs = {"ctx": ctx, "machine": machine.key, "transition": transition.key, "entity": machine.entity,
              "entity_id": entity_id, "from_state": current, "to_state": transition.target, "inputs": inputs}
    await reg.call("on_status_changed", **kwargs)
    if transition.notify:
        await reg.call(transition.notify, **kwargs)
    return result
