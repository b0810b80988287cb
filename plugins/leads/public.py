"""The public pre-order form (manual 000): no login, the customer picks a dealer, version and trim.

Protected against spam and floods: a honeypot field that people never see,
a per-address limit of pre-orders per hour, and only dealers that have the
leads module switched on are offered or accepted. The answer is in the
customer's language (the browser's).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post

from forecourt import (
    Message,
    ValidationFailed,
    dealers_with_module,
    enabled_modules,
    page,
    rate_limit,
    system_context,
)
from forecourt import gettext as _
from plugins.leads import catalogue, incoming

PER_HOUR = 5  #: pre-orders one address may send to one dealer in an hour (counted atomically: core.ratelimit)


class _TooMany(Exception):
    """Over the address's limit: nothing of this pre-order is written."""


def _client(request: Request) -> str:
    return (request.client.host if request.client else "")[:64]


def _trim_context(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """What the trim row needs: the trims of the chosen version (all, by version, before a choice)."""
    return {"values": values, "errors": errors, "versions": catalogue.VERSIONS,
            "trims": catalogue.trims(str(values.get("version") or ""))}


async def _form(request: Request, values: dict[str, Any], errors: dict[str, str], status: int = 200) -> Response:
    return await page(request, "leads/pre_order.html", {
        **_trim_context(values, errors), "dealers": await dealers_with_module("leads"), "model": catalogue.MODEL,
    }, status_code=status)


@get("/pre-order", opt={"public": True})
async def pre_order_form(request: Request) -> Response:
    return await _form(request, {}, {})


@get("/pre-order/trims", opt={"public": True})
async def pre_order_trims(request: Request) -> Response:
    """htmx, when the version changes: the trim row again, with that version's trims (the trim kept if it fits)."""
    q = request.query_params
    values = {"version": str(q.get("version") or "")[:100], "trim": str(q.get("trim") or "")[:100]}
    return await page(request, "leads/_pre_order_trims.html", _trim_context(values, {}))


@post("/pre-order", opt={"public": True})
async def pre_order(request: Request) -> Response:
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    if data.get("website"):  # the honeypot: only robots fill a field people cannot see
        return await page(request, "leads/pre_order_done.html", {"name": ""})
    if data.get("show_trims"):  # "Show trims" without JavaScript: the same form, the version's trims, all kept
        return await _form(request, data, {})
    errors = {}
    dealers = {str(d["id"]): d for d in await dealers_with_module("leads")}
    dealer = dealers.get(data.get("dealer", ""))
    if dealer is None:
        errors["dealer"] = _("Choose the dealer where you want to buy.")
    price = catalogue.price(data.get("version", ""), data.get("trim", ""))
    if data.get("version", "") not in catalogue.VERSIONS:
        errors["version"] = _("Choose a version.")
    elif not data.get("trim"):
        errors["trim"] = _("Choose a trim.")
    elif price is None:
        errors["trim"] = _("This trim is not available for the chosen version.")
    if data.get("consent") != "1":
        errors["consent"] = _("Please agree that the dealer may contact you about your pre-order.")
    try:
        if errors:
            raise ValidationFailed(errors)
        ctx = system_context(dealer["id"], await enabled_modules(dealer["id"]), dealer["name"], dealer["language"])
        values = {**{k: data.get(k, "") for k in ("surname", "first_name", "phone", "email", "version", "trim")},
                  "model": catalogue.MODEL, "price": str(price), "source": "website", "request_type": "pre_order",
                  "city": dealer["city"]}
        read = incoming.values_or_raise(incoming.read(values, dealer["language"]))  # a refused form uses no turn

        async def count_the_address(_values: dict[str, Any]) -> None:
            """In the lead's transaction: the address's count, the turn and the lead are all or nothing."""
            limit = await rate_limit(f"leads.pre_order:{dealer['id']}:{_client(request)}", PER_HOUR,
                                     dt.timedelta(hours=1))
            if not limit.allowed:
                raise _TooMany(limit.retry_after)

        await incoming.take(ctx, read, extra={"client_ip": _client(request)}, before=count_the_address,
                            reminder=lambda row: Message("New pre-order from the website: %(name)s",
                                                         name=incoming.full_name(row)))
    except ValidationFailed as exc:
        return await _form(request, data, {**errors, **exc.errors}, 422)
    except _TooMany as refused:
        response = await _form(request, data, {"_": _("Too many pre-orders from your address. Please try again in "
                                                       "an hour, or call the dealer.")}, 429)
        response.headers["Retry-After"] = str(refused.args[0])
        return response
    return await page(request, "leads/pre_order_done.html", {"name": data.get("first_name") or data.get("surname"),
                                                             "dealer": dealer, "price": price})


ROUTES = [pre_order_form, pre_order_trims, pre_order]
