"""The telephony webhook as an OpenAPI 3.1 document, for anyone to read (``/orders/api/openapi.json``).

It names the one operation, its JSON body (the fields :mod:`.calls` reads),
the bearer-key security scheme (or ``X-Api-Key``) and every answer,
problem details included. The staff pages are not in it.
"""

from __future__ import annotations

from typing import Any

from forecourt import Message
from plugins.orders.api.calls import MAX_BODY
from plugins.orders.api.problems import KINDS, PROBLEM_JSON

EXAMPLE = {"caller": "+7 916 123-45-67", "time": "2026-12-02T09:15:00+03:00", "line": "Sales 1",
           "call_id": "pbx-20261202-0915-0042"}


def _english(label: Any) -> str:
    found = Message.of(label)
    return found.id if isinstance(found, Message) else str(found)


def _result() -> dict[str, Any]:
    return {"type": "object", "required": ["call", "created", "inquiry", "repeat_caller", "customer"], "properties": {
        "call": {"type": "integer", "description": "The call's id in Forecourt."},
        "created": {"type": "boolean", "description": "False: the call_id was known; nothing new was stored."},
        "inquiry": {"type": "object", "required": ["id", "number", "url", "created"], "properties": {
            "id": {"type": "integer"}, "number": {"type": "integer", "description": "The dealer's inquiry number."},
            "url": {"type": "string", "description": "The inquiry's card in Forecourt."},
            "created": {"type": "boolean", "description": "True: a new inquiry; false: the caller's open one."}}},
        "repeat_caller": {"type": "boolean",
                          "description": "The number already had an open inquiry: the call was added to it."},
        "customer": {"type": ["object", "null"], "description": "The dealer's customer with this number, if any.",
                     "properties": {"id": {"type": "integer"}, "number": {"type": ["integer", "null"]},
                                    "name": {"type": "string"}, "url": {"type": "string"}}},
    }}


def _problem() -> dict[str, Any]:
    return {"type": "object", "required": ["type", "title", "status", "detail"], "properties": {
        "type": {"type": "string", "description": "URI of the problem kind; GET it for an explanation."},
        "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "Field -> what is wrong with it."},
        "line": {"type": "integer"}, "column": {"type": "integer"},
    }}


def _responses() -> dict[str, Any]:
    result = {"application/json": {"schema": {"$ref": "#/components/schemas/Result"}}}
    problem = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    answers: dict[str, Any] = {
        "201": {"description": "The call was recorded: in a new inquiry, or added to the caller's open one.",
                "headers": {"Location": {"description": "The inquiry's card.", "schema": {"type": "string"}}},
                "content": result},
        "200": {"description": "The call_id was known: the earlier result; nothing was stored.", "content": result},
    }
    for code, (status, title, explanation) in KINDS.items():
        entry = answers.setdefault(str(status), {"description": "", "content": problem})
        entry["description"] = (entry["description"] + " " if entry["description"] else "") + (
            f"`{code}`: {_english(title)} — {_english(explanation)}")
    answers["429"]["headers"] = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}
    answers["401"]["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    return answers


def document(base_url: str) -> dict[str, Any]:
    """The OpenAPI document, with ``base_url`` as its server."""
    call = {"type": "object", "required": ["caller"], "additionalProperties": True,
            "description": f"One incoming call (at most {MAX_BODY // 1024} KiB). Unknown fields are ignored.",
            "properties": {
                "caller": {"type": "string", "maxLength": 40, "description": "The caller's number, any format; "
                           "without a country code it is read in the dealer's country."},
                "time": {"type": ["string", "null"], "format": "date-time", "maxLength": 40,
                         "description": "When the call came (ISO 8601; no offset: UTC; absent: now)."},
                "line": {"type": ["string", "null"], "maxLength": 60,
                         "description": "The dealer's line or extension it came in on."},
                "call_id": {"type": ["string", "null"], "maxLength": 100,
                            "description": "The telephony's id of the call: sent again, it is not recorded twice."},
            }}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Forecourt telephony webhook", "version": "1.0.0",
                 "description": "A dealer's telephony reports each incoming call; Forecourt records it in an "
                                "inquiry and recognises repeat callers by their number. The dealer's administrator "
                                "makes a key per telephony under Inquiries → Telephony keys. "
                                "See docs/guide-orders.md."},
        "servers": [{"url": base_url or "/"}],
        "security": [{"bearerKey": []}, {"headerKey": []}],
        "paths": {"/orders/api/calls": {"post": {
            "operationId": "reportCall", "summary": "Report one incoming call",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Call"},
                "examples": {"call": {"summary": "A call on the sales line", "value": EXAMPLE}}}}},
            "responses": _responses()}}},
        "components": {
            "securitySchemes": {
                "bearerKey": {"type": "http", "scheme": "bearer",
                              "description": "The key the dealer made for the telephony (fct_…)."},
                "headerKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key",
                              "description": "The same key in X-Api-Key."},
            },
            "schemas": {"Call": call, "Result": _result(), "Problem": _problem()},
        },
    }
