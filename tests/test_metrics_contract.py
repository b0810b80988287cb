"""The metric contract (core/metrics.py, core/metric_buckets.py) on a real database: buckets in the dealer's
zone (across a daylight-saving change), series, breakdowns, filters, an old-style metric, a failing one."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.context import system_context
from core.db import engine_kind
from core.metric_buckets import Buckets
from core.tables import HookFailure
from forecourt import Period, compute_metric_series, compute_metrics
from plugins.leads.tables import Lead

PRAGUE = ZoneInfo("Europe/Prague")
UTC = dt.UTC


async def _lead(dealer_id: int, at: dt.datetime, **values) -> int:
    row = Lead(dealer_id=dealer_id, surname="Novák", model="Octavia", source=values.pop("source", "web"),
               request_type="test_drive", created_at=at, updated_at=at, name_key="novák", **values)
    await row.save()
    return row.id


def test_buckets_list_every_bucket_of_the_period_by_its_first_local_day():
    period = Period.days(dt.date(2026, 3, 4), dt.date(2026, 4, 2), PRAGUE)  # a Wednesday to a Thursday
    week = Buckets("week", period.start, period.end, PRAGUE, "sqlite").days()
    assert week[0] == dt.date(2026, 3, 2) and week[-1] == dt.date(2026, 3, 30) and len(week) == 5
    assert Buckets("month", period.start, period.end, PRAGUE, "sqlite").days() == [dt.date(2026, 3, 1),
                                                                                 dt.date(2026, 4, 1)]
    assert len(Buckets("day", period.start, period.end, PRAGUE, "postgres").days()) == 30
    with pytest.raises(ValueError):
        Buckets("year", period.start, period.end, PRAGUE, "sqlite")
    with pytest.raises(ValueError):
        Buckets("day", period.start, period.start + dt.timedelta(days=5000), PRAGUE, "sqlite")


@pytest.mark.parametrize("bucket", ["day", "week", "month"])
async def test_a_bucket_is_the_dealers_local_day_on_this_engine(make_dealer, bucket):
    dealer = await make_dealer(modules=["leads"])
    # moments near local midnights, on both sides of the spring and autumn changes, and a month's end
    moments = [dt.datetime(2026, 3, 28, 22, 59, tzinfo=UTC), dt.datetime(2026, 3, 28, 23, 0, tzinfo=UTC),
               dt.datetime(2026, 3, 29, 21, 59, 59, tzinfo=UTC), dt.datetime(2026, 3, 29, 22, 0, tzinfo=UTC),
               dt.datetime(2026, 3, 31, 21, 30, tzinfo=UTC), dt.datetime(2026, 3, 31, 22, 30, tzinfo=UTC),
               dt.datetime(2026, 10, 24, 21, 59, tzinfo=UTC), dt.datetime(2026, 10, 24, 22, 0, tzinfo=UTC),
               dt.datetime(2026, 10, 25, 22, 59, 59, 500000, tzinfo=UTC), dt.datetime(2026, 10, 25, 23, 0, tzinfo=UTC),
               dt.datetime(2026, 11, 1, 22, 59, tzinfo=UTC), dt.datetime(2026, 11, 1, 23, 0, tzinfo=UTC)]
    for moment in moments:
        await _lead(dealer.id, moment)
    period = Period.days(dt.date(2026, 3, 1), dt.date(2026, 11, 30), PRAGUE)
    buckets = Buckets(bucket, period.start, period.end, PRAGUE, engine_kind())
    expr, params = buckets.sql("created_at")
    rows = await Lead.raw(f"SELECT {expr} AS bucket, COUNT(*) AS n FROM leads_lead WHERE dealer_id = {{}} "
                          "AND created_at >= {} AND created_at < {} GROUP BY 1", *params, dealer.id,
                          period.start, period.end)
    got = {Buckets.day(row["bucket"]): row["n"] for row in rows}
    expected: dict[dt.date, int] = {}
    for moment in moments:
        day = moment.astimezone(PRAGUE).date()
        first = {"day": day, "week": day - dt.timedelta(days=day.weekday()), "month": day.replace(day=1)}[bucket]
        expected[first] = expected.get(first, 0) + 1
    assert got == expected
    assert set(got) <= set(buckets.days())


@pytest.mark.parametrize("bucket", ["day", "week"])
async def test_a_bucket_is_right_where_the_zone_skips_or_repeats_local_midnight(make_dealer, bucket):
    """Santiago de Chile changes its clocks at midnight: on 2026-09-06 the day starts at 01:00, and on
    2026-04-04 the hour before midnight comes twice."""
    santiago = ZoneInfo("America/Santiago")
    dealer = await make_dealer(modules=["leads"])
    moments = [dt.datetime(2026, 4, 5, 2, 59, tzinfo=UTC), dt.datetime(2026, 4, 5, 3, 0, tzinfo=UTC),
               dt.datetime(2026, 4, 5, 3, 59, 59, tzinfo=UTC), dt.datetime(2026, 4, 5, 4, 0, tzinfo=UTC),
               dt.datetime(2026, 9, 6, 3, 59, 59, tzinfo=UTC), dt.datetime(2026, 9, 6, 4, 0, tzinfo=UTC),
               dt.datetime(2026, 9, 7, 2, 59, tzinfo=UTC), dt.datetime(2026, 9, 7, 3, 0, tzinfo=UTC)]
    for moment in moments:
        await _lead(dealer.id, moment)
    period = Period.days(dt.date(2026, 4, 1), dt.date(2026, 9, 30), santiago)
    expr, params = Buckets(bucket, period.start, period.end, santiago, engine_kind()).sql("created_at")
    rows = await Lead.raw(f"SELECT {expr} AS bucket, COUNT(*) AS n FROM leads_lead WHERE dealer_id = {{}} "
                          "AND created_at >= {} AND created_at < {} GROUP BY 1", *params, dealer.id,
                          period.start, period.end)
    expected: dict[dt.date, int] = {}
    for moment in moments:
        day = moment.astimezone(santiago).date()
        first = day if bucket == "day" else day - dt.timedelta(days=day.weekday())
        expected[first] = expected.get(first, 0) + 1
    assert {Buckets.day(row["bucket"]): row["n"] for row in rows} == expected
    # the same buckets as UTC ranges (a query per bucket): every moment in the range of its own bucket
    ranges = Buckets(bucket, period.start, period.end, santiago, engine_kind()).ranges()
    assert ranges[0][1] is None and ranges[-1][2] is None
    assert all(ranges[n][2] == ranges[n + 1][1] for n in range(len(ranges) - 1))
    for moment in moments:
        found = [day for day, since, until in ranges
                 if (since is None or moment >= since) and (until is None or moment < until)]
        local = moment.astimezone(santiago).date()
        first = local if bucket == "day" else local - dt.timedelta(days=local.weekday())
        assert found == [first.isoformat()], moment


async def _recorded(dealer_id: int, plugin: str) -> set[tuple[str, str]]:
    rows = await HookFailure.select(HookFailure.hook, HookFailure.error).where(
        (HookFailure.dealer_id == dealer_id) & (HookFailure.plugin == plugin))
    return {(row["hook"], row["error"]) for row in rows}


async def test_an_old_style_metric_still_works_and_a_failing_one_gives_none_also_as_a_series(make_dealer):
    from fc_deals.tables import Deal
    from fc_extra.tables import Mark

    dealer = await make_dealer(modules=["extra", "deals"])
    await Mark.scoped(dealer.id).insert(label="gold")
    inside, outside = dt.datetime(2026, 5, 10, 12, tzinfo=UTC), dt.datetime(2026, 6, 10, 12, tzinfo=UTC)
    for at in (inside, inside, outside, None):
        await Deal.scoped(dealer.id).insert(title="Deal", created_at=inside, signed_at=at)
    period = Period.days(dt.date(2026, 5, 1), dt.date(2026, 5, 31), PRAGUE)
    ctx = system_context(dealer.id, frozenset(dealer.modules), timezone="Europe/Prague")
    expected = (await Deal.raw("SELECT COUNT(*) AS n FROM deals_deal WHERE dealer_id = {} AND signed_at >= {} "
                               "AND signed_at < {}", dealer.id, period.start, period.end))[0]["n"]
    figures = {f.metric.key: f for f in await compute_metrics(ctx, period)}
    assert set(figures) == {"deals.signed", "extra.marks", "extra.broken"}
    signed = figures["deals.signed"]
    assert expected == 2 and signed.value.total == 2 and signed.value.by == {} and signed.value.currency == ""
    assert signed.metric.breakdowns == () and signed.metric.filters == () and signed.metric.series is None
    assert figures["extra.broken"].value is None and figures["extra.marks"].value.total == 1
    # filters an old metric cannot honour are said, not silently dropped
    filtered = {f.metric.key: f for f in await compute_metrics(ctx, period, filters={"user_id": 7, "source": "web"})}
    assert filtered["deals.signed"].unfiltered == ("source", "user_id") and filtered["deals.signed"].value.total == 2
    # a series: only metrics that have one; a failing one is None and recorded, like a figure
    series = {s.metric.key: s for s in await compute_metric_series(ctx, period, "week")}
    assert set(series) == {"extra.broken"} and series["extra.broken"].points is None
    recorded = await _recorded(dealer.id, "extra")
    assert ("report_metrics:extra.broken", "RuntimeError: extra cannot count by day either") in recorded
    assert ("report_metrics:extra.broken", "RuntimeError: extra cannot count today") in recorded
    with pytest.raises(ValueError):
        await compute_metric_series(ctx, period, "fortnight")


async def test_series_breakdowns_and_filters_of_a_new_style_metric(make_dealer):
    dealer = await make_dealer(modules=["leads"])
    me, boss = dealer.users["manager"].id, dealer.users["dealer_admin"].id
    # a Prague dealer: 23:30 UTC on 2 March is already the 3rd there
    seeded = [(dt.datetime(2026, 3, 2, 9, tzinfo=UTC), me, "web"),
              (dt.datetime(2026, 3, 2, 23, 30, tzinfo=UTC), me, "phone"),
              (dt.datetime(2026, 3, 31, 22, 30, tzinfo=UTC), boss, "web"),  # summer time: 00:30 on 1 April
              (dt.datetime(2026, 4, 20, 8, tzinfo=UTC), None, "web"),
              (dt.datetime(2026, 2, 27, 8, tzinfo=UTC), me, "web")]
    for at, who, source in seeded:
        await _lead(dealer.id, at, assignee_id=who, source=source)
    ctx = system_context(dealer.id, frozenset(dealer.modules), timezone="Europe/Prague")
    period = Period.days(dt.date(2026, 3, 1), dt.date(2026, 4, 30), PRAGUE)
    monthly = {s.metric.key: s for s in await compute_metric_series(ctx, period, "month", keys=["leads.received"])}
    assert monthly["leads.received"].points == ((dt.date(2026, 3, 1), 2), (dt.date(2026, 4, 1), 2))
    daily = (await compute_metric_series(ctx, period, "day", keys=["leads.received"]))[0].points
    assert len(daily) == 61 and sum(value for _day, value in daily) == 4
    assert dict(daily)[dt.date(2026, 3, 2)] == 1 and dict(daily)[dt.date(2026, 3, 3)] == 1  # 23:30 UTC: the 3rd
    assert dict(daily)[dt.date(2026, 3, 4)] == 0  # a day without leads is there, as 0
    web = (await compute_metric_series(ctx, period, "month", keys=["leads.received"], filters={"source": "web"}))[0]
    assert web.points == ((dt.date(2026, 3, 1), 1), (dt.date(2026, 4, 1), 2)) and web.unfiltered == ()
    [figure] = await compute_metrics(ctx, period, keys=["leads.received"])
    assert figure.value.total == 4 and dict(figure.value.by["source"]) == {"web": 3, "phone": 1}
    assert dict(figure.value.by_user) == {me: 2, boss: 1, None: 1}
    [mine] = await compute_metrics(ctx, period, keys=["leads.received"], filters={"user_id": me})
    assert mine.value.total == 2 and dict(mine.value.by["source"]) == {"web": 1, "phone": 1}
    [nobody] = await compute_metrics(ctx, period, keys=["leads.received"], filters={"user_id": None})
    assert nobody.value.total == 1
    [bare] = await compute_metrics(ctx, period, keys=["leads.received"], breakdowns=())
    assert bare.value.by == {} and bare.value.total == 4
    # a median has no value in an empty bucket (its `empty`), a count has 0
    [median] = await compute_metric_series(ctx, period, "month", keys=["leads.response_time"])
    assert median.points == ((dt.date(2026, 3, 1), None), (dt.date(2026, 4, 1), None))


async def test_a_memo_loads_once_per_key_shares_failures_and_outlives_a_waiter_that_gives_up():
    import asyncio

    from forecourt import MetricMemo

    memo, calls = MetricMemo(), []

    async def load():
        calls.append(1)
        await asyncio.sleep(0.05)
        return len(calls)

    async def broken():
        raise ValueError("no such table")

    impatient = asyncio.ensure_future(asyncio.wait_for(memo.once("rows", load), 0.01))
    assert await asyncio.gather(memo.once("rows", load), memo.once("rows", load)) == [1, 1]
    with pytest.raises(asyncio.TimeoutError):
        await impatient  # it gave up; the load it started went on for the others
    assert calls == [1] and await memo.once("other rows", load) == 2
    for _ in range(2):
        with pytest.raises(ValueError, match="no such table"):
            await memo.once("broken", broken)
    assert await MetricMemo().once("rows", load) == 3  # a new call of compute_metrics: a new memo
