"""Reminders on the home page, and scheduled jobs that run once per due time and dealer."""

import datetime as dt
import os
import subprocess
import sys
import time

import httpx
from fc_deals.tables import Deal, Heard
from test_machine import act, new_deal

from core import reminders
from core.context import Context
from core.tables import History, JobSlot
from forecourt.testing import _free_port

TODAY = dt.datetime.now(dt.UTC).date()


async def postponed_deal(client, until: dt.date, title="Octavia") -> int:
    deal_id = await new_deal(client, title=title)
    r = await act(client, deal_id, "postpone", "new", until=until.isoformat(), note="customer on holiday")
    assert r.status_code == 303
    return deal_id


async def test_reminders_appear_on_home_and_are_done_in_one_click(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    manager = await client_as(dealer, "manager")
    overdue_id = await postponed_deal(manager, TODAY - dt.timedelta(days=1), "Fabia")
    today_id = await postponed_deal(manager, TODAY, "Superb")
    await postponed_deal(manager, TODAY + dt.timedelta(days=3), "Kodiaq")  # not due yet: not shown
    await reminders.create(Context(dealer_id=dealer.id, user_id=None), "Clean the showroom",
                           dt.datetime.now(dt.UTC) - dt.timedelta(hours=1), queue=True)
    home = (await manager.get("/")).text
    assert f'href="/deals/{overdue_id}">Deal {overdue_id} is back from its pause' in home
    assert f'href="/deals/{today_id}">Deal {today_id} is back from its pause' in home
    assert "Kodiaq" not in home and home.count('data-reminder="') == 3
    assert "overdue" in home and "Clean the showroom" in home and "for everyone" in home
    # another user of the dealer sees the queue, not the manager's own reminders
    storekeeper = await client_as(dealer, "storekeeper")
    theirs = (await storekeeper.get("/")).text
    assert "Clean the showroom" in theirs and f"Deal {overdue_id}" not in theirs
    first = int(home.split('data-reminder="', 1)[1].split('"', 1)[0])
    assert (await storekeeper.post(f"/reminders/{first}/done")).status_code == 404  # not theirs
    r = await manager.post(f"/reminders/{first}/done", headers={"hx-request": "true"})
    # the row is swapped out (nothing else in the answer) and the status region says so, out of band
    assert r.status_code == 200 and r.text.startswith('<div id="live-status" hx-swap-oob="innerHTML">')
    assert "Reminder done." in r.text
    assert (await manager.post(f"/reminders/{first}/done")).status_code == 404  # already done
    assert (await manager.get("/")).text.count('data-reminder="') == 2


def run_due(env) -> str:
    result = subprocess.run([sys.executable, "-m", "core.cli", "jobs", "run-due"], env={**os.environ, **env},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


async def wakes(deal_id: int) -> int:
    return await History.count().where((History.entity == "deals.deal") & (History.entity_id == deal_id)
                                       & (History.summary == "Back to new"))


async def test_hook_register_jobs(make_dealer, client_as, forecourt_env):
    """`forecourt jobs run-due` runs each due job once per dealer that has the plugin on."""
    dealer = await make_dealer(modules=["deals"])
    manager = await client_as(dealer, "manager")
    due_id = await postponed_deal(manager, TODAY - dt.timedelta(days=1))
    later_id = await postponed_deal(manager, TODAY + dt.timedelta(days=5))
    off = await make_dealer(modules=["deals"])
    off_manager = await client_as(off, "manager")
    off_deal = await postponed_deal(off_manager, TODAY - dt.timedelta(days=1))
    off_admin = await client_as(off, "dealer_admin")
    assert (await off_admin.post(f"/admin/dealers/{off.id}/modules/deals/disable")).status_code in (302, 303)

    out = run_due(forecourt_env)
    assert f"deals.wake_postponed for dealer {dealer.id}: 1 deal(s) back to New" in out
    assert f"dealer {off.id}:" not in out
    assert (await Deal.scoped(dealer.id).get(due_id)).status == "new"
    assert (await Deal.scoped(dealer.id).get(later_id)).status == "postponed"
    assert (await Deal.scoped(off.id).get(off_deal)).status == "postponed"  # module off: no work done
    # the slot moved an hour on: a second pass right away runs nothing for this dealer
    assert f"dealer {dealer.id}:" not in run_due(forecourt_env)
    assert await wakes(due_id) == 1
    slot = await JobSlot.select().where(JobSlot.dealer_id == dealer.id).first()
    assert slot["runs"] == 1 and slot["last_result"] == "1 deal(s) back to New"


async def test_due_job_runs_once_with_two_app_instances(make_dealer, client_as, forecourt_env):
    dealer = await make_dealer(modules=["deals"])
    manager = await client_as(dealer, "manager")
    deal_id = await postponed_deal(manager, TODAY - dt.timedelta(days=2))
    env = {**os.environ, **forecourt_env, "FORECOURT_JOBS_INTERVAL": "0.1"}
    servers, ports = [], []
    try:
        for _ in range(2):
            port = _free_port()
            ports.append(port)
            servers.append(subprocess.Popen([sys.executable, "-m", "core.cli", "serve", "--port", str(port)],
                                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 30
        while not await Heard.scoped(dealer.id).exists().where(Heard.hook == "job"):
            assert time.monotonic() < deadline, "no app instance ran the due job"
            time.sleep(0.1)
        time.sleep(1.5)  # both instances have looked for due jobs many more times
        for port in ports:  # both are up and serving the same database
            assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
    assert await Heard.scoped(dealer.id).count().where(Heard.hook == "job") == 1
    assert await wakes(deal_id) == 1
    slot = await JobSlot.select().where(JobSlot.dealer_id == dealer.id).first()
    assert slot["runs"] == 1
