"""Error answers of the intake API: RFC 9457 problem details, in the dealer's language.

Every refusal is a :class:`Problem` (an exception the routes turn into a
response), so a handler can refuse from any depth and the answer always has
the same shape: ``application/problem+json`` with ``type`` (a URI of the
problem kind, served at ``/leads/api/problems/<code>``), ``title``, ``status``,
``detail``, and, where they apply, ``errors`` (field -> message), ``line`` and
``column`` (where the parser stopped). The words are in the answer's
language (see :func:`plugins.leads.api.routes.language`).
"""

from __future__ import annotations

from typing import Any

from forecourt import PROBLEM_JSON as PROBLEM_JSON  # part of this module's API
from forecourt import ApiProblem
from forecourt import lazy_gettext as _l

TYPE_BASE = "/leads/api/problems/"
#: code -> (status, title, what it means and what to do); the docs and the OpenAPI schema list the same
KINDS: dict[str, tuple[int, Any, Any]] = {
    "malformed": (400, _l("The body cannot be read"), _l(
        "The body is not well-formed JSON or XML, or is not in the encoding it declares; `line` and `column` "
        "say where reading stopped. Fix the document; sending it again unchanged gives the same answer.")),
    "not-adf": (400, _l("This is not an ADF document"), _l(
        "The XML is well-formed but its root is not <adf> with at least one <prospect>.")),
    "not-a-lead": (400, _l("This is not one lead"), _l("The JSON endpoint takes one JSON object per request.")),
    "unauthorized": (401, _l("A valid intake key is required"), _l(
        "Send the key the dealer made for you as “Authorization: Bearer <key>” (or “X-Api-Key: <key>”). "
        "A revoked key is refused like a wrong one.")),
    "leads-off": (403, _l("The Leads module is switched off for this dealer"), _l(
        "The dealer does not take leads at the moment; nothing was stored. Try again later or ask the dealer.")),
    "not-found": (404, _l("There is no such intake address"), _l(
        "The intake API has /leads/api/intake (JSON) and /leads/api/intake/adf (ADF/XML).")),
    "method": (405, _l("Send leads with POST"), _l("The intake addresses take POST only (see the Allow header).")),
    "too-large": (413, _l("The body is too large"), _l(
        "A request may carry at most 512 KiB and 100 prospects; split the document.")),
    "media-type": (415, _l("Unsupported content type"), _l(
        "Send JSON as application/json and ADF as application/xml or text/xml (a charset parameter is honoured).")),
    "invalid": (422, _l("Some of the data is not valid"), _l(
        "Nothing was stored. `errors` says, per field, what is wrong; fix those fields and send the lead again.")),
    "too-many": (429, _l("Too many requests"), _l(
        "This key or this address sent too many requests in a short time; wait for the seconds in Retry-After.")),
    "server": (500, _l("Something went wrong on our side"), _l(
        "The error was logged and nothing was stored; send the lead again later (a retry with the same id never "
        "makes a second lead).")),
}


class Problem(ApiProblem):
    """A refusal of the intake API; :meth:`response` is its answer."""

    kinds = KINDS
    type_base = TYPE_BASE


kind = Problem.describe  #: what ``/leads/api/problems/<code>`` shows
