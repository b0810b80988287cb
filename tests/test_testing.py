"""forecourt.testing fails a test during which the test server answered 5xx (partners rely on it too).

A pytest run of its own, in a child process, runs a few tests against the
real server (the fc_extra test plugin's ``/extra/crash`` is a bug, its
``/extra/boom`` fails on purpose for the error page's test).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

from forecourt.testing import server_errors

INNER = '''
import httpx
import pytest


@pytest.fixture(scope="session")
def crashes_at_the_end(forecourt_server):
    yield
    httpx.get(forecourt_server + "/extra/crash?late=1")


async def test_a_bug(anon):
    assert (await anon.get("/extra/crash")).status_code == 500  # passes its own check, fails the server's


@pytest.mark.allow_server_errors
async def test_a_bug_on_purpose(anon):
    assert (await anon.get("/extra/crash")).status_code == 500


async def test_the_error_page_route(make_dealer, client_as):
    client = await client_as(await make_dealer(modules=["extra"]), "manager")
    assert (await client.get("/extra/boom")).status_code == 500


async def test_no_bug(anon, crashes_at_the_end):
    assert (await anon.get("/health")).status_code == 200
'''


def test_the_test_server_check_fails_tests_during_which_the_server_failed(tmp_path: Path):
    (tmp_path / "test_inner.py").write_text(INNER)
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = session\n"
        "asyncio_default_test_loop_scope = session\n")
    env = dict(os.environ)
    if env.get("FORECOURT_DATABASE_URL", "").startswith("sqlite"):
        env.pop("FORECOURT_DATABASE_URL")  # a database of its own, not the outer server's file
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA",
                          "test_inner.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    out = run.stdout + run.stderr
    outcomes = dict((name, outcome) for outcome, name in
                    re.findall(r"^(PASSED|FAILED|ERROR) test_inner.py::(\w+)", out, re.M))
    assert run.returncode == 1, out[-3000:]
    assert outcomes.get("test_a_bug") == "FAILED", out[-3000:]
    assert "GET /extra/crash → 500: RuntimeError: a bug the test server check must report" in out, out[-3000:]
    assert outcomes.get("test_a_bug_on_purpose") == "PASSED", out[-3000:]
    assert outcomes.get("test_the_error_page_route") == "PASSED", out[-3000:]
    # the last test passed; the request after it fails the session at its teardown, named
    assert outcomes.get("test_no_bug") == "ERROR", out[-3000:]
    # each failure names the crash where it happened (pytest repeats these texts in its summaries,
    # as many times as its terminal width allows, so the texts are matched, not counted)
    assert re.search(r"during this test:\n\s+GET /extra/crash → 500", out), out[-3000:]
    assert re.search(r"between tests or after the last one:\n\s+GET /extra/crash → 500", out), out[-3000:]


def test_server_errors_names_each_5xx_with_its_exception():
    log = "\n".join([
        'INFO:     127.0.0.1:1 - "GET /leads/ HTTP/1.1" 200 OK',
        'INFO:     127.0.0.1:1 - "POST /deals/2 HTTP/1.1" 500 Internal Server Error',
        "ERROR - 2026-12-01 22:07:22,652 - forecourt.web - errors - unhandled error on POST /deals/2",
        "Traceback (most recent call last):",
        '  File "/x/core/entities.py", line 9, in update',
        "ValueError: No values were specified to update.",
        "ERROR - 2026-12-01 22:07:23,435 - forecourt.plugins - registry - hook on_entity_created of plugin "
        "extra failed: RuntimeError: recorded, not a crash",
        "Traceback (most recent call last):",
        "RuntimeError: recorded, not a crash",
        'INFO:     127.0.0.1:1 - "GET /extra/boom HTTP/1.1" 500 Internal Server Error',
        "ERROR - 2026-12-01 22:07:24,000 - forecourt.web - errors - unhandled error on GET /extra/boom",
        'INFO:     127.0.0.1:1 - "GET /api/x?y=1 HTTP/1.1" 503 Service Unavailable',
        "ERROR:    Exception in ASGI application",
        "Traceback (most recent call last):",
        "LitestarException: Exception caught after response started",
    ])
    assert server_errors(log) == [
        "POST /deals/2 → 500: ValueError: No values were specified to update.",
        "GET /api/x → 503",
        "unhandled exception outside a request's answer: LitestarException: Exception caught after response started",
    ]
