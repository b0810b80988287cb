"""Fixtures come from ``forecourt.testing`` (the same ones partners get)."""

import contextlib
import os
import re
import subprocess
import sys
import time

import httpx
import pytest

# New dealers get these switched on (extra is not default_enabled, so it stays off).
os.environ.setdefault("FORECOURT_DEFAULT_MODULES", "notes,extra")


def csrf_field(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


@pytest.fixture
def notes_dealer(make_dealer):
    """A dealer with the notes test plugin (and the defaults) enabled."""

    async def make(**kwargs):
        return await make_dealer(modules=["notes"], **kwargs)

    return make


@pytest.fixture
def server_with(forecourt_env):
    """``with server_with({"FORECOURT_X": "1"}) as url:`` another server of the test database, with more settings."""
    from forecourt.testing import _free_port

    @contextlib.contextmanager
    def start(extra: dict[str, str]):
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-m", "core.cli", "serve", "--port", str(port)],
                                  env={**os.environ, **forecourt_env, **extra},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 30
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(url + "/health", timeout=1).status_code == 200:
                        break
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
            yield url
        finally:
            server.terminate()
            server.wait(10)

    return start
