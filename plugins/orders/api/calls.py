"""Reading a call report: the body's size, type, encoding and syntax, then its fields.

Nothing here runs before the key was checked, and nothing a caller can put
in a body gives more than a 4xx: the size is capped while the body streams
in (413), the type must be JSON (415), the text UTF-8 and the JSON one
object (400, with line and column), and the fields are read with the field
kit (422 listing every field at once):

- ``caller`` (required): the caller's number in any format; read in the
  dealer's country when it has no country code ("89161234567" for a Russian
  dealer is +7 916 123-45-67);
- ``time``: when the call came, ISO 8601 (``2026-12-02T09:15:00+03:00``; no
  offset means UTC); absent: now; not before 2000 nor more than a day ahead;
- ``line``: the dealer's line or extension it came in on (at most 60 characters);
- ``call_id``: the telephony's id of the call (at most 100 characters): a
  call sent again with the same id is not recorded twice.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from litestar import Request

from forecourt import FieldReader, now
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.orders.api.problems import Problem
from plugins.orders.inquiries.services import phone_key

MAX_BODY = 16 * 1024  #: bytes a call report may carry
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LABELS = {"caller": _l("Caller's number"), "time": _l("Time of the call"), "line": _l("Line"),
          "call_id": _l("Call id")}


def check_type(request: Request) -> None:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind and kind != "application/json" and not kind.endswith("+json"):
        raise Problem("media-type", _("Content-Type %(type)s is not accepted here; send application/json.")
                      % {"type": kind[:60]})


async def read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise Problem("too-large")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise Problem("too-large")
        chunks.append(chunk)
    return b"".join(chunks)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse(body: bytes) -> dict[str, Any]:
    """The body as one JSON object; :class:`Problem` ``malformed`` otherwise."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem("malformed", _("The body is not valid UTF-8 text.")) from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise Problem("malformed", _("This is not valid JSON: %(problem)s (line %(line)d, column %(column)d).")
                      % {"problem": exc.msg, "line": exc.lineno, "column": exc.colno}, line=exc.lineno,
                      column=exc.colno) from None
    except RecursionError:
        raise Problem("malformed", _("The JSON is nested too deeply.")) from None
    except ValueError as exc:
        raise Problem("malformed", _("This is not valid JSON: %(problem)s.") % {"problem": str(exc)[:100]}) from None
    if not isinstance(data, dict):
        raise Problem("malformed", _("Send one call as a JSON object."))
    return data


def _time(raw: Any, errors: dict[str, str]) -> dt.datetime | None:
    if raw is None or raw == "":
        return now()
    label = LABELS["time"]
    if not isinstance(raw, str) or len(raw) > 40:
        errors["time"] = _("%(field)s: send the time as ISO 8601 text, e.g. 2026-12-02T09:15:00+03:00.") % {
            "field": label}
        return None
    try:  # a year-1 or year-9999 time with an offset cannot be moved to UTC: OverflowError
        moment = dt.datetime.fromisoformat(raw.strip())
        moment = (moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        errors["time"] = _("%(field)s: send the time as ISO 8601 text, e.g. 2026-12-02T09:15:00+03:00.") % {
            "field": label}
        return None
    if moment < EARLIEST or moment > now() + dt.timedelta(days=1):
        errors["time"] = _("%(field)s: the time is not plausible (before 2000 or more than a day ahead).") % {
            "field": label}
        return None
    return moment


def fields(data: dict[str, Any], language: str) -> dict[str, Any]:
    """The call's columns (``phone``, ``phone_rev``, ``line``, ``called_at``, ``external_id``); 422 if refused."""
    form = FieldReader(data)
    caller = form.text("caller", LABELS["caller"], 40)
    line = form.text("line", LABELS["line"], 60)
    call_id = form.text("call_id", LABELS["call_id"], 100)
    errors = dict(form.errors)
    called_at = _time(data.get("time"), errors)
    key = None
    if "caller" not in errors:
        if not caller:
            errors["caller"] = _("%(field)s: send the caller's phone number.") % {"field": LABELS["caller"]}
        elif (key := phone_key(caller, language)) is None:
            errors["caller"] = _("%(field)s: “%(value)s” is not a valid phone number.") % {
                "field": LABELS["caller"], "value": caller[:40]}
    if errors or key is None:
        raise Problem("invalid", errors=errors)
    return {"phone": key[0], "phone_rev": key[1], "line": line, "called_at": called_at, "external_id": call_id}
