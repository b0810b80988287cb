"""Validating what a transition asks for: reasons (with "Other"), dates, free text, details.

Separate from :mod:`core.workflow.machine` so the declarations and the engine
stay readable; :func:`core.workflow.engine.apply` calls :func:`clean_inputs`
with the dealer's reason lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from core.errors import ValidationFailed
from core.i18n import gettext as _
from core.timeutil import from_local, now, today
from core.workflow.machine import OTHER, Transition


def clean_inputs(
    transition: Transition, raw: Mapping[str, Any], reasons: Mapping[str, list[str]],
    detailed: Mapping[str, set[str]] | None = None,
) -> dict[str, Any]:
    """Validate a transition's inputs; ``reasons`` maps input name -> allowed labels.

    ``detailed`` maps a reason input's name to the reasons that make its
    ``detail`` input required.

    Returns cleaned values (dates parsed, "Other" replaced by its text);
    raises :class:`ValidationFailed` naming every missing or wrong input.
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for inp in transition.inputs:
        value = str(raw.get(inp.name) or "").strip()
        if inp.kind == "reason" and value == OTHER:
            value = str(raw.get(f"{inp.name}_other") or "").strip()
            if not value:
                errors[f"{inp.name}_other"] = _("Describe the reason.")
                continue
        elif inp.kind == "reason" and value and value not in reasons.get(inp.name, []):
            errors[inp.name] = _("Choose one of the reasons offered.")
            continue
        if not value:
            if inp.required:
                errors[inp.name] = _("Fill in “%(label)s”.") % {"label": inp.label}
            else:
                values[inp.name] = None
            continue
        if inp.kind == "date":
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                errors[inp.name] = _("Enter a date like 2026-12-31.")
            else:
                if inp.no_past and day < today():  # the dealer's today, not the server's
                    errors[inp.name] = _("Choose today or a later date.")
                else:
                    values[inp.name] = day
        elif inp.kind == "datetime":
            try:
                moment = from_local(dt.datetime.fromisoformat(value))  # typed on the dealer's clock
            except ValueError:
                errors[inp.name] = _("Enter a date and time like 2026-12-31 14:30.")
            else:
                if inp.no_past and moment < now():
                    errors[inp.name] = _("Choose a time that is still to come.")
                else:
                    values[inp.name] = moment
        else:
            values[inp.name] = value[:4000]
    labels = {i.name: i.label for i in transition.inputs}
    for inp in transition.inputs:
        chosen = values.get(inp.name)
        if inp.detail and chosen and chosen in (detailed or {}).get(inp.name, set()) and not values.get(inp.detail):
            errors[inp.detail] = _("The reason “%(reason)s” needs “%(label)s”.") % {
                "reason": chosen, "label": labels.get(inp.detail, inp.detail)}
    if errors:
        raise ValidationFailed(errors)
    return values
