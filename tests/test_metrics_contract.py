"""The metric contract (core/metrics.py, core/metric_buckets.py) on a real database: buckets in the dealer's
zone (across a daylight-saving change), series, breakdowns, filters, an old-style metric, a failing one."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.db import engine_kind
from core.metric_buckets import Buckets, offsets
from forecourt import (
    Period,
)
from plugins.leads.tables import Lead

PRAGUE = ZoneInfo("Europe/Prague")
UTC = dt.UTC


async def _lead(dealer_id: int, at: dt.datetime, **values) -> int:
    row = Lead(dealer_id=dealer_id, surname="Novák", model="Octavia", source=values.pop("source", "web"),
               request_type="test_drive", created_at=at, updated_at=at, name_key="novák", **values)
    await row.save()
    return row.id


def test_offsets_find_the_daylight_saving_changes_of_a_zone():
    start = dt.datetime(2026, 1, 1, tzinfo=UTC)
    found = offsets(start, dt.datetime(2027, 1, 1, tzinfo=UTC), PRAGUE)
    assert found == [(start, 3600), (dt.datetime(2026, 3, 29, 1, tzinfo=UTC), 7200),
                     (dt.datetime(2026, 10, 25, 1, tzinfo=UTC), 3600)]
    assert offsets(start, dt.datetime(2026, 2, 1, tzinfo=UTC), UTC) == [(start, 0)]


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
