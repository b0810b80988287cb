"""The quick links plugin's face to the core: routes, permissions, the customer card's panel, cleanup."""

from __future__ import annotations

from forecourt import Permission, hookimpl
from forecourt import lazy_gettext as _l
from plugins.quicklinks import branding, shop


@hookimpl
def register_routes():
    return [*branding.ROUTES, *shop.ROUTES]


@hookimpl
def register_permissions():
    return [
        Permission("quicklinks.manage", _l("Make and revoke customers' quick links"), ("manager", "dealer_admin")),
        Permission("quicklinks.settings", _l("Set the quick link pages' look and exchange rates"), ("dealer_admin",)),
    ]
