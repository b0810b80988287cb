"""Small helpers for reading HTML forms safely."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Request


async def form(request: Request) -> dict[str, str]:
    """The submitted form as plain strings (first value of each field)."""
    data = await request.form()
    return {k: (v if isinstance(v, str) else "") for k, v in data.items()}


def local_path(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true"
