"""Quick links: a customer orders from a personal magic link, without an account (manual 003).

The manager makes a link on the customer card (:mod:`.links` holds the
tokens: 256 bits, only their SHA-256 stored). The customer's pages under
``/quicklinks/shop/`` show the dealer's catalogue from the orders plugin at
the customer's personal price, in their language and currency, with a cart
and a checkout that makes an order through the orders plugin's public sales
service (source "quicklink"). Requires customers and orders, whose public
services it uses; everything else goes through hooks.
"""

from pathlib import Path

from forecourt import Manifest
from forecourt import lazy_gettext as _l
from plugins.quicklinks import hooks

HERE = Path(__file__).parent

PLUGIN = Manifest(
    name="quicklinks",
    title=_l("Quick links"),
    version="1.0.0",
    core=">=0.1,<1",
    requires=("customers", "orders"),
    hooks=hooks,
    piccolo_app="plugins.quicklinks.piccolo_app",
    description=_l("A personal link for each customer: your catalogue at their prices, a cart and checkout "
                   "without an account."),
    templates=HERE / "templates",
    locale=HERE / "locale",
)
