"""Dealers' clocks: times are stored in UTC, shown and typed on the dealer's time zone."""

import datetime as dt
import re

from test_leads import act, new_lead

from core import timeutil
from core.reminders import end_of_today
from core.tables import Dealer, Reminder
from plugins.leads.tables import Lead


def test_local_days_and_typed_times_follow_the_current_zone():
    token = timeutil.set_zone("Europe/Moscow")
    try:
        assert timeutil.from_local(dt.datetime(2026, 1, 1, 9, 30)) == dt.datetime(2026, 1, 1, 6, 30, tzinfo=dt.UTC)
        assert timeutil.day_start(dt.date(2026, 7, 1)) == dt.datetime(2026, 6, 30, 21, 0, tzinfo=dt.UTC)
        assert timeutil.local(dt.datetime(2026, 1, 1, 22, 0, tzinfo=dt.UTC)).date() == dt.date(2026, 1, 2)
        assert end_of_today() == timeutil.day_start(timeutil.today() + dt.timedelta(days=1))
    finally:
        timeutil.reset_zone(token)
    assert timeutil.from_local(dt.datetime(2026, 1, 1, 9, 30)).hour == 9  # back to UTC outside
    assert timeutil.zone("Not/AZone") == dt.UTC and timeutil.is_zone("Europe/Prague")


async def test_a_dealer_sees_and_types_times_on_its_own_clock(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    await Dealer.update({Dealer.timezone: "Europe/Moscow"}).where(Dealer.id == dealer.id)
    manager = await client_as(dealer, "manager")
    lead_id = await new_lead(manager)
    r = await act(manager, lead_id, "contact_failed", "new", reason="No answer", note="later",
                  next_attempt="2026-01-01T09:30")
    assert r.status_code == 303
    reminder = await Reminder.select(Reminder.due_at).where(
        (Reminder.dealer_id == dealer.id) & (Reminder.entity_id == lead_id)).first()
    assert reminder["due_at"] == dt.datetime(2026, 1, 1, 6, 30, tzinfo=dt.UTC)  # typed in Moscow, kept in UTC
    card = (await manager.get(f"/leads/{lead_id}")).text
    failed = next(e for e in re.findall(r'<li class="timeline-entry.*?</li>', card, re.S) if "Contact failed" in e)
    assert "9:30" in failed and "6:30" not in failed  # and shown in Moscow again
    created = (await Lead.scoped(dealer.id).get(lead_id)).created_at
    moscow = created.astimezone(timeutil.zone("Europe/Moscow"))
    shown = card.split("Created</dt><dd>")[1].split("</dd>")[0]
    assert f"{moscow.hour % 12 or 12}:{moscow.minute:02d}" in shown


async def test_time_zones_are_chosen_for_new_dealers_and_changed_by_their_admin(make_dealer, client_as, login,
                                                                               platform_admin):
    client = await login(platform_admin)
    suffix = platform_admin.id
    r = await client.post("/admin/dealers", data={"name": "Auto Brno", "slug": f"tz-brno-{suffix}",
                                                  "language": "cs"})
    assert r.status_code == 302
    assert (await Dealer.objects().get(Dealer.slug == f"tz-brno-{suffix}")).timezone == "Europe/Prague"
    r = await client.post("/admin/dealers", data={"name": "Tokyo Cars", "slug": f"tz-tokyo-{suffix}",
                                                  "language": "en", "timezone": "Asia/Tokyo"})
    assert (await Dealer.objects().get(Dealer.slug == f"tz-tokyo-{suffix}")).timezone == "Asia/Tokyo"
    r = await client.post("/admin/dealers", data={"name": "Mars", "slug": f"tz-mars-{suffix}",
                                                  "timezone": "Mars/Olympus"})
    assert r.status_code == 422 and "Choose a time zone from the list." in r.text and 'value="Mars"' in r.text

    dealer = await make_dealer(modules=["leads"])
    admin = await client_as(dealer, "dealer_admin")
    page = (await admin.get(f"/admin/dealers/{dealer.id}/modules")).text
    assert '<option value="Europe/Prague">' in page
    r = await admin.post(f"/admin/dealers/{dealer.id}/timezone", data={"timezone": "Europe/Prague"})
    assert r.status_code == 303
    assert (await Dealer.objects().get(Dealer.id == dealer.id)).timezone == "Europe/Prague"
    r = await admin.post(f"/admin/dealers/{dealer.id}/timezone", data={"timezone": "Nowhere"}, follow_redirects=True)
    assert "Choose a time zone from the list." in r.text
    assert (await Dealer.objects().get(Dealer.id == dealer.id)).timezone == "Europe/Prague"
    manager = await client_as(dealer, "manager")
    assert (await manager.post(f"/admin/dealers/{dealer.id}/timezone", data={"timezone": "UTC"})).status_code == 403
    other = await make_dealer(modules=[])
    assert (await admin.post(f"/admin/dealers/{other.id}/timezone", data={"timezone": "UTC"})).status_code == 404


def test_in_zone_sets_the_days_of_a_zone_inside_the_block_only():
    """A cross-dealer summary computes each dealer's period from that dealer's midnights (forecourt.in_zone)."""
    import datetime as dt

    from forecourt import day_start, in_zone

    day = dt.date(2026, 7, 1)
    outside = day_start(day)
    with in_zone("Europe/Prague"):
        assert day_start(day) == dt.datetime(2026, 6, 30, 22, 0, tzinfo=dt.UTC)
        with in_zone("Asia/Shanghai"):
            assert day_start(day) == dt.datetime(2026, 6, 30, 16, 0, tzinfo=dt.UTC)
        assert day_start(day) == dt.datetime(2026, 6, 30, 22, 0, tzinfo=dt.UTC)
    assert day_start(day) == outside
