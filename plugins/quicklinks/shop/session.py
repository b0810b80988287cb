"""The customer's session: the ``fc_ql`` cookie, the live-link check every shop request makes, and its answers.

Guarantees:

* the cookie holds a proof signed with the install's secret
  (``sign_proof("quicklinks.session", {"l": link, "d": dealer})``), HttpOnly,
  SameSite=Lax, scoped to ``/quicklinks/shop``, Secure over https; it is
  accepted for :data:`MAX_AGE` seconds only;
* every shop request re-reads the link, the dealer and the customer
  (:func:`load`): a link revoked, regenerated, expired, a customer deleted,
  blacklisted or marked invalid, or the module switched off stops the very
  next request with the same 404 page, and the cookie is cleared;
* a :class:`Shop` names one dealer and one customer; every shop query is
  scoped by them, never by anything the browser sends;
* every answer under ``/quicklinks/o/`` and ``/quicklinks/shop/`` — pages,
  redirects and errors alike — carries ``Referrer-Policy: no-referrer``,
  ``Cache-Control: no-store`` and ``X-Robots-Tag: noindex`` (:class:`ShopHeaders`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Request, Response
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from forecourt import (
    LANGUAGE_NAMES,
    Context,
    dealers_with_module,
    enabled_modules,
    in_language,
    negotiate_language,
    page,
    system_context,
    verify_proof,
)
from forecourt import sign_proof as _sign
from plugins.customers import services as customers
from plugins.quicklinks import branding, links, pricing, rates
from plugins.quicklinks.tables import Link

COOKIE = "fc_ql"
PURPOSE = "quicklinks.session"
PATH = "/quicklinks/shop"
#: the ids a missing link is checked with: no row has them, and the reads are the same as for a real link
NOBODY = 2**31 - 1
MAX_AGE = 8 * 3600  #: a session lasts 8 hours; the link itself opens a new one
#: the link, the dealer's look and the cart's count in one read (hand-written: every customer request makes it)
_LINK = ("SELECT l.*, b.dealer_id AS _brand_dealer_id, b.title AS _brand_title, b.colour AS _brand_colour, "
         "b.accent AS _brand_accent, b.logo_type AS _brand_logo_type, b.updated_at AS _brand_updated_at, "
         "(SELECT COALESCE(SUM(c.quantity), 0) FROM quicklinks_cart_item c "
         "WHERE c.dealer_id = l.dealer_id AND c.link_id = l.id) AS _in_cart "
         "FROM quicklinks_link l LEFT JOIN quicklinks_brand b ON b.dealer_id = l.dealer_id "
         "WHERE l.dealer_id = {} AND l.id = {}")
#: the headers of every answer of the customer's side
HEADERS = ((b"referrer-policy", b"no-referrer"), (b"cache-control", b"no-store"), (b"x-robots-tag", b"noindex"))


#: the look of a page that knows no dealer (the 404 page)
PLAIN = branding.Look("", branding.DEFAULT_COLOUR, branding.DEFAULT_ACCENT, "")


class ShopHeaders:
    """Sets :data:`HEADERS` on every answer of a shop route, errors and redirects included (ASGI middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        # Litestar's own wrapper between a route and its middleware: an error raised inside (a CSRF refusal,
        # a bad form) becomes its answer in here, so that answer passes through our ``send`` too
        from litestar._asgi.utils import wrap_in_exception_handler

        self.app = wrap_in_exception_handler(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in HEADERS}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": [*headers, *HEADERS]}  # type: ignore[assignment]
            await send(message)

        await self.app(scope, receive, wrapped)


#: what every shop route is declared with: public (no staff login), the headers
SHOP: dict[str, Any] = {"opt": {"public": True}, "middleware": [ShopHeaders]}


@dataclass
class Shop:
    """One customer's session: their link, dealer and customer, language, currency and the dealer's look."""

    link: dict[str, Any]
    customer: dict[str, Any]
    dealer: dict[str, Any]
    lang: str
    terms: pricing.Terms
    look: branding.Look
    in_cart: int = 0  #: units in the cart when the request began (a page that changes the cart counts again)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def dealer_id(self) -> int:
        return int(self.dealer["id"])

    @property
    def link_id(self) -> int:
        return int(self.link["id"])

    async def context(self) -> Context:
        """The context the orders plugin's services run in (read when a page writes: pages only read)."""
        if "ctx" not in self.extra:
            modules = self.dealer.get("modules") or frozenset(await enabled_modules(self.dealer_id))
            self.extra["ctx"] = system_context(self.dealer_id, modules, self.dealer["name"], self.dealer["language"])
        return self.extra["ctx"]


def client(request: Request) -> str:
    """The client's address as the rate limit counts it (the proxy's X-Forwarded-For when trusted)."""
    return (request.client.host if request.client else "")[:64]


def language(customer: dict[str, Any] | None, request: Request) -> str:
    """The customer's preferred language, else the browser's, of ours."""
    chosen = (customer or {}).get("language") or ""
    if chosen in LANGUAGE_NAMES:
        return chosen
    return negotiate_language(request.headers.get("accept-language"))


def cookie_value(link: dict[str, Any]) -> str:
    return _sign(PURPOSE, {"l": int(link["id"]), "d": int(link["dealer_id"])})


async def check(link: dict[str, Any] | None) -> tuple[str, dict[str, Any] | None, dict[str, Any] | None]:
    """``(why dead or "", customer, dealer)`` of a link: the same three reads whatever the link is."""
    dealer_id = int(link["dealer_id"]) if link else NOBODY
    customer_id = int(link["customer_id"]) if link else NOBODY
    found = await dealers_with_module("quicklinks", among=[dealer_id])
    dealer = found[0] if found else None
    customer = await customers.get(dealer_id, customer_id)
    modules = frozenset({"quicklinks"}) if dealer else frozenset()
    return links.why_dead(link, customer, modules), customer, dealer


async def load(request: Request) -> Shop | None:
    """The live session of this request, or ``None`` (no cookie, a bad or old one, or a link that died)."""
    proof = verify_proof(PURPOSE, request.cookies.get(COOKIE, ""), MAX_AGE)
    if not isinstance(proof, dict) or not isinstance(proof.get("l"), int) or not isinstance(proof.get("d"), int):
        return None
    found = await Link.raw(_LINK, proof["d"], proof["l"])
    if not found:
        return None
    link = {k: v for k, v in found[0].items() if not k.startswith("_")}
    brand = {k[7:]: v for k, v in found[0].items() if k.startswith("_brand_")}
    dead, customer, dealer = await check(link)
    if dead or customer is None or dealer is None:
        return None
    lang = language(customer, request)
    terms = pricing.terms(customer, dealer.get("currency") or "", await rates.table(dealer["id"]))
    look = branding.of_row(dealer["id"], dealer["name"], brand if brand["dealer_id"] is not None else None)
    return Shop(link, customer, dealer, lang, terms, look, in_cart=int(found[0]["_in_cart"]))


async def render(request: Request, shop: Shop | None, template: str, context: dict[str, Any] | None = None,
                 status_code: int = 200, lang: str = "") -> Response:
    """A shop page (or its content fragment for htmx) in the customer's language, branded for the dealer."""
    data = dict(context or {})
    data.update(shop=shop, look=shop.look if shop else PLAIN)
    if shop is not None:
        data.setdefault("in_cart", shop.in_cart)  # the menu's cart count on every page (one that changes it counts)
    with in_language(lang or (shop.lang if shop else language(None, request))):
        return await page(request, template, data, status_code=status_code)


async def gone(request: Request) -> Response:
    """The one 404 page of the customer's side: an unknown, dead or foreign link or session; clears the cookie."""
    response = await render(request, None, "quicklinks/shop/gone.html", {}, status_code=404)
    response.delete_cookie(COOKIE, path=PATH)
    return response
