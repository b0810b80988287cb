"""The reports: which figures each page asks for and how it lays them out as tables and charts.

A page names the figures it wants by key (``leads.received``) or by the
plugin that contributes them; anything a plugin declares that no page here
knows lands on "Other modules" — a partner's metric shows up without a
change to this plugin. Pages take whatever ``compute_metrics`` returned and
never fail on a figure that is missing: a key nobody declares is left out,
a metric that failed shows "no figure".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.reports import charts
from plugins.reports.layout import (
    FAILED,
    Column,
    Table,
    by_manager,
    formatter,
    funnel_steps,
    funnel_table,
    summary,
    unit_column,
    value_for,
)

#: the plugins whose figures have a page of their own; every other plugin's go to "Other modules"
KNOWN = ("leads", "orders", "customers")
#: per manager on the efficiency page, in this order (those declared)
EFFICIENCY = ("leads.received", "leads.handled", "leads.contacted_in_time", "leads.contract_signed",
              "orders.placed", "orders.revenue", "orders.average", "customers.followups_on_time",
              "customers.followups_on_time_share")
#: families of keys a breakdown table is made of: (prefix of its counts, prefix of its money, title)
ORDER_FAMILIES = (
    ("orders.status.", "orders.revenue.status.", _l("Orders by status")),
    ("orders.source.", "orders.revenue.source.", _l("Orders by source")),
    ("orders.inquiries.status.", "", _l("Inquiries by status")),
)


@dataclass
class Board:
    """What a page is built from: the figures by key (and the previous period's), the reader and the filter."""

    figures: Mapping[str, Any]
    before: Mapping[str, Any] | None
    currency: str
    names: Mapping[Any, str]
    visible: Callable[[Any], bool]
    user: Any = None
    only_user: bool = False
    keys: Sequence[str] = field(default_factory=tuple)

    def pick(self, keys: Sequence[str]) -> list[Any]:
        return [self.figures[k] for k in keys if k in self.figures]

    def of_plugin(self, plugin: str) -> list[Any]:
        return [f for k, f in self.figures.items() if k.split(".", 1)[0] == plugin]

    def summary(self, table_id: str, title: str, figures: Sequence[Any]) -> Table:
        return summary(table_id, title, figures, self.currency, self.before, self.user, self.only_user)

    def managers(self, table_id: str, title: str, figures: Sequence[Any], chart_key: str = "") -> Table | None:
        """The per-manager table of ``figures`` (those with a per-user part), with a bar chart of one of them."""
        figures = [f for f in figures if f.value is None or f.value.by_user or f.value.total is not None]
        if not figures:
            return None
        visible = self.visible if not self.only_user else (lambda u: u == self.user)
        table = by_manager(table_id, title, figures, self.currency, self.names, visible)
        chosen = next((i for i, f in enumerate(figures) if f.metric.key == chart_key), 0)
        column = table.columns[chosen + 1]
        bars = [(str(row[0]), row[chosen + 1]) for row in table.rows if row[chosen + 1] is not FAILED]
        table.chart = charts.bars(f"{column.label} — {title}", bars, formatter(column))
        return table


@dataclass(frozen=True)
class Report:
    slug: str
    title: Any
    intro: Any
    #: the keys of the figures the page asks for, given the metrics the dealer's modules declare
    wants: Callable[[Sequence[Any]], list[str]]
    build: Callable[[Board], list[Table]]
    #: the breakdowns the page lays out (``None``: every one the figures offer); fewer asked, fewer queries
    breakdowns: tuple[str, ...] | None = None


def _plugin_keys(*plugins: str) -> Callable[[Sequence[Any]], list[str]]:
    return lambda metrics: [m.key for m in metrics if m.key.split(".", 1)[0] in plugins]


def _efficiency(board: Board) -> list[Table]:
    figures = board.pick(EFFICIENCY)
    tables = [t for t in [board.managers("managers", _("Per manager"), figures, "leads.received")] if t]
    revenue = board.pick(["orders.revenue"])
    if revenue and tables:
        second = board.managers("revenue", _("Revenue per manager"), revenue)
        if second:
            tables.append(second)
    tables.append(board.summary("summary", _("Dealer totals"), figures))
    return tables


def _funnel_chart(table: Table) -> None:
    steps = [(str(r[0]), r[1]) for r in table.rows]
    table.chart = charts.funnel(table.title, steps, formatter(Column("", "", "count")),
                                formatter(Column("", "", "percent")))


def _funnels(board: Board, figures: Sequence[Any]) -> list[Table]:
    tables = []
    for name, steps in funnel_steps(figures).items():
        title = _("Funnel: %(first)s → %(last)s") % {"first": steps[0].metric.label, "last": steps[-1].metric.label}
        table = funnel_table(f"funnel-{name}", title, steps, board.user, board.only_user)
        _funnel_chart(table)
        tables.append(table)
    return tables


def code_label(code: Any, labels: Mapping[Any, Any] | None = None) -> str:
    """A breakdown's stored code as a row label: the metric's own label for it (``Metric.labels``, translated),
    else the code made readable ("walk_in" -> "Walk in")."""
    if code is None:
        return _("Not set")
    label = (labels or {}).get(code)
    if label is not None:
        return str(label)
    text = str(code).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else "—"


def labels_of(figures: Sequence[Any], dimension: str) -> dict[Any, Any]:
    """The labels the figures' metrics give the codes of ``dimension`` (an older metric gives none)."""
    found: dict[Any, Any] = {}
    for figure in figures:
        found.update((getattr(figure.metric, "labels", None) or {}).get(dimension, {}))
    return found


def _breakdowns(board: Board, figures: Sequence[Any]) -> list[Table]:
    """A table per breakdown the figures offer (``MetricValue.by``: source, category, status …), a column per figure.

    The dimension's rows are every code any of the figures has; a figure
    without a code's rows shows its empty value there (0 for counts and sums).
    """
    dimensions: dict[str, list[Any]] = {}
    for figure in figures:
        for dimension in (getattr(figure.value, "by", None) or {}):
            dimensions.setdefault(dimension, []).append(figure)
    tables = []
    for dimension, with_it in dimensions.items():
        columns = [Column("part", _dimension(dimension).capitalize())] + [
            unit_column(f, board.currency) for f in with_it]
        title = _("By %(dimension)s") % {"dimension": _dimension(dimension)}
        table = Table(f"by-{dimension}", title, columns)
        codes: list[Any] = []
        for figure in with_it:
            codes += [c for c in figure.value.by[dimension] if c not in codes]
        codes.sort(key=lambda c: (c is None, str(c)))
        labels = labels_of(with_it, dimension)
        for code in codes:
            table.rows.append([code_label(code, labels)] + [
                f.value.by[dimension].get(code, getattr(f.metric, "empty", 0)) for f in with_it])
            table.row_keys.append("none" if code is None else code)
        table.chart = charts.bars(f"{columns[1].label} — {title}", [(str(r[0]), r[1]) for r in table.rows],
                                  formatter(columns[1]))
        tables.append(table)
    return tables


def _dimension(name: str) -> str:
    return str({"source": _("source"), "category": _("product category"), "status": _("status"),
                "user": _("manager"), "temperature": _("temperature"), "kind": _("kind"),
                "currency": _("currency"), "method": _("payment method"), "desk": _("cash desk or bank"),
                "state": _("state")}.get(name, name))


def _funnel_page(board: Board) -> list[Table]:
    figures = board.of_plugin("leads")
    tables = _funnels(board, figures)
    speed = [f for f in figures if f.metric.unit in ("seconds", "percent")]
    if speed:
        tables.append(board.summary("speed", _("Speed to lead"), speed))
        per = board.managers("speed-managers", _("Speed to lead per manager"), speed)
        if per:
            tables.append(per)
    tables += _breakdowns(board, speed + [f for f in figures if f.metric.funnel])
    rest = [f for f in figures if f not in speed and not f.metric.funnel]
    if rest:
        tables.append(board.summary("leads-other", _("Other lead figures"), rest))
    return tables


def _family(board: Board, counts: str, money: str, title: str, table_id: str) -> Table | None:
    keys = [k for k in board.figures if k.startswith(counts)]
    if not keys:
        return None
    columns = [Column("part", _("Part")), Column("count", _("Count"), "count")]
    if money:
        columns.append(Column("money", _("Revenue"), "money", board.currency))
    table = Table(table_id, str(title), columns)
    for key in keys:
        figure = board.figures[key]
        row = [str(figure.metric.label).split(": ", 1)[-1], value_for(figure, board.user, board.only_user)]
        if money:
            row.append(value_for(board.figures.get(money + key[len(counts):]), board.user, board.only_user))
        table.rows.append(row)
        table.row_keys.append(key[len(counts):])
    table.chart = charts.bars(str(title), [(r[0], r[1]) for r in table.rows if r[1] is not FAILED],
                              formatter(columns[1]))
    return table


def _sales_keys(metrics: Sequence[Any]) -> list[str]:
    """The orders figures; the per-status and per-source ones only if the main ones do not break down by those."""
    mine = [m for m in metrics if m.key.split(".", 1)[0] == "orders"]
    breaks_down = any(m.key == "orders.placed" and getattr(m, "breakdowns", ()) for m in mine)
    return [m.key for m in mine if not _in_family(m.key) or not breaks_down]


def _in_family(key: str) -> bool:
    return any(key.startswith(prefix) for family in ORDER_FAMILIES for prefix in family[:2] if prefix)


def _sales(board: Board) -> list[Table]:
    figures = [f for f in board.of_plugin("orders") if not _in_family(f.metric.key)]
    tables = [board.summary("summary", _("Sales"), figures)]
    managers = board.managers("managers", _("Per manager"), [f for f in figures if f.metric.unit in (
        "count", "money") and not f.metric.funnel], "orders.revenue")
    if managers:
        tables.append(managers)
    breakdowns = _breakdowns(board, figures)
    if not breakdowns:  # an orders plugin of the first contract: its per-status and per-source figures
        for i, (counts, money, title) in enumerate(ORDER_FAMILIES):
            table = _family(board, counts, money, str(title), f"family-{i}")
            if table:
                tables.append(table)
    tables += breakdowns
    tables += _funnels(board, figures)
    return tables


def _customers(board: Board) -> list[Table]:
    """The customer base (new, current and potential, temperature, sources, blacklist), then follow-up efficiency."""
    every = board.of_plugin("customers")
    if not every:
        return []
    followups = [f for f in every if ".followup" in f.metric.key]
    base = [f for f in every if f not in followups]
    tables = [board.summary("summary", _("Customers"), base)] if base else []
    tables += _breakdowns(board, base)
    if followups:
        tables.append(board.summary("followups", _("Follow-up efficiency"), followups))
        per = board.managers("followups-managers", _("Follow-ups per manager"), followups,
                             "customers.followups_on_time")
        if per:
            tables.append(per)
    new = board.managers("managers", _("New customers per manager"), board.pick(["customers.new"]))
    if new:
        tables.append(new)
    tables += _funnels(board, every)
    return tables


def _others(board: Board) -> list[Table]:
    tables = []
    plugins = sorted({k.split(".", 1)[0] for k in board.figures} - set(KNOWN))
    for plugin in plugins:
        figures = board.of_plugin(plugin)
        tables.append(board.summary(f"plugin-{plugin}", _("Module: %(name)s") % {"name": plugin}, figures))
        managers = board.managers(f"plugin-{plugin}-managers", _("%(name)s per manager") % {"name": plugin},
                                  figures)
        if managers:
            tables.append(managers)
        tables += _breakdowns(board, figures)
    return tables


REPORTS: dict[str, Report] = {r.slug: r for r in (
    Report("efficiency", _l("Manager efficiency"), _l(
        "Per manager: leads handled, contacted within a day, contracts, orders, revenue, average order."),
        lambda metrics: [k for k in EFFICIENCY if k in {m.key for m in metrics}], _efficiency, ()),
    Report("funnel", _l("Lead funnel and speed to lead"), _l(
        "From a new lead to a contract, with the conversion between steps; how fast leads are first reached."),
        _plugin_keys("leads"), _funnel_page, ("source",)),
    Report("sales", _l("Sales performance"), _l(
        "Orders and revenue by status, source and manager; payments received."),
        _sales_keys, _sales),
    Report("customers", _l("Customer analysis"), _l(
        "New customers, current and potential, temperature, sources, blacklist; follow-up efficiency."),
        _plugin_keys("customers"), _customers),
    Report("other", _l("Other modules"), _l("Figures of the other modules this dealer has switched on."),
        lambda metrics: [m.key for m in metrics if m.key.split(".", 1)[0] not in KNOWN], _others),
)}
