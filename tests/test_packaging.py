"""Where core's templates and static files are found, in a checkout and in a wheel.

The wheel itself is built, installed and served by scripts/wheel-check (a
step of scripts/test); these tests keep the lookup it relies on honest.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.web import templating

ROOT = Path(__file__).resolve().parents[1]


def test_a_checkout_reads_its_own_folders() -> None:
    assert templating.TEMPLATES == ROOT / "templates"
    assert templating.STATIC == ROOT / "static"
    assert (templating.TEMPLATES / "base.html").is_file()
    assert (templating.STATIC / "css" / "forecourt.css").is_file()


def test_the_shipped_copy_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "_assets" / "templates").mkdir(parents=True)
    monkeypatch.setattr(templating, "SHIPPED", tmp_path / "_assets")
    assert templating.asset_folder("templates") == tmp_path / "_assets" / "templates"
    assert templating.asset_folder("static") == ROOT / "static"  # not shipped there: the checkout's


def test_a_missing_folder_stops_the_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templating, "SHIPPED", tmp_path / "nothing")
    monkeypatch.setattr(templating, "ROOT", tmp_path)
    with pytest.raises(RuntimeError, match="templates/ folder is missing"):
        templating.asset_folder("templates")


def test_setup_py_ships_what_the_lookup_reads() -> None:
    """setup.py copies exactly the folders core looks up, to the place it looks first."""
    tree = ast.parse((ROOT / "setup.py").read_text())
    assets = next(node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == "ASSETS" for t in node.targets))
    assert ast.literal_eval(assets) == ("templates", "static")
    assert templating.SHIPPED == ROOT / "core" / "_assets"
    assert not templating.SHIPPED.exists(), "core/_assets exists only inside a built wheel"
    manifest = (ROOT / "MANIFEST.in").read_text()
    assert "graft templates" in manifest and "graft static" in manifest  # the sdist carries them
