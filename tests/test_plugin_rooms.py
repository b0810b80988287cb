"""Every first-party plugin keeps the same things in the same-named rooms (docs/architecture.md, "Plugin rooms").

A reader who knows where leads keeps its card, its list's query, its search,
its settings and its API finds them at the same place in customers, and in
every plugin that lands in plugins/ later: this test walks them all.
"""

import importlib
import re
from pathlib import Path

import pytest

from forecourt import SettingsPage

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
NAMES = sorted(p.name for p in PLUGINS.iterdir() if (p / "__init__.py").exists())

#: what may only be written in one room: a pattern of the source, and the room (a file, or a package folder)
ONLY_IN = {
    r"\bManifest\(": "__init__.py",
    r"^@hookimpl": "hooks.py",
    r"\bSettingsPage\(": "settings.py",
    r"\bKeyset\(": "listing.py",
    r"\b(prefix|prefix_sql|phone_search|upper_bound)\(": "search.py",
}


def sources(name: str) -> dict[str, str]:
    """The plugin's Python files (migrations aside) by their path inside the plugin."""
    root = PLUGINS / name
    return {str(path.relative_to(root)): path.read_text(encoding="utf-8") for path in sorted(root.rglob("*.py"))
            if "piccolo_migrations" not in path.parts}


def routes(name: str) -> list:
    return importlib.import_module(f"plugins.{name}.hooks").register_routes()


def room_of(handler) -> str:
    """The room a route handler is written in: "card", "api", … (the first part of its module below the plugin)."""
    module = handler.fn.__module__.split(".")
    return module[2] if len(module) > 2 and module[0] == "plugins" else ".".join(module)


def test_there_are_plugins_to_hold_to_the_rooms():
    assert {"leads", "customers"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_each_kind_of_code_is_written_in_its_room(name):
    misplaced = []
    for path, text in sources(name).items():
        for pattern, room in ONLY_IN.items():
            in_room = path == room or path.startswith(room.removesuffix(".py") + "/")
            if not in_room and re.search(pattern, text, re.MULTILINE):
                misplaced.append(f"plugins/{name}/{path}: {pattern!r} belongs in {room}")
    assert not misplaced, "\n".join(misplaced)
    assert "hooks.py" in sources(name), f"plugins/{name} has no hooks.py"


@pytest.mark.parametrize("name", NAMES)
def test_the_card_the_api_and_the_settings_are_routed_from_their_rooms(name):
    for handler in routes(name):
        for path in handler.paths:
            if path.startswith("/api/") or path == "/api":
                assert room_of(handler) == "api", f"{name}: {path} is an API route outside plugins/{name}/api/"
            if "GET" in handler.http_methods and re.fullmatch(r"/\{\w+_id:int\}", path):
                assert room_of(handler) == "card", f"{name}: the card {path} is routed outside card.py"
            if path == "/settings" or path.startswith("/settings/"):
                assert room_of(handler) in ("settings", "core.web.settings_page"), (
                    f"{name}: {path} is a settings route outside settings.py")
    if (PLUGINS / name / "settings.py").exists():
        declared = getattr(importlib.import_module(f"plugins.{name}.settings"), "SETTINGS", None)
        assert isinstance(declared, SettingsPage) and declared.plugin == name, (
            f"plugins/{name}/settings.py declares its page as SETTINGS = SettingsPage(plugin={name!r}, ...)")
