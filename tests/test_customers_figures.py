"""Every customers figure against an independent SQL count on a seeded dealer (both engines): new customers
(by owner, status, temperature, source; series), the base now, blacklisted, and follow-ups made, due, done on
time and overdue, by manager."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from forecourt import Period, compute_metric_series, compute_metrics, now, system_context
from plugins.customers.tables import Customer, FollowUp

PRAGUE = ZoneInfo("Europe/Prague")
UTC = dt.UTC
GRACE = dt.timedelta(days=1)


async def _seed(dealer_id: int, users: list[int | None], start: dt.datetime, days: int, count: int) -> None:
    rng = random.Random(dealer_id)
    for number in range(1, count + 1):
        created = start + dt.timedelta(minutes=rng.randrange(days * 24 * 60))
        row = await Customer.scoped(dealer_id).insert(
            number=number, name=f"Customer {number}", phone=f"+42060100{number:04d}", name_key=f"customer {number}",
            name_key2=f"{number} customer", status=rng.choice(("potential", "current")),
            temperature=rng.choice(("hot", "warm", "cold", "not_interested")),
            source=rng.choice(("walk_in", "phone", "website")), owner_id=rng.choice(users),
            blacklisted=rng.random() < .1, invalid=rng.random() < .1, created_at=created, updated_at=created,
            next_followup_at=now() + dt.timedelta(days=rng.randrange(-20, 20)) if rng.random() < .6 else None)
        at = created
        for _ in range(rng.randrange(0, 4)):
            planned = at + dt.timedelta(hours=rng.randrange(24, 24 * 12)) if rng.random() < .8 else None
            await FollowUp.scoped(dealer_id).insert(customer_id=row.id, method=rng.choice(("call", "visit")),
                                                    content="Talked", at=at, next_at=planned,
                                                    author_id=rng.choice(users))
            # the next one comes early, on time, a bit late or much later
            gap = rng.choice((-10, 5, 30, 200)) if planned else 30
            at = (planned or at) + dt.timedelta(hours=gap)
            if at <= created:
                at = created + dt.timedelta(minutes=1)


def _aware(value) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def _sql(sql: str, *params) -> list[dict]:
    return await Customer.raw(sql, *params)


async def test_every_customer_figure_equals_an_sql_count(make_dealer):
    dealer, other = await make_dealer(modules=["customers"]), await make_dealer(modules=["customers"])
    me, boss = dealer.users["manager"].id, dealer.users["dealer_admin"].id
    period = Period.days(dt.date(2026, 3, 16), dt.date(2026, 4, 12), PRAGUE)
    begin = period.start - dt.timedelta(days=10)
    await _seed(dealer.id, [me, boss, None], begin, 40, 120)
    await _seed(other.id, [None], begin, 40, 30)
    ctx = system_context(dealer.id, frozenset(dealer.modules), timezone="Europe/Prague")
    figures = {f.metric.key: f.value for f in await compute_metrics(ctx, period)}
    mine = {f.metric.key: f.value for f in await compute_metrics(ctx, period, filters={"user_id": me})}
    weekly = {s.metric.key: s.points for s in await compute_metric_series(ctx, period, "week")}
    valid = "dealer_id = {} AND invalid = {}"
    created = f"{valid} AND created_at >= {{}} AND created_at < {{}}"
    base = (dealer.id, False, period.start, period.end)

    new = figures["customers.new"]
    for name in ("owner_id", "status", "temperature", "source"):
        rows = await _sql(f"SELECT {name} AS k, COUNT(*) AS n FROM customers_customer WHERE {created} "
                          f"GROUP BY {name}", *base)
        got = new.by_user if name == "owner_id" else new.by[name]
        assert dict(got) == {r["k"]: r["n"] for r in rows}, name
    assert new.total == sum(new.by_user.values()) > 30
    assert mine["customers.new"].total == (await _sql(
        f"SELECT COUNT(*) AS n FROM customers_customer WHERE {created} AND owner_id = {{}}", *base, me))[0]["n"]
    weeks: dict[dt.date, int] = {}
    for r in await _sql(f"SELECT created_at FROM customers_customer WHERE {created}", *base):
        day = _aware(r["created_at"]).astimezone(PRAGUE).date()
        weeks[day - dt.timedelta(days=day.weekday())] = weeks.get(day - dt.timedelta(days=day.weekday()), 0) + 1
    assert [v for _d, v in weekly["customers.new"]] == [weeks.get(d, 0) for d, _v in weekly["customers.new"]]

    # the base as it stands now
    for key, condition in (("customers.total", "1 = 1"), ("customers.current", "status = 'current'"),
                           ("customers.potential", "status = 'potential'"),
                           ("customers.blacklisted", "blacklisted = {}")):
        params = (dealer.id, False, True) if "{}" in condition else (dealer.id, False)
        rows = await _sql(f"SELECT temperature AS k, COUNT(*) AS n FROM customers_customer WHERE {valid} "
                          f"AND {condition} GROUP BY temperature", *params)
        assert dict(figures[key].by["temperature"]) == {r["k"]: r["n"] for r in rows}, key
        assert figures[key].total == sum(r["n"] for r in rows), key
    overdue_now = await _sql(f"SELECT owner_id AS k, COUNT(*) AS n FROM customers_customer WHERE {valid} "
                             "AND blacklisted = {} AND next_followup_at < {} GROUP BY owner_id", dealer.id, False,
                             False, now())
    assert dict(figures["customers.followups_overdue_now"].by_user) == {r["k"]: r["n"] for r in overdue_now}

    # follow-ups made in the period, by who made them
    made = await _sql("SELECT f.author_id AS k, COUNT(*) AS n FROM customers_followup f JOIN customers_customer c "
                      "ON c.id = f.customer_id WHERE f.dealer_id = {} AND c.invalid = {} AND f.at >= {} AND f.at < {} "
                      "GROUP BY f.author_id", *base)
    assert dict(figures["customers.followups_done"].by_user) == {r["k"]: r["n"] for r in made}
    assert sum(v for _d, v in weekly["customers.followups_done"]) == figures["customers.followups_done"].total

    # due in the period; on time when the customer's next follow-up came by a day after the planned time
    due = await _sql("SELECT f.customer_id AS customer, f.at, f.next_at, c.owner_id AS owner FROM customers_followup f "
                     "JOIN customers_customer c ON c.id = f.customer_id WHERE f.dealer_id = {} AND c.invalid = {} "
                     "AND f.next_at >= {} AND f.next_at < {}", *base)
    every = await _sql("SELECT customer_id AS customer, at FROM customers_followup WHERE dealer_id = {}", dealer.id)
    on_time: dict[int | None, int] = {}
    overdue: dict[int | None, int] = {}
    for row in due:
        deadline = _aware(row["next_at"]) + GRACE
        done = any(r["customer"] == row["customer"] and _aware(row["at"]) < _aware(r["at"]) <= deadline
                   for r in every)
        into = on_time if done else overdue if deadline <= now() else {}
        into[row["owner"]] = into.get(row["owner"], 0) + 1
    assert figures["customers.followups_due"].total == len(due) > 10
    assert dict(figures["customers.followups_on_time"].by_user) == on_time
    assert dict(figures["customers.followups_overdue"].by_user) == overdue
    good, late = sum(on_time.values()), sum(overdue.values())
    assert good and late and figures["customers.followups_on_time_share"].total == round(100 * good / (good + late), 1)
    assert mine["customers.followups_on_time"].total == on_time.get(me, 0)
