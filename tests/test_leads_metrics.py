"""The leads plugin's figures for reports: the funnel of the leads received, speed to lead, workload."""

import datetime as dt

from test_leads import act, new_lead

from core.context import system_context
from forecourt import Period, compute_metric_series, compute_metrics
from plugins.leads.tables import Lead


async def figures(dealer, first: dt.date, last: dt.date) -> dict:
    ctx = system_context(dealer.id, frozenset(dealer.modules))
    return {f.metric.key: f.value for f in await compute_metrics(ctx, Period.days(first, last))}


async def test_lead_funnel_speed_to_lead_and_workload(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    me = dealer.users["manager"].id
    signed = await new_lead(manager)
    contacted = await new_lead(manager, phone="+420 601 000 002")
    late = await new_lead(manager, phone="+420 601 000 003")
    nobody = await new_lead(manager, phone="+420 601 000 004")
    lost = await new_lead(manager, phone="+420 601 000 005")
    assert (await manager.post(f"/leads/{nobody}/assign", data={"assignee": ""})).status_code == 303
    for lead_id in (signed, contacted):
        assert (await act(manager, lead_id, "contact_ok", "new")).status_code == 303
    assert (await act(manager, signed, "contract_signed", "awaiting_visit")).status_code == 303
    assert (await act(manager, lost, "discard", "new", reason="Duplicate", note="twice")).status_code == 303
    # one lead came in two days ago and nobody has reached it since
    two_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    await Lead.scoped(dealer.id).update({Lead.created_at: two_days_ago}).where(Lead.id == late)
    today = dt.datetime.now(dt.UTC).date()

    week = await figures(dealer, today - dt.timedelta(days=6), today)
    assert week["leads.received"].total == 5
    assert week["leads.received"].by_user == {me: 4, None: 1}
    assert week["leads.contacted"].total == 2 and week["leads.contract_signed"].total == 1
    assert week["leads.lost"].total == 1 and week["leads.qualified"].total == 0
    assert 0 <= week["leads.response_time"].total < 600 and set(week["leads.response_time"].by_user) == {me}
    # of the leads due for a first contact, two were reached in time and one was not; the rest still have time
    assert week["leads.contacted_in_time"].total == round(100 * 2 / 3, 1)
    assert week["leads.contacted_in_time"].by_user == {me: round(100 * 2 / 3, 1)}  # the unassigned one has time
    ctx = system_context(dealer.id, frozenset(dealer.modules))
    daily = {s.metric.key: dict(s.points) for s in await compute_metric_series(
        ctx, Period.days(today - dt.timedelta(days=6), today), "day", ["leads.contacted_in_time"])}
    assert {d: v for d, v in daily["leads.contacted_in_time"].items() if v is not None} == {
        today - dt.timedelta(days=2): 0.0, today: 100.0}  # today's two fresh ones are not due yet
    assert week["leads.open"].total == 4 and week["leads.open"].by_user == {me: 3, None: 1}
    assert week["leads.waiting"].total == 1 and week["leads.waiting"].by_user == {me: 1}

    # a period is a cohort of leads received: yesterday only has the late one in it
    yesterday = today - dt.timedelta(days=1)
    earlier = await figures(dealer, today - dt.timedelta(days=2), yesterday)
    assert earlier["leads.received"].total == 1 and earlier["leads.contacted"].total == 0
    assert earlier["leads.response_time"].total is None
    assert earlier["leads.open"].total == 4  # how things stand now, whatever the period


async def test_no_lead_figures_where_leads_is_off(make_dealer):
    dealer = await make_dealer(modules=["customers"])
    today = dt.datetime.now(dt.UTC).date()
    assert not [key for key in await figures(dealer, today, today) if key.startswith("leads.")]
