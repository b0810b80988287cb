"""Piccolo's configuration module (``PICCOLO_CONF=core.piccolo_conf``).

Apps come from the installed plugins' manifests, so a partner's plugin gets
its migrations applied like ours. ``DB`` is replaced by
:func:`core.db.bind` when the process boots (:func:`core.startup.boot`).
"""

from __future__ import annotations

from importlib.metadata import entry_points

from piccolo.conf.apps import AppRegistry

from core.db import build_engine
from core.settings import Settings


def _apps() -> list[str]:
    apps = ["core.piccolo_app"]
    for ep in entry_points(group="forecourt.plugins"):
        try:
            manifest = ep.load()
        except Exception:  # reported properly by core.plugins.load_plugins
            continue
        if getattr(manifest, "piccolo_app", None):
            apps.append(manifest.piccolo_app)
    return apps


DB = build_engine(Settings.from_env().database_url)
APP_REGISTRY = AppRegistry(apps=_apps())
