"""Static files that browsers keep: versioned URLs, a year's immutable cache, 304s, no cookies.

Templates link ``static('css/forecourt.css')`` as ``/static/css/forecourt.css?v=<hash>``
(the first 12 hex digits of the file's SHA-256). A request carrying the
current hash may be cached for a year without asking again, because a changed
file gets a new URL; any other request (no or an old ``v``) must revalidate,
and a conditional request whose ``If-None-Match`` matches gets a bodiless 304,
so an old office PC on a slow line downloads htmx and the CSS once.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from urllib.parse import parse_qs

from litestar import Response, get
from litestar.response import File
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core import runtime

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
#: seconds a template's static URL is reused before its file is looked at again
RECHECK = 2.0


def file_hash(root: Path, path: str) -> str | None:
    """The version of ``root/path`` (re-read only when its mtime changes), or None if it is missing."""
    full = (root / path).resolve()
    try:
        mtime = full.stat().st_mtime
    except OSError:
        return None
    hashes = runtime.current().static_hashes
    known = hashes.get(full)
    if known and known[0] == mtime:
        return known[1]
    digest = hashlib.sha256(full.read_bytes()).hexdigest()[:12]
    hashes[full] = (mtime, digest)
    return digest


def static_url(root: Path, path: str) -> str:
    """The versioned URL of a static file, the ``static()`` of every template.

    A page links a few (~25 µs each to resolve and stat the file): the URL is
    kept for :data:`RECHECK` seconds, so a file changed on disk gets its new
    URL within that time. Keyed by the templates' own paths (a bounded set,
    never a client's).
    """
    urls = runtime.current().static_urls
    moment = time.monotonic()
    known = urls.get((root, path))
    if known is not None and moment - known[0] < RECHECK:
        return known[1]
    digest = file_hash(root, path)
    url = f"/static/{path}?v={digest}" if digest else f"/static/{path}"
    urls[(root, path)] = (moment, url)
    return url


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return value.decode("latin-1")
    return None


class StaticCacheMiddleware:
    """Adds Cache-Control to static answers and turns a matching conditional GET into a 304."""

    def __init__(self, app: ASGIApp, root: Path) -> None:
        self.app = app
        self.root = root

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"].removeprefix("/static/")
        wanted = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [""])[0]
        current = file_hash(self.root, path) if wanted else None
        cache = IMMUTABLE if wanted and wanted == current else REVALIDATE
        if_none_match = _header(scope, b"if-none-match")
        not_modified = False

        async def wrapped(message: Message) -> None:
            nonlocal not_modified
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                etag = next((v.decode("latin-1") for k, v in headers if k.lower() == b"etag"), None)
                if message["status"] == 200:
                    headers.append((b"cache-control", cache.encode()))
                    if etag and if_none_match and etag in {t.strip() for t in if_none_match.split(",")}:
                        not_modified = True
                        keep = {b"etag", b"cache-control", b"last-modified"}
                        await send({"type": "http.response.start", "status": 304,
                                    "headers": [(k, v) for k, v in headers if k.lower() in keep]})
                        await send({"type": "http.response.body", "body": b"", "more_body": False})
                        return
                message = {**message, "headers": headers}  # type: ignore[assignment]
            elif not_modified:
                return
            await send(message)

        await self.app(scope, receive, wrapped)


def favicon_route(root: Path) -> object:
    """``/favicon.ico`` for browsers that ask for it whatever the page links (a 404 in every log before)."""

    @get("/favicon.ico", opt={"public": True}, include_in_schema=False, sync_to_thread=False)
    def favicon() -> Response:
        return File(root / "favicon.ico", media_type="image/x-icon", content_disposition_type="inline",
                    headers={"cache-control": "public, max-age=86400"})

    return favicon
