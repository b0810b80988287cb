"""Every route of the core lives under ``core/web/``: one place to look for what the core answers."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DECORATOR = re.compile(r"^\s*@(get|post|put|patch|delete|route|websocket)\(", re.MULTILINE)


def test_every_core_route_is_in_core_web(forecourt_registry) -> None:
    from core.app import create_app

    app = create_app(registry=forecourt_registry)
    outside = []
    seen = 0
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            module = getattr(handler.fn, "__module__", "")
            if module.startswith("core.") or module == "core":
                seen += 1
                if not module.startswith("core.web."):
                    outside.append(f"{route.path} ({module})")
    assert seen > 20, "the walk found too few core routes to mean anything"
    assert not outside, f"core routes outside core/web/: {outside}"


def test_no_route_decorator_outside_core_web() -> None:
    """A grep, for routes an app might not mount (a module nobody imports yet)."""
    offenders = []
    for path in (ROOT / "core").rglob("*.py"):
        if "web" in path.relative_to(ROOT / "core").parts[:1] or "piccolo_migrations" in path.parts:
            continue
        if DECORATOR.search(path.read_text()):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"route handlers outside core/web/: {offenders}"
