"""``forecourt serve`` runs on uvloop and httptools, and on asyncio and h11 where they cannot be imported."""

from __future__ import annotations

import importlib.util
import logging
import subprocess
import sys

from core import server


def test_the_pinned_loop_and_parser_are_the_ones_served_with():
    assert server.loop_and_parser() == ("uvloop", "httptools")


def test_without_uvloop_or_httptools_it_serves_on_asyncio_and_h11_and_says_so(monkeypatch, caplog):
    real = importlib.util.find_spec

    def missing(name, *args, **kwargs):
        return None if name in ("uvloop", "httptools") else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", missing)
    with caplog.at_level(logging.WARNING, logger="forecourt"):
        assert server.loop_and_parser() == ("asyncio", "h11")
    assert "not importable" in caplog.text


def test_uvicorn_builds_the_served_loop_and_parser():
    """The names are ones uvicorn accepts, and they load: a serving process gets uvloop's loop and httptools."""
    code = ("import asyncio; import uvicorn.config as c; from uvicorn.importer import import_from_string; "
            "from core.server import loop_and_parser; loop, http = loop_and_parser(); "
            "factory = import_from_string(c.LOOP_FACTORIES[loop])(use_subprocess=False); "
            "proto = import_from_string(c.HTTP_PROTOCOLS[http]); "
            "print(type(factory()).__module__, proto.__module__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["uvloop", "uvicorn.protocols.http.httptools_impl"]
