"""Error answers of the telephony webhook: RFC 9457 problem details, in the dealer's language.

Every refusal is a :class:`Problem` (an exception the routes turn into an
``application/problem+json`` answer) with ``type`` (served at
``/orders/api/problems/<code>``), ``title``, ``status``, ``detail`` and, for
invalid fields, ``errors`` (field -> message).
"""

from __future__ import annotations

from typing import Any

from forecourt import PROBLEM_JSON as PROBLEM_JSON  # part of this module's API
from forecourt import ApiProblem
from forecourt import lazy_gettext as _l

TYPE_BASE = "/orders/api/problems/"
#: code -> (status, title, what it means and what to do); the OpenAPI schema lists the same
KINDS: dict[str, tuple[int, Any, Any]] = {
    "malformed": (400, _l("The body cannot be read"), _l(
        "The body is not well-formed UTF-8 JSON, or not one JSON object; `line` and `column` say where reading "
        "stopped.")),
    "unauthorized": (401, _l("A valid telephony key is required"), _l(
        "Send the key the dealer made under Inquiries → Telephony keys as “Authorization: Bearer <key>” (or "
        "“X-Api-Key: <key>”). A revoked key is refused like a wrong one.")),
    "orders-off": (403, _l("The Orders module is switched off for this dealer"), _l(
        "The dealer does not take calls into Forecourt at the moment; nothing was stored.")),
    "not-found": (404, _l("There is no such address"), _l("The telephony webhook is POST /orders/api/calls.")),
    "method": (405, _l("Send calls with POST"), _l("/orders/api/calls takes POST only (see the Allow header).")),
    "too-large": (413, _l("The body is too large"), _l("A call is reported in at most 16 KiB.")),
    "media-type": (415, _l("Unsupported content type"), _l("Send the call as application/json.")),
    "invalid": (422, _l("Some of the data is not valid"), _l(
        "Nothing was stored. `errors` says, per field, what is wrong; fix those fields and send the call again.")),
    "too-many": (429, _l("Too many requests"), _l(
        "This key or this address sent too many requests in a short time; wait for the seconds in Retry-After.")),
    "server": (500, _l("Something went wrong on our side"), _l(
        "The error was logged and nothing was stored; send the call again later (with the same call_id it is "
        "never recorded twice).")),
}


class Problem(ApiProblem):
    """A refusal of the webhook; :meth:`response` is its answer."""

    kinds = KINDS
    type_base = TYPE_BASE


kind = Problem.describe  #: what ``/orders/api/problems/<code>`` shows
