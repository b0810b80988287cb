"""The core's web layer: what plugins use to build pages (nav items, slot content, page rendering).

Every route the core itself answers lives in this package too: ``auth``
(login, logout, password, language), ``home``, ``workflow`` and ``admin/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.web.render import flash, page, render_panel, render_string

__all__ = ["NavItem", "SlotContent", "flash", "page", "render_panel", "render_string"]


@dataclass(frozen=True)
class NavItem:
    """An entry in the main navigation; ``order`` sorts (lower first)."""

    label: Any
    href: str
    order: int = 100
    #: URL prefix that marks the item active (defaults to ``href``)
    active_prefix: str | None = None


@dataclass(frozen=True)
class SlotContent:
    """A block in a page slot: ready ``html`` (Markup) or a lazily loaded ``url``."""

    title: Any
    html: Any = None
    url: str | None = None
    order: int = 100
    plugin: str = ""
