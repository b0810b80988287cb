"""What a report page lays out: tables of figures (and the numbers its charts draw), built from metrics.

A :class:`Table` holds raw values — numbers, dates, ``None`` — with a unit
per column; the page formats them for the reader (:func:`shown`), the
exports keep them numbers (:mod:`plugins.reports.exports`). The builders
only read :class:`forecourt.Figure`-like objects that ``compute_metrics``
returned, never a table of another plugin.

Missing figures have two faces: a metric that failed (``value is None``,
recorded for the platform admin) is :data:`FAILED` and shows "no figure"; a
figure with nothing to measure (``total is None``: a median of no leads)
shows a dash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from forecourt import fmt_money, fmt_number, pgettext
from forecourt import gettext as _


class _Failed:
    """The value of a metric that could not be computed (its failure is recorded)."""

    def __repr__(self) -> str:
        return "FAILED"

    def __str__(self) -> str:
        return ""


FAILED: Any = _Failed()


@dataclass(frozen=True)
class Column:
    """``unit`` is a metric unit (count, seconds, percent, money) or ``text`` / ``date``."""

    key: str
    label: str
    unit: str = "text"
    currency: str = ""


@dataclass
class Table:
    """One table of a report: its rows (first cell the row's label), a totals row, and an optional chart."""

    id: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None
    chart: Markup = field(default_factory=Markup)
    note: str = ""
    row_keys: list[Any] = field(default_factory=list)

    def all_rows(self) -> list[list[Any]]:
        return [*self.rows, *([self.total] if self.total else [])]


def duration(seconds: float) -> str:
    """A duration the way a manager says it: "3 min", "2 h 05 min", "3 d 4 h"."""
    seconds = round(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)d min") % {"m": minutes}
    return _("%(s)d s") % {"s": seconds}


def shown(column: Column, value: Any) -> str:
    """A cell as the reader sees it, in their language (Babel)."""
    if value is FAILED:
        return _("no figure")
    if value is None:
        return "—"
    if isinstance(value, str) or column.unit == "text":
        return str(value)
    if column.unit == "money":
        return fmt_money(value, column.currency)
    if column.unit == "percent":
        return _("%(n)s %%") % {"n": fmt_number(value)}
    if column.unit == "seconds":
        return duration(float(value))
    if column.unit == "date":
        from forecourt import fmt_date

        return fmt_date(value)
    return fmt_number(value)


def formatter(column: Column) -> Callable[[Any], str]:
    return lambda value: shown(column, value)


def change(now: Any, before: Any) -> float | None:
    """The change from ``before`` to ``now`` in percent (None where it cannot be said)."""
    if not isinstance(now, int | float) or not isinstance(before, int | float) or before == 0:
        return None
    return round(100 * (now - before) / abs(before), 1)


def currency_of(value: Any, default: str) -> str:
    """The currency a money figure says it is in (the contract's ``currency``), else the dealer's."""
    return str(getattr(value, "currency", "") or default)


def value_for(figure: Any, user: Any = None, only_user: bool = False) -> Any:
    """The figure's total, or with ``only_user`` that user's part (0 for a sum they have no rows in)."""
    if figure is None or figure.value is None:
        return FAILED
    if not only_user:
        return figure.value.total
    if user in figure.value.by_user:
        return figure.value.by_user[user]
    # no rows of that user: the metric's own empty figure (0 for counts and sums, None for medians and averages)
    return getattr(figure.metric, "empty", 0 if figure.metric.unit in ("count", "money") else None)


def label(metric: Any) -> str:
    return str(metric.label)


def unit_column(figure: Any, currency: str) -> Column:
    metric = figure.metric
    return Column(metric.key, label(metric), metric.unit,
                  currency_of(figure.value, currency) if metric.unit == "money" else "")


def summary(table_id: str, title: str, figures: Sequence[Any], currency: str, before: Mapping[str, Any] | None,
            user: Any = None, only_user: bool = False) -> Table:
    """Figure per row: its value, and with ``before`` the previous period's value and the change."""
    columns = [Column("metric", _("Figure")), Column("value", _("Value"), "text")]
    if before is not None:
        columns += [Column("before", _("Previous period"), "text"),
                    Column("change", pgettext("report", "Change"), "percent")]
    table = Table(table_id, title, columns)
    for figure in figures:
        unit = unit_column(figure, currency)
        now = value_for(figure, user, only_user)
        row: list[Any] = [label(figure.metric), _Typed(unit, now)]
        if before is not None:
            then = value_for(before.get(figure.metric.key), user, only_user)
            row += [_Typed(unit, then), change(now, then) if not figure.metric.snapshot else None]
        table.rows.append(row)
        table.row_keys.append(figure.metric.key)
    return table


class _Typed:
    """A cell whose unit is its row's, not its column's (a summary mixes counts, money and durations)."""

    def __init__(self, column: Column, value: Any) -> None:
        self.column, self.value = column, value

    def __repr__(self) -> str:
        return f"_Typed({self.column.unit}, {self.value!r})"


def untyped(value: Any) -> tuple[Column | None, Any]:
    return (value.column, value.value) if isinstance(value, _Typed) else (None, value)


def by_manager(table_id: str, title: str, figures: Sequence[Any], currency: str, names: Mapping[Any, str],
               visible: Callable[[Any], bool]) -> Table:
    """A row per manager the figures attribute rows to (only those ``visible`` to the reader), then the totals."""
    columns = [Column("manager", _("Manager"))] + [unit_column(f, currency) for f in figures]
    table = Table(table_id, title, columns)
    users: set[Any] = set()
    for figure in figures:
        if figure.value is not None:
            users.update(figure.value.by_user)
    ordered = sorted(users, key=lambda u: (u is None, str(names.get(u, "")).lower(), u or 0))
    for user in ordered:
        if not visible(user):
            continue
        name = names.get(user) or (_("Nobody") if user is None else _("Former user #%(id)s") % {"id": user})
        table.rows.append([name] + [value_for(f, user, True) for f in figures])
        table.row_keys.append(user)
    table.total = [_("Dealer total")] + [value_for(f) for f in figures]
    return table


def funnel_steps(figures: Iterable[Any]) -> dict[str, list[Any]]:
    """The funnels the figures form (``Metric.funnel``), each a list of its steps in ``step`` order."""
    found: dict[str, list[Any]] = {}
    for figure in figures:
        if figure.metric.funnel:
            found.setdefault(figure.metric.funnel, []).append(figure)
    return {name: sorted(steps, key=lambda f: (f.metric.step, f.metric.key)) for name, steps in found.items()}


def rate(now: Any, before: Any) -> float | None:
    if not isinstance(now, int | float) or not isinstance(before, int | float) or not before:
        return None
    return round(100 * now / before, 1)


def funnel_table(table_id: str, title: str, steps: Sequence[Any], user: Any = None, only_user: bool = False) -> Table:
    columns = [Column("step", _("Step")), Column("value", _("Count"), "count"),
               Column("from_previous", _("From the step before"), "percent"),
               Column("from_first", _("From the first step"), "percent")]
    table = Table(table_id, title, columns)
    first = previous = None
    for i, figure in enumerate(steps):
        value = value_for(figure, user, only_user)
        table.rows.append([label(figure.metric), value, rate(value, previous) if i else None,
                           rate(value, first) if i else None])
        table.row_keys.append(figure.metric.key)
        first = value if i == 0 else first
        previous = value
    return table
