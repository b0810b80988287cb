"""How the dealer's customer pages look: a title, two colours and a logo (the dealer admin sets them).

The logo is served from ``/quicklinks/brand/<dealer id>/logo`` (public: the
customer's pages show it) with its checked content type; colours are
``#rrggbb`` only, so they can go into the page's CSS as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from forecourt import dealers_with_module
from plugins.quicklinks.tables import Brand

DEFAULT_COLOUR = "#1f4e79"
DEFAULT_ACCENT = "#b45309"


@dataclass(frozen=True)
class Look:
    """What a customer page needs to brand itself."""

    title: str
    colour: str
    accent: str
    logo_url: str  #: "" without a logo; carries the version so a new logo is fetched at once


async def look(dealer_id: int, dealer_name: str) -> Look:
    """The dealer's look (defaults where it set nothing); the title falls back to the dealer's name."""
    row = await Brand.scoped(dealer_id).select(Brand.title, Brand.colour, Brand.accent, Brand.logo_type,
                                               Brand.updated_at).first()
    if row is None:
        return Look(dealer_name, DEFAULT_COLOUR, DEFAULT_ACCENT, "")
    stamp = row["updated_at"]
    version = int(stamp.timestamp()) if hasattr(stamp, "timestamp") else 0
    logo = f"/quicklinks/brand/{dealer_id}/logo?v={version}" if row["logo_type"] else ""
    return Look(row["title"] or dealer_name, row["colour"] or DEFAULT_COLOUR, row["accent"] or DEFAULT_ACCENT, logo)


async def logo(dealer_id: int) -> tuple[bytes, str] | None:
    """The dealer's logo bytes and content type, or ``None``."""
    row = await Brand.scoped(dealer_id).select(Brand.logo, Brand.logo_type).first()
    if row is None or not row["logo"] or not row["logo_type"]:
        return None
    return bytes(row["logo"]), row["logo_type"]


@get("/brand/{dealer_id:int}/logo", opt={"public": True}, name="quicklinks_logo")
async def serve_logo(dealer_id: FromPath[int]) -> Response:
    """The logo the customer pages show: public (no session), only while the dealer has quick links on."""
    if not await dealers_with_module("quicklinks", among=[dealer_id]):
        raise NotFoundException()
    found = await logo(dealer_id)
    if found is None:
        raise NotFoundException()
    body, kind = found
    return Response(content=body, media_type=kind, headers={
        "cache-control": "public, max-age=86400", "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'"})


ROUTES = [serve_logo]
