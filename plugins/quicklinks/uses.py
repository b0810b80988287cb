"""The log of a link's uses the manager sees: open, cart, order — with the time and a coarse client hint.

Never the token, never the address: the hint is the browser family and the
platform read from the User-Agent ("Chrome · Android"), at most 60 characters.
Writing a use also sets the link's ``last_used_at``.
"""

from __future__ import annotations

import re
from typing import Any

from forecourt import now
from plugins.quicklinks.tables import Link, Use

KINDS = ("open", "cart", "order")

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("YaBrowser", "Yandex"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"))
_PLATFORMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"),
              ("Mac OS X", "macOS"), ("Linux", "Linux"))
_BOT = re.compile(r"bot|crawl|spider|preview|scanner|curl|wget|python", re.I)


def client_hint(user_agent: str) -> str:
    """A coarse, non-identifying description of the client: browser family and platform."""
    agent = (user_agent or "")[:500]
    if not agent:
        return ""
    if _BOT.search(agent):
        return "bot / link preview"
    browser = next((name for mark, name in _BROWSERS if mark in agent), "")
    platform = next((name for mark, name in _PLATFORMS if mark in agent), "")
    return " · ".join(p for p in (browser, platform) if p)[:60] or "other"


async def record(dealer_id: int, link_id: int, kind: str, user_agent: str = "",
                 order_id: int | None = None, stamp: bool = True) -> None:
    """Log one use and stamp the link's ``last_used_at`` (joins the caller's transaction if there is one).

    ``stamp=False``: the caller stamps the link itself (in a write to the link it makes anyway).
    """
    moment = now()
    await Use.raw("INSERT INTO quicklinks_use (dealer_id, link_id, kind, at, client, order_id) "
                  "VALUES ({}, {}, {}, {}, {}, {})",
                  dealer_id, link_id, kind, moment, client_hint(user_agent), order_id)
    if stamp:
        await Link.scoped(dealer_id).update({Link.last_used_at: moment}).where(Link.id == link_id)


async def listed(dealer_id: int, link_ids: list[int], limit: int = 50) -> list[dict[str, Any]]:
    """The latest uses of those links, newest first."""
    if not link_ids:
        return []
    return await Use.scoped(dealer_id).select().where(Use.link_id.is_in(link_ids)).order_by(
        Use.at, ascending=False).order_by(Use.id, ascending=False).limit(limit)
