"""The webhook's addresses under ``/orders/api/``: the calls, their problem kinds, the OpenAPI schema.

Every answer here is JSON, errors as RFC 9457 problem details — also a wrong
method (405), an unknown address under ``/orders/api/`` (404) and our own
failure (500, logged), which the core would otherwise answer with an HTML
page. The key is checked (and the request counted against the limits)
before the body is read; a key whose dealer has Orders off, or is
deactivated, gets 403 and nothing is stored. Answers are in the language
``Accept-Language`` asks for, else the dealer's.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from litestar import HttpMethod, MediaType, Request, Response, get, post, route
from litestar.params import FromPath

from forecourt import (
    answer_language,
    api_key_of,
    check_api_key,
    dealers_with_module,
    enabled_modules,
    in_language,
    system_context,
)
from forecourt import gettext as _
from plugins.orders.api import calls, openapi
from plugins.orders.api.problems import KINDS, Problem, kind
from plugins.orders.inquiries import services
from plugins.orders.inquiries.telephony import PREFIX, PURPOSE

API = {"public": True, "exclude_from_csrf": True}  #: no session and no CSRF: the key is the credential
OTHER_METHODS = [HttpMethod.GET, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE]


language = answer_language  #: the answer's language (Accept-Language, else the dealer's, else English)
HANDLERS = Problem.exception_handlers()


async def _authenticated(request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    """The request's live telephony key and its dealer (with Orders on); :class:`Problem` otherwise."""
    address = (request.client.host if request.client else "")[:64]
    found = await check_api_key(PURPOSE, api_key_of(request.headers), address, PREFIX)
    if found.refused == "too_many":
        raise Problem("too-many", _("Too many requests; try again in %(seconds)d s.") % {
            "seconds": found.retry_after}, headers={"retry-after": str(found.retry_after)})
    if found.key is None:
        raise Problem("unauthorized", headers={"www-authenticate": 'Bearer realm="orders telephony"'})
    dealers = await dealers_with_module("orders", among=[found.key["dealer_id"]])
    if not dealers:
        raise Problem("orders-off")
    return found.key, dealers[0]


def _answer(taken: services.Taken) -> Response:
    body = {"call": taken.call_id, "created": taken.call_created,
            "inquiry": {"id": taken.inquiry_id, "number": taken.inquiry_number,
                        "url": f"/orders/inquiries/{taken.inquiry_id}", "created": taken.inquiry_created},
            "repeat_caller": not taken.inquiry_created,
            "customer": ({k: taken.customer.get(k) for k in ("id", "number", "name", "url")}
                         if taken.customer else None)}
    status = 201 if taken.call_created else 200
    return Response(content=body, status_code=status, media_type=MediaType.JSON,
                    headers={"location": f"/orders/inquiries/{taken.inquiry_id}"})


@post("/api/calls", opt=API, exception_handlers=HANDLERS, include_in_schema=False)
async def report_call(request: Request) -> Response:
    """One incoming call (see the OpenAPI document): a Call, and a new inquiry or the caller's open one."""
    lang = language(request)
    try:
        with in_language(lang):
            key, dealer = await _authenticated(request)
        lang = language(request, dealer)
        with in_language(lang):
            calls.check_type(request)
            values = calls.fields(calls.parse(await calls.read_body(request)), dealer["language"])
            ctx = system_context(dealer["id"], frozenset(await enabled_modules(dealer["id"])), dealer["name"],
                                 dealer["language"])
            ctx = dataclasses.replace(ctx, user_name=key["name"])  # the history's author: the telephony
            response = _answer(await services.take_call(ctx, values, key["id"]))
    except Problem as exc:
        with in_language(lang):
            return exc.response(lang)
    response.headers["content-language"] = lang
    return response


@route("/api/calls", http_method=OTHER_METHODS, opt=API, exception_handlers=HANDLERS, status_code=405,
       include_in_schema=False)
async def wrong_method(request: Request) -> Response:
    with in_language(lang := language(request)):
        return Problem("method", headers={"allow": "POST"}).response(lang)


@route("/api/{rest:path}", http_method=[*OTHER_METHODS, HttpMethod.POST], opt=API, exception_handlers=HANDLERS,
       status_code=404, include_in_schema=False)
async def unknown(request: Request) -> Response:
    with in_language(lang := language(request)):
        return Problem("not-found").response(lang)


@get("/api/problems/{code:str}", opt=API, exception_handlers=HANDLERS, include_in_schema=False)
async def problem_kind(request: Request, code: FromPath[str]) -> Response:
    with in_language(lang := language(request)):
        if code not in KINDS:
            return Problem("not-found").response(lang)
        return Response(content=kind(code), media_type=MediaType.JSON, headers={"content-language": lang})


@get("/api/openapi.json", opt=API, exception_handlers=HANDLERS, include_in_schema=False)
async def schema(request: Request) -> Response:
    """The webhook as OpenAPI 3.1, for anyone: the telephony's integrator reads it before having a key."""
    return Response(content=openapi.document(str(request.base_url).rstrip("/")), media_type=MediaType.JSON)


ROUTES = [report_call, wrong_method, unknown, problem_kind, schema]
