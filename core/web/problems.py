"""Error answers of a plugin's HTTP API: RFC 9457 problem details (``application/problem+json``).

A plugin declares its kinds once — code -> (HTTP status, title, what it
means and what to do) — and a subclass of :class:`ApiProblem` naming them
and the address their explanations are served at. Every refusal is then an
exception a handler may raise from any depth; the routes turn it into the
answer, which always has the same shape: ``type`` (``type_base`` + code),
``title``, ``status``, ``detail`` and, where they apply, ``errors`` (field
-> message) and the kind's own extra members (e.g. ``line``, ``column``).
Titles and explanations are labels, so the answer is in the language the
routes set.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from litestar import Request, Response
from litestar.exceptions import HTTPException

from core.i18n import in_language, negotiate

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("forecourt.api")


def answer_language(request: Request, dealer: Mapping[str, Any] | None = None) -> str:
    """An API answer's language: what ``Accept-Language`` asks for, else the dealer's, else English."""
    asked = request.headers.get("accept-language", "")
    if asked.strip():
        try:
            return negotiate(asked[:200])
        except ValueError:
            pass
    return (dealer or {}).get("language") or "en"


class ApiProblem(Exception):
    """A refusal of an API; :meth:`response` is its answer. Subclass it with ``kinds`` and ``type_base``."""

    #: code -> (status, title, explanation); the subclass's own table
    kinds: ClassVar[Mapping[str, tuple[int, Any, Any]]]
    #: where ``/<code>`` explains a kind, e.g. ``"/leads/api/problems/"``
    type_base: ClassVar[str]

    def __init__(self, code: str, detail: str = "", *, errors: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.status = self.kinds[code][0]
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        status, title, explanation = self.kinds[self.code]
        body: dict[str, Any] = {"type": self.type_base + self.code, "title": str(title), "status": status,
                                "detail": self.detail or str(explanation)}
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body

    def response(self, language: str) -> Response:
        return Response(content=self.body(), status_code=self.status, media_type=PROBLEM_JSON,
                        headers={"content-language": language, **self.headers})

    @classmethod
    def describe(cls, code: str) -> dict[str, Any]:
        """What ``type_base + code`` shows: the kind's type, status, title and explanation."""
        status, title, explanation = cls.kinds[code]
        return {"type": cls.type_base + code, "status": status, "title": str(title), "description": str(explanation)}

    @classmethod
    def exception_handlers(cls) -> dict[Any, Callable[[Request, Exception], Response]]:
        """Every error of the API's routes as one of its problems: never an HTML page under its address.

        A :class:`ApiProblem` is answered as it is; a status Litestar raised
        itself (405, 404 …) as the kind with that status (else ``malformed``);
        anything else is our own bug: logged, answered as ``server`` (a 500).
        The kinds must include ``malformed`` and ``server``.
        """

        def failed(request: Request, exc: Exception) -> Response:
            lang = answer_language(request)
            with in_language(lang):
                if isinstance(exc, ApiProblem):
                    return exc.response(lang)
                if isinstance(exc, HTTPException) and exc.status_code < 500:
                    code = next((c for c, (status, *_rest) in cls.kinds.items() if status == exc.status_code),
                                "malformed")
                    return cls(code, headers=dict(exc.headers or {})).response(lang)
                log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
                return cls("server").response(lang)

        return {Exception: failed}
