"""Reading the test server's log: the 5xx answers and unhandled exceptions it recorded.

Used by :mod:`forecourt.testing` to fail a test whose server misbehaved
(a test passing while the server answered 500 hid defects before).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: uvicorn's access line, e.g. ``INFO:     127.0.0.1:5000 - "POST /deals/2 HTTP/1.1" 500 Internal Server Error``
_ACCESS = re.compile(r'"(?P<method>[A-Z]+) (?P<target>\S+) HTTP/[\d.]+" (?P<status>[1-5]\d\d)\b')
#: what core.web.errors logs for an exception no handler turned into an answer
_UNHANDLED = re.compile(r"unhandled error on (?P<method>[A-Z]+) (?P<path>\S+)")
#: exceptions that escaped the app (uvicorn) or a task nobody awaited (asyncio)
_CRASHES = ("Exception in ASGI application", "Task exception was never retrieved", "Exception in callback")
#: the start of a log record (uvicorn's "INFO:", Litestar's "ERROR - ..."): a traceback ends there
_RECORD = re.compile(r"^(?:DEBUG|INFO|WARNING|ERROR|CRITICAL)\b")
#: a path segment ``boom``: a route that fails on purpose, to show the error page
_DELIBERATE = re.compile(r"(?:^|/)boom(?:/|$)")


def _last_line(lines: list[str], start: int) -> str:
    """The exception of the traceback that follows ``lines[start]`` (its last line), or ""."""
    last = ""
    for line in lines[start + 1:]:
        if _RECORD.match(line):
            break
        if line.strip() and not line.startswith((" ", "\t")):
            last = line.strip()
    return last if last != lines[start].strip() else ""


def server_errors(log_text: str) -> list[str]:
    """Each 5xx answer and unhandled exception in ``log_text`` (a piece of the server's log), one line each.

    An exception no handler turned into an answer gives a 500 (the core's
    exception handler logs it, with its traceback, and answers 500); the 500
    is named with that exception where the log has it (``POST /deals/2 →
    500: ValueError: ...``). An exception raised once an answer had started,
    or in a task nobody awaited, is listed on its own. Requests to a path
    with a segment ``boom`` are left out: they fail on purpose.
    """
    lines = log_text.splitlines()
    unhandled: dict[tuple[str, str], list[str]] = {}
    answers: list[tuple[str, str, str]] = []
    crashes: list[str] = []
    for i, line in enumerate(lines):
        if match := _ACCESS.search(line):
            path = unquote(urlsplit(match["target"]).path)
            if match["status"].startswith("5") and not _DELIBERATE.search(path):
                answers.append((match["method"], path, match["status"]))
        elif match := _UNHANDLED.search(line):
            unhandled.setdefault((match["method"], unquote(match["path"])), []).append(_last_line(lines, i))
        elif any(marker in line for marker in _CRASHES):
            exc = _last_line(lines, i)
            crashes.append(f"unhandled exception outside a request's answer: {exc or line.strip()}")
    found = []
    for method, path, status in answers:
        excs = unhandled.get((method, path)) or []
        exc = excs.pop(0) if excs else ""
        found.append(f"{method} {path} → {status}" + (f": {exc}" if exc else ""))
    return found + crashes


@dataclass
class ServerLog:
    """The test server's log, read on from where the last look stopped."""

    path: Path
    offset: int = 0
    between: list[str] = field(default_factory=list)  #: found outside any test

    def _read(self) -> str:
        try:
            with self.path.open("rb") as fh:
                fh.seek(self.offset)
                data = fh.read()
        except OSError:
            return ""
        complete = data.rfind(b"\n") + 1  # a line still being written is read next time
        self.offset += complete
        return data[:complete].decode("utf-8", "replace")

    def new_errors(self, wait: float = 3.0) -> list[str]:
        """The 5xx answers and unhandled exceptions logged since the last look.

        Litestar's log records reach the file from a queue (a thread of their
        own), so a 500's exception may trail its access line: if one is not
        named yet, wait up to ``wait`` seconds for it.
        """
        text = self._read()
        found = server_errors(text)
        deadline = time.monotonic() + wait
        while any(": " not in f.split(" → ", 1)[-1] for f in found if " → " in f) and time.monotonic() < deadline:
            time.sleep(0.05)
            text += self._read()
            found = server_errors(text)
        return found
