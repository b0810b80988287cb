"""A partner-style test plugin: deals moved through a status machine, written only against the public API."""

from pathlib import Path

from fc_deals import hooks, hookspecs
from forecourt import Manifest
from forecourt import lazy_gettext as _l

HERE = Path(__file__).parent

PLUGIN = Manifest(
    name="deals",
    title=_l("Deals"),
    version="1.0.0",
    core=">=0.1,<1",
    hooks=hooks,
    hookspecs=hookspecs,
    piccolo_app="fc_deals.piccolo_app",
    description=_l("Deals from first contact to contract (test plugin for status machines)."),
    templates=HERE / "templates",
    locale=HERE / "locale",
)
