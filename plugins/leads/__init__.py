"""Leads: pre-orders and inquiries from intake to contract (manuals 000 and 001).

A first-party plugin written only against the public ``forecourt`` API. It
works without the customers plugin and uses it when the dealer has it on
(duplicate suggestions, the panel on the customer card).
"""

from pathlib import Path

from forecourt import Manifest
from forecourt import lazy_gettext as _l
from plugins.leads import hooks, hookspecs

HERE = Path(__file__).parent

PLUGIN = Manifest(
    name="leads",
    title=_l("Leads"),
    version="0.1.0",
    core=">=0.1,<1",
    hooks=hooks,
    hookspecs=hookspecs,
    piccolo_app="plugins.leads.piccolo_app",
    description=_l("Pre-orders and inquiries: contact, contract, postpone, discard."),
    templates=HERE / "templates",
    locale=HERE / "locale",
)
