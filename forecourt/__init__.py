"""The public API for plugin authors — first-party plugins use exactly this.

    from forecourt import Manifest, hookimpl, NavItem, DealerScoped
"""

from core import __version__ as core_version
from core.context import Context, system_context
from core.entities import create as create_entity
from core.entities import update as update_entity
from core.errors import Conflict, ValidationFailed, Veto
from core.hookspecs import hookimpl, hookspec
from core.i18n import gettext, lazy_gettext, ngettext
from core.modules import enabled_modules
from core.permissions import Permission, requires
from core.plugins import Manifest, registry
from core.tenancy import DealerScoped
from core.timeutil import now
from core.web import NavItem, SlotContent, flash, page

__all__ = [
    "Conflict",
    "Context",
    "DealerScoped",
    "Manifest",
    "NavItem",
    "Permission",
    "SlotContent",
    "ValidationFailed",
    "Veto",
    "core_version",
    "create_entity",
    "enabled_modules",
    "flash",
    "gettext",
    "hookimpl",
    "hookspec",
    "lazy_gettext",
    "ngettext",
    "now",
    "page",
    "registry",
    "requires",
    "system_context",
    "update_entity",
]
