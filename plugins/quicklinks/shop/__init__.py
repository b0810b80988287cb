"""The customer's side of quick links: opening a link, the catalogue, the cart, checkout and the link's orders.

Every route is public (no staff login) and finds its customer only through
the link's session cookie (:mod:`.session`); CSRF protection stays on for
every POST, and GETs never change anything.
"""

from plugins.quicklinks.shop import cart, catalogue, checkout, opening, orders

ROUTES = [*opening.ROUTES, *catalogue.ROUTES, *cart.ROUTES, *checkout.ROUTES, *orders.ROUTES]
