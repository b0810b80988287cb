"""The intake API as an OpenAPI 3.1 document: only the integration routes, for anyone to read.

Served at ``/leads/api/openapi.json`` without a login, because integrators
read it before a dealer gives them a key. It names the two operations, their
request bodies (the JSON fields from :data:`plugins.leads.api.jsonlead.FIELDS`,
the same list the reader takes; ADF as XML), the bearer-key security scheme
(or ``X-Api-Key``) and every answer, problem details included. The staff
UI's routes are not in it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from forecourt import Message
from plugins.leads.api import body, jsonlead
from plugins.leads.api.adf import MAX_PROSPECTS
from plugins.leads.api.problems import KINDS, PROBLEM_JSON

EXAMPLE_ADF = (Path(__file__).parent / "example.adf.xml").read_text(encoding="utf-8")
EXAMPLE_JSON = {f.name: f.example for f in jsonlead.FIELDS if f.example is not None and f.name != "currency"}


def _english(label: Any) -> str:
    """A ``lazy_gettext`` label's English text (the schema is in English, whoever reads it)."""
    found = Message.of(label)
    return found.id if isinstance(found, Message) else str(found)


def _field_schema(spec: jsonlead.Field) -> dict[str, Any]:
    if spec.kind == "number":
        return {"type": ["number", "string", "null"], "maxLength": spec.limit, "description": spec.description}
    schema: dict[str, Any] = {"type": ["string", "null"], "maxLength": spec.limit, "description": spec.description}
    if spec.choices:
        schema["enum"] = [*spec.choices, None]
    return schema


def _result_schema() -> dict[str, Any]:
    return {"type": "object", "required": ["status", "id", "created", "updated", "notes"], "properties": {
        "status": {"type": "integer", "enum": [200, 201, 422]},
        "id": {"type": ["integer", "null"], "description": "The lead's id (null when refused)."},
        "created": {"type": "boolean", "description": "True: a new lead; false: the reference was known."},
        "updated": {"type": "array", "items": {"type": "string", "enum": ["email", "phone", "city", "note"]},
                    "description": "What a resend changed on the lead."},
        "notes": {"type": "array", "items": {"type": "string"},
                  "description": "What was kept as sent or left out (the lead was still taken)."},
        "errors": {"type": "object", "additionalProperties": {"type": "string"}},
        "prospect": {"type": "integer", "description": "ADF: the prospect's position in the document, from 1."},
    }}


def _problem_schema() -> dict[str, Any]:
    return {"type": "object", "required": ["type", "title", "status", "detail"], "properties": {
        "type": {"type": "string", "description": "URI of the problem kind; GET it for an explanation."},
        "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "Field -> what is wrong with it."},
        "line": {"type": "integer"}, "column": {"type": "integer"},
        "notes": {"type": "array", "items": {"type": "string"}},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}},
    }}


def _responses(created: dict[str, Any]) -> dict[str, Any]:
    problem = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    answers: dict[str, Any] = {
        "201": {"description": "A new lead was made.", "headers": {"Location": {
            "description": "The lead's card in Forecourt.", "schema": {"type": "string"}}}, "content": created},
        "200": {"description": "The sender's id was known: the lead it made before (a resend updates its "
                               "e-mail, phone, city and comments).", "content": created},
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
    lead = {"type": "object", "required": ["surname", "model"], "additionalProperties": True,
            "description": "One lead. Besides surname and model, an e-mail or a phone is required. Fields this "
                           "API does not know are ignored (and named in `notes`).",
            "properties": {f.name: _field_schema(f) for f in jsonlead.FIELDS}}
    single = {"application/json": {"schema": {"$ref": "#/components/schemas/Result"}}}
    several = {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/Result"}, {
        "type": "object", "required": ["status", "results"], "properties": {
            "status": {"type": "integer"}, "results": {"type": "array",
                                                       "items": {"$ref": "#/components/schemas/Result"}}}}]}}}
    adf_responses = _responses(several)
    adf_responses["207"] = {"description": "Some prospects were taken and some refused: see each result.",
                            "content": several}
    xml_body = {"schema": {"type": "string", "maxLength": body.MAX_BODY}, "examples": {
        "full": {"summary": "A portal's lead with a trade-in", "value": EXAMPLE_ADF}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Forecourt lead intake", "version": "1.0.0",
                 "description": "Lead portals, brand websites and partners send leads to a Forecourt dealer. "
                                "The dealer's administrator makes a key per sender (Leads → Settings). "
                                "See docs/integrations.md for the ADF field mapping, idempotency and limits."},
        "servers": [{"url": base_url or "/"}],
        "security": [{"bearerKey": []}, {"headerKey": []}],
        "paths": {
            "/leads/api/intake": {"post": {
                "operationId": "sendLead", "summary": "Send one lead as JSON",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Lead"}, "examples": {
                        "lead": {"summary": "A lead with a reference", "value": EXAMPLE_JSON}}}}},
                "responses": _responses(single)}},
            "/leads/api/intake/adf": {"post": {
                "operationId": "sendAdf", "summary": "Send leads as ADF 1.0 XML (one lead per <prospect>)",
                "description": f"At most {MAX_PROSPECTS} prospects and {body.MAX_BODY // 1024} KiB per document. "
                               "The encoding is the byte order mark's, else Content-Type's charset, else the XML "
                               "declaration's, else UTF-8.",
                "requestBody": {"required": True, "content": {"application/xml": xml_body, "text/xml": xml_body}},
                "responses": adf_responses}},
        },
        "components": {
            "securitySchemes": {
                "bearerKey": {"type": "http", "scheme": "bearer", "description": "The key the dealer made for you "
                              "(fcl_…), as Authorization: Bearer <key>."},
                "headerKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key",
                              "description": "The same key in X-Api-Key."},
            },
            "schemas": {"Lead": lead, "Result": _result_schema(), "Problem": _problem_schema()},
        },
    }
