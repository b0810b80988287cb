"""Every leads figure against an independent SQL count on a seeded dealer (both engines): totals, by
assignee, by source, filtered by manager and source, and series by week in the dealer's zone."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from zoneinfo import ZoneInfo

from core.context import system_context
from forecourt import Period, compute_metric_series, compute_metrics, now
from plugins.leads.tables import Lead

PRAGUE = ZoneInfo("Europe/Prague")
UTC = dt.UTC
STATUSES = ("new", "awaiting_visit", "contract_signed", "postponed", "qualified", "test_drive", "offer", "won", "lost",
            "refused", "discarded")
#: what each cohort figure counts, written here again in plain SQL
COUNTED = {
    "leads.received": "1 = 1",
    "leads.contacted": "contacted_at IS NOT NULL",
    "leads.visited": "contract_signed_at IS NOT NULL OR status IN ('contract_signed', 'test_drive', 'offer', "
                     "'negotiation', 'won') OR (status = 'refused' AND contacted_at IS NOT NULL)",
    "leads.contract_signed": "contract_signed_at IS NOT NULL",
    "leads.handled": "status <> 'new'",
    "leads.qualified": "status IN ('qualified', 'test_drive', 'offer', 'negotiation', 'won', 'lost')",
    "leads.won": "status = 'won'",
    "leads.lost": "status IN ('lost', 'refused', 'discarded')",
}


async def _seed(dealer_id: int, users: list[int | None], start: dt.datetime, days: int, count: int) -> None:
    rng = random.Random(dealer_id)
    for _ in range(count):
        created = start + dt.timedelta(minutes=rng.randrange(days * 24 * 60))
        status = rng.choice(STATUSES)
        contacted = created + dt.timedelta(minutes=rng.randrange(5, 3000)) if status != "new" or rng.random() < .2 \
            else None
        signed = contacted + dt.timedelta(days=2) if status == "contract_signed" and contacted else None
        await Lead(dealer_id=dealer_id, surname="Novák", model="Octavia", source=rng.choice(("web", "phone", "fair")),
                   request_type="test_drive", status=status, assignee_id=rng.choice(users), created_at=created,
                   updated_at=created, contacted_at=contacted, contract_signed_at=signed, name_key="novák").save()


async def _sql(sql: str, *params) -> list[dict]:
    return await Lead.raw(sql, *params)


async def test_every_lead_figure_equals_an_sql_count(make_dealer):
    dealer, other = await make_dealer(modules=["leads"]), await make_dealer(modules=["leads"])
    me, boss = dealer.users["manager"].id, dealer.users["dealer_admin"].id
    period = Period.days(dt.date(2026, 3, 16), dt.date(2026, 4, 12), PRAGUE)  # four weeks across the DST change
    begin = period.start - dt.timedelta(days=5)
    await _seed(dealer.id, [me, boss, None], begin, 38, 160)
    await _seed(other.id, [None], begin, 38, 40)  # another dealer's leads never count
    ctx = system_context(dealer.id, frozenset(dealer.modules), timezone="Europe/Prague")
    figures = {f.metric.key: f.value for f in await compute_metrics(ctx, period)}
    mine = {f.metric.key: f.value for f in await compute_metrics(ctx, period, filters={"user_id": me,
                                                                                        "source": "web"})}
    # without breakdowns (the efficiency page): grouped by fewer keys, the same totals and per-manager parts
    for f in await compute_metrics(ctx, period, breakdowns=()):
        assert (f.value.total, dict(f.value.by_user), f.value.by) == (
            figures[f.metric.key].total, dict(figures[f.metric.key].by_user), {}), f.metric.key
    weekly = {s.metric.key: s.points for s in await compute_metric_series(ctx, period, "week")}
    cohort = "dealer_id = {} AND created_at >= {} AND created_at < {}"
    base = (dealer.id, period.start, period.end)
    for key, condition in COUNTED.items():
        where = f"{cohort} AND ({condition})"
        total = (await _sql(f"SELECT COUNT(*) AS n FROM leads_lead WHERE {where}", *base))[0]["n"]
        by_user = {r["k"]: r["n"] for r in await _sql(
            f"SELECT assignee_id AS k, COUNT(*) AS n FROM leads_lead WHERE {where} GROUP BY assignee_id", *base)}
        by_source = {r["k"]: r["n"] for r in await _sql(
            f"SELECT source AS k, COUNT(*) AS n FROM leads_lead WHERE {where} GROUP BY source", *base)}
        narrowed = (await _sql(f"SELECT COUNT(*) AS n FROM leads_lead WHERE {where} AND assignee_id = {{}} "
                               "AND source = {}", *base, me, "web"))[0]["n"]
        assert figures[key].total == total and dict(figures[key].by_user) == by_user, key
        assert dict(figures[key].by["source"]) == by_source, key
        assert mine[key].total == narrowed, key
        weeks: dict[dt.date, int] = {}
        for row in await _sql(f"SELECT created_at FROM leads_lead WHERE {where}", *base):
            day = _aware(row["created_at"]).astimezone(PRAGUE).date()
            monday = day - dt.timedelta(days=day.weekday())
            weeks[monday] = weeks.get(monday, 0) + 1
        assert [value for _day, value in weekly[key]] == [weeks.get(d, 0) for d, _v in weekly[key]], key
        assert sum(weeks.values()) == total and len(weekly[key]) == 4, key
    assert figures["leads.received"].total > 50 and figures["leads.contract_signed"].total > 0

    # speed to lead: median and 90th percentile of the seconds to first contact, per manager and source
    rows = await _sql(f"SELECT assignee_id, source, created_at, contacted_at FROM leads_lead WHERE {cohort} "
                      "AND contacted_at IS NOT NULL", *base)
    waits = [(_aware(r["contacted_at"]) - _aware(r["created_at"])).total_seconds() for r in rows]
    assert figures["leads.response_time"].total == statistics.median(waits)
    assert figures["leads.response_time_p90"].total == statistics.quantiles(waits, n=10, method="inclusive")[8]
    mine_waits = [(_aware(r["contacted_at"]) - _aware(r["created_at"])).total_seconds() for r in rows
                  if r["assignee_id"] == me]
    assert figures["leads.response_time"].by_user[me] == statistics.median(mine_waits)
    web_waits = [(_aware(r["contacted_at"]) - _aware(r["created_at"])).total_seconds() for r in rows
                 if r["source"] == "web"]
    assert figures["leads.response_time"].by["source"]["web"] == statistics.median(web_waits)

    # contacted within a day (all are long due): share of the leads received
    every = await _sql(f"SELECT created_at, contacted_at FROM leads_lead WHERE {cohort}", *base)
    good = sum(1 for r in every if r["contacted_at"] is not None
               and _aware(r["contacted_at"]) <= _aware(r["created_at"]) + dt.timedelta(days=1))
    assert figures["leads.contacted_in_time"].total == round(100 * good / len(every), 1)

    # snapshots: as things stand now, whatever the period
    open_now = (await _sql("SELECT COUNT(*) AS n FROM leads_lead WHERE dealer_id = {} AND status IN ('new', "
                           "'awaiting_visit', 'contract_signed', 'postponed', 'watching', 'qualified', 'test_drive', "
                           "'offer', 'negotiation')", dealer.id))[0]["n"]
    waiting = (await _sql("SELECT COUNT(*) AS n FROM leads_lead WHERE dealer_id = {} AND status = 'new' "
                          "AND contacted_at IS NULL AND created_at < {}", dealer.id,
                          now() - dt.timedelta(days=1)))[0]["n"]
    assert figures["leads.open"].total == open_now and figures["leads.waiting"].total == waiting


def _aware(value) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
