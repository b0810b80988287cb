"""Forecourt core: knows no plugin by name; everything business-specific plugs in."""

import os

__version__ = "0.1.0"

# Piccolo finds its engine and apps through this module (see core.piccolo_conf).
os.environ.setdefault("PICCOLO_CONF", "core.piccolo_conf")
