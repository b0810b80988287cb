"""The standing rollup (open and waiting leads) equals the leads themselves after any writes, folded or not,
with folds running while other transactions write (both engines)."""

from __future__ import annotations

import asyncio
import datetime as dt
import random

from core.context import system_context
from forecourt import compute_metrics, now, transaction
from plugins.leads.standing import fold
from plugins.leads.tables import Lead

STATUSES = ("new", "awaiting_visit", "contract_signed", "postponed", "qualified", "won", "lost", "discarded")
SOURCES = ("web", "phone", "")

TRUTH = ("SELECT status, assignee_id, source, COUNT(*) AS leads, "
         "SUM(CASE WHEN contacted_at IS NULL THEN 1 ELSE 0 END) AS uncontacted FROM leads_lead "
         "WHERE dealer_id = {} GROUP BY status, assignee_id, source")
ROLLUP = ("SELECT status, assignee_id, source, SUM(leads) AS leads, SUM(uncontacted) AS uncontacted "
          "FROM leads_standing WHERE dealer_id = {} GROUP BY status, assignee_id, source "
          "HAVING SUM(leads) <> 0 OR SUM(uncontacted) <> 0")


def _key(row: dict) -> tuple:
    return row["status"], row["assignee_id"], row["source"]


async def _table(sql: str, dealer_id: int) -> dict[tuple, tuple[int, int]]:
    return {_key(r): (int(r["leads"]), int(r["uncontacted"])) for r in await Lead.raw(sql, dealer_id)}


async def _new_lead(rng: random.Random, dealer_id: int, users: list[int | None]) -> int:
    moment = now() - dt.timedelta(hours=rng.randrange(1, 400))
    lead = Lead(dealer_id=dealer_id, surname="Dvořák", model="Kodiaq", source=rng.choice(SOURCES),
                request_type="test_drive", status=rng.choice(STATUSES), assignee_id=rng.choice(users),
                created_at=moment, updated_at=moment, name_key="dvorak",
                contacted_at=None if rng.random() < .5 else moment + dt.timedelta(minutes=30))
    await lead.save()
    return lead.id


async def _change(rng: random.Random, lead_id: int, dealer_id: int, other_id: int, users: list[int | None]) -> None:
    async with transaction():
        pick = rng.randrange(7)
        where = (Lead.id == lead_id) & (Lead.dealer_id == dealer_id)
        if pick == 0:
            await Lead.update({Lead.status: rng.choice(STATUSES)}).where(where)
        elif pick == 1:
            await Lead.update({Lead.assignee_id: rng.choice(users)}).where(where)
        elif pick == 2:
            await Lead.update({Lead.source: rng.choice(SOURCES)}).where(where)
        elif pick == 3:
            await Lead.update({Lead.contacted_at: None if rng.random() < .5 else now()}).where(where)
        elif pick == 4:  # a transfer to another dealer
            await Lead.update({Lead.dealer_id: other_id, Lead.assignee_id: None}).where(where)
        elif pick == 5:
            await Lead.delete().where(where)
        else:  # a write that touches none of the counted columns
            await Lead.update({Lead.note: "called back", Lead.status: Lead.status}).where(where)


async def test_the_rollup_equals_the_leads_after_random_writes_and_concurrent_folds(make_dealer):
    dealer, other = await make_dealer(modules=["leads"]), await make_dealer(modules=["leads"])
    users = [dealer.users["manager"].id, dealer.users["dealer_admin"].id, None]
    rng = random.Random(13)
    ids = [await _new_lead(rng, dealer.id, users) for _ in range(60)]
    ctx, other_ctx = (system_context(d.id, frozenset(d.modules)) for d in (dealer, other))
    assert await _table(ROLLUP, dealer.id) == await _table(TRUTH, dealer.id)

    for _round in range(3):  # writers and folds at the same time (PostgreSQL: on separate connections)
        jobs = [_change(rng, rng.choice(ids), dealer.id, other.id, users) for _ in range(40)]
        jobs += [_new_lead(rng, dealer.id, users) for _ in range(10)]
        for at in range(0, len(jobs), 10):
            jobs.insert(at, fold(ctx))
        await asyncio.gather(*jobs)
        for d in (dealer, other):
            assert await _table(ROLLUP, d.id) == await _table(TRUTH, d.id)

    await fold(ctx)
    await fold(other_ctx)
    assert await fold(ctx) == "nothing to fold"  # folded already: nothing rewritten
    for d in (dealer, other):
        truth = await _table(TRUTH, d.id)
        assert await _table(ROLLUP, d.id) == truth
        rows = (await Lead.raw("SELECT COUNT(*) AS n FROM leads_standing WHERE dealer_id = {}", d.id))[0]["n"]
        assert rows == len(truth)  # folded: one row per (status, assignee, source), none that comes to nothing
    assert sum(n for n, _u in (await _table(TRUTH, other.id)).values()) > 0  # some leads were transferred

    # the figures read from it: open leads and those waiting more than a day, against the leads
    figures = {f.metric.key: f.value for f in await compute_metrics(ctx, _week(), ["leads.open", "leads.waiting"])}
    open_now = (await Lead.raw("SELECT COUNT(*) AS n FROM leads_lead WHERE dealer_id = {} AND status IN ('new', "
                               "'awaiting_visit', 'contract_signed', 'postponed', 'qualified')", dealer.id))[0]["n"]
    waiting = await Lead.raw("SELECT assignee_id, COUNT(*) AS n FROM leads_lead WHERE dealer_id = {} "
                             "AND status = 'new' AND contacted_at IS NULL AND created_at < {} GROUP BY assignee_id",
                             dealer.id, now() - dt.timedelta(days=1))
    assert figures["leads.open"].total == open_now > 0
    assert dict(figures["leads.waiting"].by_user) == {r["assignee_id"]: r["n"] for r in waiting}


def _week():
    from forecourt import Period

    return Period(now() - dt.timedelta(days=7), now())
