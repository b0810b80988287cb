"""Per-dealer reason lists under parallel requests: each label once, whoever comes first."""

import asyncio

from core.tables import Reason

LIST = "deals.deal.refuse.reason"


async def test_parallel_first_views_and_adds_keep_each_reason_once(make_dealer, client_as, login):
    dealer = await make_dealer(modules=["deals"])
    admins = [await client_as(dealer, "dealer_admin")] + [await login(dealer.users["dealer_admin"])
                                                         for _ in range(3)]
    pages = await asyncio.gather(*(a.get(f"/admin/dealers/{dealer.id}/reasons") for a in admins * 2))
    assert all(p.status_code == 200 for p in pages)
    labels = [r["label"] for r in await Reason.select(Reason.label).where(
        (Reason.dealer_id == dealer.id) & (Reason.list_key == LIST))]
    assert labels and len(labels) == len(set(labels)), labels  # the defaults were copied once

    answers = await asyncio.gather(*(a.post(f"/admin/dealers/{dealer.id}/reasons",
                                            data={"list_key": LIST, "label": "Went abroad"}) for a in admins * 2))
    codes = sorted(a.status_code for a in answers)
    assert codes == [303] + [422] * 7, codes
    assert any("This reason is already in the list." in a.text for a in answers if a.status_code == 422)
    rows = await Reason.select(Reason.label, Reason.position).where(
        (Reason.dealer_id == dealer.id) & (Reason.list_key == LIST))
    assert [r["label"] for r in rows].count("Went abroad") == 1
    assert max(r["position"] for r in rows) == len(rows) - 1  # appended at the end
