"""How the dealer's customer pages look: a title, two colours and a logo (the dealer admin sets them).

The logo is served from ``/quicklinks/brand/<dealer id>/logo`` (public: the
customer's pages show it) with its checked content type; colours are
``#rrggbb`` only, so they can go into the page's CSS as they are.

The save side (the dealer admin's settings, :mod:`plugins.quicklinks.settings`)
guarantees what the reading side relies on: a colour is stored only as
``#rrggbb`` (lower case) or empty; a logo only when its own first bytes say
PNG, JPEG or WebP (whatever the upload claims) and it is at most
:data:`LOGO_LIMIT` bytes — never SVG, which could carry script. One row per
dealer, written with ``INSERT … ON CONFLICT`` so two saves at once cannot
make a second row or fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from litestar import Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from forecourt import Context, dealers_with_module, now
from forecourt import gettext as _
from plugins.quicklinks.tables import Brand

DEFAULT_COLOUR = "#1f4e79"
DEFAULT_ACCENT = "#b45309"
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
LOGO_LIMIT = 200 * 1024  #: bytes
#: first bytes -> content type of the logos accepted (WebP: "RIFF", 4 bytes of size, "WEBP")
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


@dataclass(frozen=True)
class Look:
    """What a customer page needs to brand itself."""

    title: str
    colour: str
    accent: str
    logo_url: str  #: "" without a logo; carries the version so a new logo is fetched at once


async def look(dealer_id: int, dealer_name: str) -> Look:
    """The dealer's look (defaults where it set nothing); the title falls back to the dealer's name."""
    rows = await Brand.raw("SELECT title, colour, accent, logo_type, updated_at FROM quicklinks_brand "
                           "WHERE dealer_id = {} LIMIT 1", dealer_id)
    return of_row(dealer_id, dealer_name, rows[0] if rows else None)


def of_row(dealer_id: int, dealer_name: str, row: dict[str, Any] | None) -> Look:
    """The look from the dealer's brand row (``title``, ``colour``, ``accent``, ``logo_type``, ``updated_at``)."""
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


async def settings(dealer_id: int) -> dict[str, Any]:
    """The dealer's title and colours as the settings form shows them ("" where nothing is set)."""
    row = await Brand.scoped(dealer_id).select(Brand.title, Brand.colour, Brand.accent, Brand.logo_type).first()
    return dict(row) if row else {"title": "", "colour": "", "accent": "", "logo_type": ""}


def colour_problem(value: Any) -> str | None:
    """Why ``value`` is no colour the pages can use (None: it is ``#rrggbb`` or empty)."""
    if not value or (isinstance(value, str) and COLOUR.fullmatch(value)):
        return None
    return _("Enter a colour as # and six hexadecimal digits, like #1f4e79.")


def _upsert(dealer_id: int, values: dict[Any, Any]) -> Any:
    """One brand row per dealer: insert it, or update those columns of the one there (the unique index)."""
    row = Brand.scoped(dealer_id).new(**{column._meta.name: value for column, value in values.items()})
    return Brand.insert(row).on_conflict(target=Brand.dealer_id, action="DO UPDATE", values=list(values))


async def save(ctx: Context, values: dict[str, Any]) -> None:
    """Store the title and the two colours (each checked by the settings page; empty: the default)."""
    colours = {key: (values.get(key) or "").lower() for key in ("colour", "accent")}
    for value in colours.values():
        if colour_problem(value):
            raise ValueError(f"not a colour: {value!r}")
    await _upsert(ctx.dealer_id, {Brand.title: values.get("title") or "", Brand.colour: colours["colour"],
                                  Brand.accent: colours["accent"], Brand.updated_at: now()})


def logo_type(data: bytes) -> str:
    """The content type the bytes themselves say (PNG, JPEG, WebP), or "" for anything else."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return ""


async def save_logo(ctx: Context, data: bytes) -> None:
    """Store a logo the caller checked (:func:`logo_type`, :data:`LOGO_LIMIT`); the old one is replaced."""
    kind = logo_type(data)
    if not kind or len(data) > LOGO_LIMIT:
        raise ValueError("not a logo this page may show")
    await _upsert(ctx.dealer_id, {Brand.logo: data, Brand.logo_type: kind, Brand.updated_at: now()})


async def remove_logo(ctx: Context) -> bool:
    """Drop the dealer's logo; ``False`` if it had none."""
    done = await Brand.scoped(ctx.dealer_id).update({Brand.logo: None, Brand.logo_type: "", Brand.updated_at: now()}
                                                     ).where(Brand.logo_type != "").returning(Brand.id)
    return bool(done)


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
