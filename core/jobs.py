"""Scheduled jobs: plugins' periodic work, run per dealer that has the plugin enabled.

A plugin returns :class:`Job` objects from ``register_jobs``. Each (job,
dealer) pair has a slot row saying when it runs next. A worker *claims* due
slots with one ``UPDATE … WHERE next_at <= now RETURNING`` that also moves
``next_at`` on: on PostgreSQL the row lock (with ``SKIP LOCKED``) and on
SQLite the single writer make the claim atomic, so with any number of app
processes on one database each due slot runs exactly once. Jobs must still
be idempotent (a crash after a claim skips that run, it is not retried).

Every app process looks for due slots every ``FORECOURT_JOBS_INTERVAL``
seconds; ``forecourt jobs run-due`` does one pass from cron instead.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from core import db
from core.accounts import parse_modules
from core.context import Context, system_context
from core.i18n import reset_currency, set_currency
from core.messages import as_stored
from core.runtime import current
from core.tables import Dealer, JobSlot
from core.timeutil import now, reset_zone, set_zone

log = logging.getLogger("forecourt.jobs")


@dataclass(frozen=True)
class Job:
    """``run(ctx)`` every ``every``, for each dealer with the plugin enabled, in a system context.

    ``run`` returns a short result (e.g. how many rows it handled) that is
    kept on the slot; it must be idempotent.
    """

    key: str
    title: Any
    every: dt.timedelta
    run: Callable[[Context], Awaitable[Any]]

    @property
    def plugin(self) -> str:
        return self.key.split(".", 1)[0]




def jobs() -> dict[str, Job]:
    return dict(current().jobs)


async def _ensure_slots(dealers: list[dict[str, Any]], moment: dt.datetime) -> None:
    """A slot, due now, for every (job, dealer with its plugin) pair that has none yet."""
    existing = {(r["job"], r["dealer_id"]) for r in await JobSlot.select(JobSlot.job, JobSlot.dealer_id)}
    for job in current().jobs.values():
        for dealer in dealers:
            if (job.key, dealer["id"]) not in existing and job.plugin in parse_modules(dealer["modules"]):
                await JobSlot.raw(
                    "INSERT INTO core_job_slot (job, dealer_id, next_at, last_result, runs) "
                    "VALUES ({}, {}, {}, '', 0) ON CONFLICT (job, dealer_id) DO NOTHING",
                    job.key, dealer["id"], moment,
                )


async def _claim(job: Job, moment: dt.datetime) -> list[dict[str, Any]]:
    """Take this job's due slots for this worker, moving them to their next time, atomically."""
    lock = "" if db.is_sqlite() else " FOR UPDATE SKIP LOCKED"
    return await JobSlot.raw(
        "UPDATE core_job_slot SET next_at = {}, last_started_at = {}, runs = runs + 1 "
        f"WHERE id IN (SELECT id FROM core_job_slot WHERE job = {{}} AND next_at <= {{}}{lock}) "
        "RETURNING id, dealer_id",
        moment + job.every, moment, job.key, moment,
    )


async def run_due(moment: dt.datetime | None = None) -> list[tuple[str, int, str]]:
    """One pass: run every due (job, dealer) once. Returns ``(job, dealer id, result)`` for what ran."""
    from core.registry import registry

    moment = moment or now()
    dealers = await Dealer.select(Dealer.id, Dealer.name, Dealer.modules, Dealer.language, Dealer.timezone,
                                  Dealer.currency).where(
        Dealer.active == True)  # noqa: E712
    by_id = {d["id"]: d for d in dealers}
    await _ensure_slots(dealers, moment)
    ran: list[tuple[str, int, str]] = []
    for job in current().jobs.values():
        for slot in await _claim(job, moment):
            dealer = by_id.get(slot["dealer_id"])
            modules = parse_modules(dealer["modules"]) if dealer else frozenset()
            if job.plugin not in modules:  # switched off (or the dealer deactivated) since: skip
                result = "skipped: module off"
            else:
                ctx = system_context(dealer["id"], modules, dealer["name"], dealer["language"],
                                     dealer["timezone"])
                zone_token = set_zone(dealer["timezone"])  # "today" is the dealer's day
                money_token = set_currency(dealer["currency"])
                try:
                    result = str(as_stored(await job.run(ctx))[0])[:500]  # for operators: in English
                except Exception as exc:
                    result = f"failed: {type(exc).__name__}: {exc}"[:500]
                    await registry().record_failure(job.plugin, f"job {job.key}", exc,
                                                    {"dealer_id": dealer["id"]})
                finally:
                    reset_zone(zone_token)
                    reset_currency(money_token)
                ran.append((job.key, dealer["id"], result))
            await JobSlot.update({JobSlot.last_finished_at: now(), JobSlot.last_result: result}).where(
                JobSlot.id == slot["id"])
    return ran


async def loop(interval: float) -> None:
    """Run due jobs every ``interval`` seconds until cancelled (started in the app's lifespan).

    On SQLite it also refreshes the planner's statistics hourly (see
    :meth:`core.db.PooledSQLiteEngine.optimize`).
    """
    optimized = asyncio.get_running_loop().time()
    while True:
        try:
            await run_due()
            engine = db.engine()
            if hasattr(engine, "optimize") and asyncio.get_running_loop().time() - optimized > 3600:
                optimized = asyncio.get_running_loop().time()
                await engine.optimize()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("scheduled jobs pass failed")
        await asyncio.sleep(interval)
