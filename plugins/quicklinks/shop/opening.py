"""Opening a link: ``GET /quicklinks/o/{token}`` swaps the token for a session cookie and a URL without it.

Guarantees:

* rate-limited per client address (:data:`OPENS_PER_MINUTE`); over it: a 429
  page with ``Retry-After``, and the token is not even looked at;
* an unknown, revoked, regenerated or expired token, a deleted, blacklisted
  or invalid customer, a dealer without the module: the same 404 page after
  the same reads (one hashed lookup, the dealer, the customer);
* a live link: the ``fc_ql`` cookie (see :mod:`.session`), a use "open" in the
  manager's log, and a 303 to ``/quicklinks/shop/`` — the token leaves the
  address bar at once, and with ``Referrer-Policy: no-referrer`` it is never
  sent on as a Referer. The access log rewrites the token to ``[token]``
  (core/server.py), so it is written nowhere.
"""

from __future__ import annotations

import datetime as dt

from litestar import Request, Response, get
from litestar.datastructures import Cookie
from litestar.params import FromPath

from forecourt import rate_limit
from plugins.quicklinks import links, uses
from plugins.quicklinks.shop import session

OPENS_PER_MINUTE = 30


@get("/o/{token:str}", name="quicklinks_open", **session.SHOP)
async def open_link(request: Request, token: FromPath[str]) -> Response:
    """The customer's magic link."""
    limit = await rate_limit(f"quicklinks.open:{session.client(request)}", OPENS_PER_MINUTE, dt.timedelta(minutes=1))
    if not limit.allowed:
        response = await session.render(request, None, "quicklinks/shop/busy.html", {}, status_code=429)
        response.headers["retry-after"] = str(limit.retry_after)
        return response
    link = await links.resolve(token)
    dead, customer, dealer = await session.check(link)
    if link is None or dead or customer is None or dealer is None:
        return await session.gone(request)
    await uses.record(int(link["dealer_id"]), int(link["id"]), "open", request.headers.get("user-agent", ""))
    response = Response(content=b"", status_code=303, headers={"location": f"{session.PATH}/"})
    response.cookies.append(Cookie(key=session.COOKIE, value=session.cookie_value(link), path=session.PATH,
                                   httponly=True, samesite="lax",
                                   secure=request.url.scheme == "https" or request.app.state.settings.secure_cookies,
                                   max_age=session.MAX_AGE))
    return response


ROUTES = [open_link]
