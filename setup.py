"""The one packaging step pyproject.toml cannot say: the root ``templates/`` and ``static/`` ship in the wheel.

The checkout keeps them at the top (beside ``core/`` and ``plugins/``); a
built wheel carries copies as ``core/_assets/templates`` and
``core/_assets/static``, where ``core.web.templating`` looks first. An
editable install copies nothing: the source tree is the install, and the
lookup falls back to the checkout's folders. Everything else (packages,
package data, entry points) is declared in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
#: top-level folders that ship inside the ``core`` package of a built wheel
ASSETS = ("templates", "static")


class BuildPyWithAssets(build_py):
    """``build_py`` plus a fresh copy of each asset folder under ``core/_assets`` in the build tree."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for name in ASSETS:
            source, target = HERE / name, Path(self.build_lib) / "core" / "_assets" / name
            if not source.is_dir():
                raise SystemExit(f"{source} is missing: the wheel would have no {name}")
            shutil.rmtree(target, ignore_errors=True)  # a file deleted from the checkout leaves no stale copy
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithAssets})
