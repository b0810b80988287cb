"""Customers: current and potential customers, notes, follow-ups, blacklist — the card other plugins extend.

A first-party plugin written only against the public ``forecourt`` API, like a
partner's. Other plugins use it through :mod:`plugins.customers.services`
(when their manifest requires ``customers``) or through its hooks
(:mod:`plugins.customers.hookspecs`) and the ``customers.card.panels`` slot.
"""

from pathlib import Path

from forecourt import Manifest
from forecourt import lazy_gettext as _l
from plugins.customers import hooks, hookspecs

HERE = Path(__file__).parent

PLUGIN = Manifest(
    name="customers",
    title=_l("Customers"),
    version="1.0.0",
    core=">=0.1,<1",
    hooks=hooks,
    hookspecs=hookspecs,
    piccolo_app="plugins.customers.piccolo_app",
    description=_l("Current and potential customers with notes, follow-ups and a blacklist."),
    templates=HERE / "templates",
    locale=HERE / "locale",
)
