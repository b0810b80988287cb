"""``leads_lead.contact_wait`` (kept by the engine) equals the seconds from arrival to first contact after any
write that sets, changes or clears a stamp, whoever writes it (both engines)."""

from __future__ import annotations

import datetime as dt

from core.inserts import insert_rows
from forecourt import now, transaction
from plugins.leads.tables import Lead


def _lead(dealer_id: int, created: dt.datetime, contacted: dt.datetime | None) -> Lead:
    return Lead(dealer_id=dealer_id, surname="Horáková", model="Octavia", source="web", request_type="test_drive",
                status="new", created_at=created, updated_at=created, name_key="horakova", contacted_at=contacted)


async def _waits(dealer_id: int) -> dict[int, float | None]:
    rows = await Lead.raw("SELECT id, contact_wait FROM leads_lead WHERE dealer_id = {}", dealer_id)
    return {r["id"]: r["contact_wait"] for r in rows}


async def _truth(dealer_id: int) -> dict[int, float | None]:
    """Worked out in Python from the stamps as stored (not by the engine's expression)."""
    rows = await Lead.select(Lead.id, Lead.created_at, Lead.contacted_at).where(Lead.dealer_id == dealer_id)
    return {r["id"]: None if r["contacted_at"] is None
            else round((r["contacted_at"] - r["created_at"]).total_seconds(), 3) for r in rows}


async def test_the_wait_follows_every_write_of_the_stamps(make_dealer):
    dealer = await make_dealer(modules=["leads"])
    start = now().replace(microsecond=250_000) - dt.timedelta(days=3)
    saved = _lead(dealer.id, start, start + dt.timedelta(hours=5, milliseconds=125))
    await saved.save()  # Piccolo's insert
    never = _lead(dealer.id, start, None)
    await never.save()
    batch = [_lead(dealer.id, start + dt.timedelta(minutes=n), start + dt.timedelta(minutes=n, seconds=7 * n))
             for n in range(3)] + [_lead(dealer.id, start, None)]
    await insert_rows(batch)  # the flat INSERT the services use
    truth = await _truth(dealer.id)
    assert await _waits(dealer.id) == truth
    assert truth[saved.id] == 5 * 3600 + 0.125 and truth[never.id] is None

    async with transaction():  # the contact stamp set, moved, cleared; the arrival moved; a row saved whole
        await Lead.update({Lead.contacted_at: start + dt.timedelta(days=2)}).where(Lead.id == never.id)
        await Lead.update({Lead.contacted_at: start + dt.timedelta(seconds=90)}).where(Lead.id == batch[0].id)
        await Lead.update({Lead.contacted_at: None}).where(Lead.id == batch[1].id)
        await Lead.update({Lead.created_at: start - dt.timedelta(hours=1)}).where(Lead.id == batch[2].id)
    saved.contacted_at = start + dt.timedelta(minutes=1)
    await saved.save()
    await Lead.update({Lead.note: "called back"}).where(Lead.id == batch[3].id)  # no stamp touched
    truth = await _truth(dealer.id)
    assert await _waits(dealer.id) == truth
    assert truth[never.id] == 2 * 86400 and truth[batch[1].id] is None and truth[saved.id] == 60
