"""The intake API's addresses under ``/leads/api/``: JSON and ADF leads, their problem kinds, the OpenAPI schema.

Every answer here is JSON, errors as RFC 9457 problem details
(:mod:`plugins.leads.api.problems`) — also a wrong method (405), an
unknown address under ``/leads/api/`` (404) and our own failure (500,
logged), which the core would otherwise answer with an HTML page. The key
is checked (and the request counted against the limits) before the body is
read at all; only then is the body read, capped, decoded and parsed.
Answers are in the language the request's ``Accept-Language`` asks for, else
in the key's dealer's language.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import HttpMethod, MediaType, Request, Response, get, post, route
from litestar.params import FromPath

from forecourt import answer_language, dealers_with_module, in_language
from forecourt import gettext as _
from plugins.leads.api import access, adf, body, jsonlead, openapi
from plugins.leads.api.problems import KINDS, Problem, kind
from plugins.leads.api.receive import Item, Outcome, receive

API = {"public": True, "exclude_from_csrf": True}  #: no session and no CSRF: the key is the credential
OTHER_METHODS = [HttpMethod.GET, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE]
Work = Callable[[Request, dict[str, Any], dict[str, Any]], Awaitable[Response]]


language = answer_language  #: the answer's language (Accept-Language, else the dealer's, else English)
HANDLERS = Problem.exception_handlers()


async def _guarded(request: Request, work: Work) -> Response:
    """``work(request, key, dealer)`` for a request with a live key of a dealer that has leads on."""
    lang = language(request)
    try:
        with in_language(lang):
            key = await access.authenticate(request)
            found = await dealers_with_module("leads", among=[key["dealer_id"]])
            if not found:
                raise Problem("leads-off")
        lang = language(request, found[0])
        with in_language(lang):
            response = await work(request, key, found[0])
    except Problem as exc:
        with in_language(lang):
            return exc.response(lang)
    response.headers["content-language"] = lang
    return response


def _result(outcome: Outcome) -> dict[str, Any]:
    shown: dict[str, Any] = {"status": outcome.status, "id": outcome.lead_id, "created": outcome.created,
                             "updated": outcome.updated, "notes": [str(n) for n in outcome.notes]}
    if outcome.errors:
        shown["errors"] = outcome.errors
    return shown


def _single(outcome: Outcome, **extra: Any) -> Response:
    if outcome.status == 422:
        raise Problem("invalid", errors=outcome.errors, notes=[str(n) for n in outcome.notes], **extra)
    headers = {"location": f"/leads/{outcome.lead_id}"} if outcome.created else {}
    return Response(content={**_result(outcome), **extra}, status_code=outcome.status, media_type=MediaType.JSON,
                    headers=headers)


async def _json(request: Request, key: dict[str, Any], dealer: dict[str, Any]) -> Response:
    params = body.check_type(request, body.JSON_TYPES, "json")
    data, text = body.json_value(await body.read(request), params)
    if not isinstance(data, dict):
        raise Problem("not-a-lead", _("Send one lead as a JSON object."))
    lead = jsonlead.read(data)
    item = Item(values=lead.values, format="json", document=text, external_id=lead.external_id,
                currency=lead.currency, notes=lead.notes, errors=lead.errors, labels=jsonlead.LABELS)
    return _single(await receive(key, dealer, item))


def _overall(outcomes: list[Outcome]) -> int:
    """One status for a document of several prospects: 201/200 when all were taken, 207 when some were not."""
    refused = sum(o.status == 422 for o in outcomes)
    if refused:
        return 422 if refused == len(outcomes) else 207
    return 201 if any(o.created for o in outcomes) else 200


async def _adf(request: Request, key: dict[str, Any], dealer: dict[str, Any]) -> Response:
    params = body.check_type(request, body.XML_TYPES, "xml")
    text = body.xml_text(await body.read(request), params)
    outcomes = []
    for prospect in adf.parse(text, dealer["language"]):
        item = Item(values=prospect.values, format="adf", document=prospect.document,
                    external_id=prospect.external_id, id_source=prospect.id_source, currency=prospect.currency,
                    details=prospect.details, notes=prospect.notes)
        outcomes.append(await receive(key, dealer, item))
    results = [{"prospect": i, **_result(o)} for i, o in enumerate(outcomes, 1)]
    if len(outcomes) == 1:
        return _single(outcomes[0], results=results)
    status = _overall(outcomes)
    if status == 422:
        raise Problem("invalid", _("None of the prospects could be taken; see results."), results=results)
    return Response(content={"status": status, "results": results}, status_code=status, media_type=MediaType.JSON)


@post("/api/intake", opt=API, exception_handlers=HANDLERS, include_in_schema=False)
async def intake_json(request: Request) -> Response:
    """One lead as a JSON object (see docs/integrations.md)."""
    return await _guarded(request, _json)


@post("/api/intake/adf", opt=API, exception_handlers=HANDLERS, include_in_schema=False)
async def intake_adf(request: Request) -> Response:
    """Leads as an ADF/XML document: one lead per ``<prospect>``."""
    return await _guarded(request, _adf)


@route(["/api/intake", "/api/intake/adf"], http_method=OTHER_METHODS, opt=API, exception_handlers=HANDLERS,
       status_code=405, include_in_schema=False)
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
    """What a problem ``type`` of this API means (the URI every problem answer carries)."""
    with in_language(lang := language(request)):
        if code not in KINDS:
            return Problem("not-found").response(lang)
        return Response(content=kind(code), media_type=MediaType.JSON, headers={"content-language": lang})


@get("/api/openapi.json", opt=API, exception_handlers=HANDLERS, include_in_schema=False)
async def schema(request: Request) -> Response:
    """The intake API as OpenAPI 3.1, for anyone: integrators read it before they have a key."""
    return Response(content=openapi.document(str(request.base_url).rstrip("/")), media_type=MediaType.JSON)


ROUTES = [intake_json, intake_adf, wrong_method, unknown, problem_kind, schema]
