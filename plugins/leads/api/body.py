"""Reading an intake request's body: its size, its content type, its encoding and its syntax.

Nothing here runs before the sender's key was checked (the routes read the
body only then), and nothing a sender can put in a body gives more than a
4xx: the size is capped while the body streams in (413), the content type
must be the endpoint's (415), an XML document's encoding is chosen as
RFC 7303 says — a byte order mark, else the ``charset`` of Content-Type,
else the XML declaration, else UTF-8 — and only real text encodings are
accepted ("rot13" or "base64" are not), and a parser's complaint comes back
as a 400 with its line and column.
"""

from __future__ import annotations

import codecs
import json
import re
from decimal import Decimal
from typing import Any

from litestar import Request

from forecourt import gettext as _
from plugins.leads.api.problems import Problem

MAX_BODY = 512 * 1024  #: bytes a request may carry
JSON_TYPES = ("application/json",)
XML_TYPES = ("application/xml", "text/xml")
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def media_type(request: Request) -> tuple[str, dict[str, str]]:
    """Content-Type's type (lower case) and parameters; ("", {}) when there is none."""
    raw = request.headers.get("content-type", "")
    kind, *params = raw.split(";")
    found = {}
    for param in params:
        name, _sep, value = param.partition("=")
        found[name.strip().lower()] = value.strip().strip('"')
    return kind.strip().lower(), found


def check_type(request: Request, accepted: tuple[str, ...], suffix: str) -> dict[str, str]:
    """The Content-Type's parameters if its type is one of ``accepted`` (or ``*/*+suffix``, or none); else 415."""
    kind, params = media_type(request)
    if kind and kind not in accepted and not kind.endswith("+" + suffix):
        raise Problem("media-type", _("Content-Type %(type)s is not accepted here; send %(accepted)s.")
                      % {"type": kind[:60], "accepted": " or ".join(accepted)})
    return params


async def read(request: Request) -> bytes:
    """The body, at most :data:`MAX_BODY` bytes (413 beyond, told by Content-Length or counted as it streams)."""
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


def _decoded(body: bytes, encoding: str) -> str:
    try:
        codecs.lookup(encoding)
        return body.decode(encoding)
    except LookupError:
        raise Problem("malformed", _("Unknown or unusable character encoding “%(encoding)s”.")
                      % {"encoding": encoding[:40]}) from None
    except UnicodeDecodeError as exc:
        line = body[:exc.start].count(b"\n") + 1
        column = exc.start - (body.rfind(b"\n", 0, exc.start) + 1) + 1
        raise Problem("malformed", _("The body is not valid %(encoding)s text (line %(line)d, column %(column)d).")
                      % {"encoding": encoding[:40], "line": line, "column": column}, line=line,
                      column=column) from None
    except (UnicodeError, ValueError, TypeError):  # codecs that exist but decode nothing ("undefined")
        raise Problem("malformed", _("Unknown or unusable character encoding “%(encoding)s”.")
                      % {"encoding": encoding[:40]}) from None


def xml_text(body: bytes, params: dict[str, str]) -> str:
    """An XML body as text, in the encoding RFC 7303 picks; 400 for an unknown one or bytes that do not fit it."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return _decoded(body, encoding)
    declared = _DECLARATION.match(body)
    encoding = params.get("charset") or (declared.group(1).decode("ascii") if declared else "utf-8")
    return _decoded(body, encoding)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def json_value(body: bytes, params: dict[str, str]) -> tuple[Any, str]:
    """A JSON body (UTF-8, or Content-Type's charset) and its text; 400 with line and column when it cannot be read.

    Decimals stay exact (``parse_float=Decimal``), and ``NaN`` / ``Infinity``
    (which Python's reader would accept) are refused as not JSON.
    """
    text = _decoded(body, params.get("charset") or "utf-8")
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_no_constant), text
    except json.JSONDecodeError as exc:
        raise Problem("malformed", _("This is not valid JSON: %(problem)s (line %(line)d, column %(column)d).")
                      % {"problem": exc.msg, "line": exc.lineno, "column": exc.colno}, line=exc.lineno,
                      column=exc.colno) from None
    except RecursionError:
        raise Problem("malformed", _("The JSON is nested too deeply.")) from None
    except ValueError as exc:  # NaN / Infinity, or an integer too long to read
        raise Problem("malformed", _("This is not valid JSON: %(problem)s.") % {"problem": str(exc)[:100]}) from None
