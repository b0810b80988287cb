"""Orders: the dealer's catalogue (vehicles, accessories, parts, services) and its stock per warehouse.

A first-party plugin written only against the public ``forecourt`` API, like a
partner's. This first slice keeps the catalogue and the stock; it owns the
stock hook ``orders_stock_changed`` (:mod:`plugins.orders.hookspecs`) that
leads' "Watch stock" listens to. Other plugins use the stock through
:mod:`plugins.orders.services`.
"""

from pathlib import Path

from forecourt import Manifest
from forecourt import lazy_gettext as _l
from plugins.orders import hooks, hookspecs

HERE = Path(__file__).parent

PLUGIN = Manifest(
    name="orders",
    title=_l("Orders"),
    version="1.0.0",
    core=">=0.1,<1",
    hooks=hooks,
    hookspecs=hookspecs,
    piccolo_app="plugins.orders.piccolo_app",
    description=_l("The catalogue of vehicles, accessories, parts and services, and their stock per warehouse."),
    templates=HERE / "templates",
    locale=HERE / "locale",
)
