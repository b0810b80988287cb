"""A partner-style test plugin: notes, written only against the public API."""

from pathlib import Path

from fc_notes import hooks, hookspecs
from forecourt import Manifest
from forecourt import lazy_gettext as _l

HERE = Path(__file__).parent

PLUGIN = Manifest(
    name="notes",
    title=_l("Notes"),
    version="1.0.0",
    core=">=0.1,<1",
    hooks=hooks,
    hookspecs=hookspecs,
    piccolo_app="fc_notes.piccolo_app",
    description=_l("Short notes shared by the dealer's staff (test plugin)."),
    templates=HERE / "templates",
    locale=HERE / "locale",
)
