"""The leads plugin's figures for reports (``report_metrics``): the lead funnel, speed to lead, workload.

Period figures are about the leads *received* in the period (a cohort): of
the leads that came in in November, how many were contacted, signed, won —
so a lead counts once, whenever the later steps happened. Figures are
attributed to the lead's assignee (``None``: unassigned). Every query is an
index range on ``(dealer_id, created_at)`` or ``(dealer_id, status)``.
"""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

from piccolo.query.functions.aggregate import Count

from forecourt import Context, Metric, MetricValue, Period, now
from forecourt import lazy_gettext as _l
from plugins.leads.tables import Lead

#: a new lead should be contacted within this time (speed to lead)
CONTACT_WITHIN = dt.timedelta(days=1)
OPPORTUNITY = ("qualified", "test_drive", "offer", "negotiation", "won", "lost")
OPEN = ("new", "awaiting_visit", "contract_signed", "postponed", "watching", "qualified", "test_drive", "offer",
        "negotiation")


def _received(period: Period) -> Any:
    return (Lead.created_at >= period.start) & (Lead.created_at < period.end)


async def _count(ctx: Context, where: Any) -> MetricValue:
    rows = await Lead.scoped(ctx.dealer_id).select(Lead.assignee_id, Count()).where(where).group_by(
        Lead.assignee_id)
    by_user = {row["assignee_id"]: row["count"] for row in rows}
    return MetricValue(sum(by_user.values()), by_user)


def _cohort_count(condition: Any = None):
    async def compute(ctx: Context, period: Period) -> MetricValue:
        where = _received(period)
        return await _count(ctx, where if condition is None else where & condition)
    return compute


async def _response_time(ctx: Context, period: Period) -> MetricValue:
    """Median seconds from a lead's arrival to its first successful contact."""
    rows = await Lead.scoped(ctx.dealer_id).select(Lead.assignee_id, Lead.created_at, Lead.contacted_at).where(
        _received(period) & Lead.contacted_at.is_not_null())
    waits: dict[int | None, list[float]] = {}
    for row in rows:
        waits.setdefault(row["assignee_id"], []).append((row["contacted_at"] - row["created_at"]).total_seconds())
    every = [w for user_waits in waits.values() for w in user_waits]
    return MetricValue(statistics.median(every) if every else None,
                       {user: statistics.median(w) for user, w in waits.items()})


async def _contacted_in_time(ctx: Context, period: Period) -> MetricValue:
    """Share (%) of the leads received whose first contact came within a day; a lead not yet due is left out."""
    rows = await Lead.scoped(ctx.dealer_id).select(Lead.assignee_id, Lead.created_at, Lead.contacted_at).where(
        _received(period))
    moment = now()
    tally: dict[int | None, list[int]] = {}
    for row in rows:
        deadline = row["created_at"] + CONTACT_WITHIN
        if row["contacted_at"] is None and deadline > moment:
            continue  # still has time
        in_time = row["contacted_at"] is not None and row["contacted_at"] <= deadline
        tally.setdefault(row["assignee_id"], [0, 0])[0 if in_time else 1] += 1
    share = {user: round(100 * good / (good + late), 1) for user, (good, late) in tally.items()}
    good = sum(g for g, _ in tally.values())
    total = good + sum(late for _, late in tally.values())
    return MetricValue(round(100 * good / total, 1) if total else None, share)


async def _open_now(ctx: Context, period: Period) -> MetricValue:
    return await _count(ctx, Lead.status.is_in(list(OPEN)))


async def _waiting_now(ctx: Context, period: Period) -> MetricValue:
    return await _count(ctx, (Lead.status == "new") & Lead.contacted_at.is_null()
                        & (Lead.created_at < now() - CONTACT_WITHIN))


METRICS = (
    Metric("leads.received", _l("Leads received"), _cohort_count(), funnel="leads", step=1,
           description=_l("Leads that came in during the period, by assignee.")),
    Metric("leads.contacted", _l("Leads contacted"), _cohort_count(Lead.contacted_at.is_not_null()),
           funnel="leads", step=2, description=_l("Of the leads received, those reached at least once.")),
    Metric("leads.contract_signed", _l("Contracts signed"), _cohort_count(Lead.contract_signed_at.is_not_null()),
           funnel="leads", step=3, description=_l("Of the leads received, those with a signed contract.")),
    Metric("leads.qualified", _l("Sales opportunities"), _cohort_count(Lead.status.is_in(list(OPPORTUNITY))),
           funnel="opportunities", step=1,
           description=_l("Of the leads received, those qualified as a sales opportunity.")),
    Metric("leads.won", _l("Opportunities won"), _cohort_count(Lead.status == "won"), funnel="opportunities",
           step=2, description=_l("Of the leads received, the opportunities won.")),
    Metric("leads.lost", _l("Leads lost"), _cohort_count(Lead.status.is_in(["lost", "refused", "discarded"])),
           description=_l("Of the leads received, those lost, refused or discarded.")),
    Metric("leads.response_time", _l("Time to first contact (median)"), _response_time, unit="seconds",
           description=_l("From a lead's arrival to its first successful contact (speed to lead).")),
    Metric("leads.contacted_in_time", _l("Contacted within a day"), _contacted_in_time, unit="percent",
           description=_l("Share of the leads received whose first contact came within a day.")),
    Metric("leads.open", _l("Open leads"), _open_now, snapshot=True,
           description=_l("Leads being worked on now, by assignee.")),
    Metric("leads.waiting", _l("Waiting more than a day for a first contact"), _waiting_now, snapshot=True,
           description=_l("New leads nobody has reached for more than a day, now.")),
)
