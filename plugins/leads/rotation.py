"""Round robin: a dealer may have its web pre-orders assigned to its managers in turn.

Off by default (web leads then arrive unassigned, as manual 000 describes);
a dealer administrator switches it on under Leads -> Settings. The turn is
kept on the dealer's settings row and advanced with a compare-and-set, so
two pre-orders arriving together go to two managers.
"""

from __future__ import annotations

from typing import Any

from forecourt import Context, dealer_users
from plugins.leads.tables import Setting


async def settings(dealer_id: int) -> dict[str, Any]:
    row = await Setting.scoped(dealer_id).select().first()
    return row or {"round_robin": False, "last_assignee_id": None}


async def save(ctx: Context, round_robin: bool) -> None:
    """One statement, so two administrators saving at once cannot both try to make the dealer's row."""
    await Setting.raw("INSERT INTO leads_setting (dealer_id, round_robin) VALUES ({}, {}) ON CONFLICT (dealer_id) "
                      "DO UPDATE SET round_robin = excluded.round_robin", ctx.dealer_id, round_robin)


async def next_assignee(ctx: Context) -> dict[str, Any] | None:
    """The manager whose turn it is (and the turn moves on), or None when round robin is off or nobody is there."""
    managers = sorted((u for u in await dealer_users(ctx.dealer_id) if u["role"] == "manager"), key=lambda u: u["id"])
    for _attempt in range(5):
        current = await settings(ctx.dealer_id)
        if not current["round_robin"] or not managers:
            return None
        last = current["last_assignee_id"]
        chosen = next((u for u in managers if last is None or u["id"] > last), managers[0])
        same = Setting.last_assignee_id.is_null() if last is None else Setting.last_assignee_id == last
        if await Setting.scoped(ctx.dealer_id).update({Setting.last_assignee_id: chosen["id"]}).where(same).returning(
                Setting.id):
            return chosen
    return None  # the turn kept moving under us: leave this one for the queue
