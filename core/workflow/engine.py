"""Applying a transition: the one writer of a machine's state field and stamped columns.

:func:`apply` is one operation: current state checked against the state the
form was shown (a stale form loses, nothing written), guard and inputs
checked (translated messages listing what is missing), timestamps stamped
once, the entity updated, the transition's own ``effect`` awaited, a
history row written (notes become editable comments shown with it), the
``validate_transition`` veto hooks run, committed; then
``on_status_changed`` and the transition's own notification
hook fire, isolated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core import db
from core.context import Context
from core.errors import Conflict, Forbidden, Veto
from core.i18n import gettext as _
from core.messages import Message
from core.registry import registry
from core.timeutil import now
from core.workflow import comments, history
from core.workflow import reasons as reason_lists
from core.workflow.inputs import clean_inputs
from core.workflow.machine import Machine, Transition, reason_list_key, refusal


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
        if transition.effect is not None:
            more = await transition.effect(ctx, row, inputs)
            if more:  # columns the effect decided (a merge's target): written with the transition, nowhere else
                columns = {c._meta.name for c in table._meta.columns}
                refused = sorted((set(more) - columns) | (set(more) & {machine.field, "id", "dealer_id"}))
                if refused:
                    raise ValueError(f"transition {transition.key!r}: its effect may not write {refused}")
                await table.scoped(ctx.dealer_id).update(
                    {getattr(table, col): value for col, value in more.items()}
                ).where(table._meta.primary_key == entity_id)
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
