"""``forecourt.testing``: pytest fixtures for Forecourt and its plugins.

Installed as a pytest plugin (entry point ``pytest11``), so a partner's test
suite gets the same fixtures we use:

* ``forecourt_server`` — the real app, served by ``forecourt serve`` in a
  child process over real HTTP, on the database named by
  ``FORECOURT_DATABASE_URL`` (default: a fresh SQLite file), migrated first.
  Override the ``forecourt_plugins`` fixture to choose which installed
  plugins it loads.
* ``forecourt_server_log`` — the path of that server's log file.
* ``make_dealer(modules=[...])`` — a new dealer with those modules enabled and
  one user per role; every test gets fresh dealers, so tests do not see each
  other's rows.
* ``login(user)`` / ``client_as(dealer, role)`` — an HTTP client logged in as
  that user, sending the CSRF header on unsafe methods like htmx does.

Every test that uses the server fails if, while it ran, the server answered
any request with a 5xx or logged an unhandled exception (the failure names
the requests and the exception). Requests to a path with a segment ``boom``
are exempt: such routes exist to show the error page. A test that means to
provoke server errors says so with ``@pytest.mark.allow_server_errors``.
Errors between tests (or after the last one) fail the session's last test at
teardown.

Async tests need pytest-asyncio with a session-scoped loop; put this in the
project's pytest configuration::

    asyncio_mode = "auto"
    asyncio_default_fixture_loop_scope = "session"
    asyncio_default_test_loop_scope = "session"
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from forecourt.server_log import ServerLog as _ServerLog
from forecourt.server_log import server_errors as server_errors  # public: a partner's own checks

TEST_PASSWORD = "test-pass-2026"
ALLOW_SERVER_ERRORS = "allow_server_errors"  #: the marker that lets a test provoke 5xx answers
_server_logs: list[str] = []

_watch: list[_ServerLog] = []  #: the running forecourt_server's log (none outside its lifetime)
_ERRORS = pytest.StashKey[list[str]]()
_running: list[pytest.Item] = []  #: the test being run


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{ALLOW_SERVER_ERRORS}: the test provokes 5xx answers or unhandled exceptions of forecourt_server "
        "on purpose (forecourt.testing does not fail it for them)",
    )


def _failure_text(problems: list[str], where: str) -> str:
    log = f" Its log: {_server_logs[-1]}." if _server_logs else ""
    return (f"The forecourt test server answered 5xx or raised an unhandled exception {where}:\n  "
            + "\n  ".join(problems)
            + f"\n(Every answer a user or client can get must be below 500.{log} A test that means to provoke "
            f"this takes @pytest.mark.{ALLOW_SERVER_ERRORS}.)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    """Errors logged since the last test's end happened between tests: kept for the session's end."""
    if _watch:
        _watch[-1].between += _watch[-1].new_errors()
    _running[:] = [item]
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Fail a test during which the server failed; attach the tail of the server's log to a failing test."""
    report = yield
    if _watch:
        seen = item.stash.setdefault(_ERRORS, [])
        seen += _watch[-1].new_errors()
        if item.get_closest_marker(ALLOW_SERVER_ERRORS) is not None:
            seen.clear()
        elif seen and report.when in ("call", "teardown"):
            text = _failure_text(list(seen), "during this test")
            seen.clear()
            if report.passed:
                report.outcome = "failed"
                report.longrepr = text
            else:
                report.sections.append(("forecourt server errors", text))
    if report.failed and _server_logs and "forecourt_server" in getattr(item, "fixturenames", ()):
        try:
            tail = Path(_server_logs[-1]).read_text(errors="replace")[-4000:]
        except OSError:
            tail = ""
        if tail:
            report.sections.append(("forecourt server log (tail)", tail))
    return report


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class TestUser:
    id: int
    login: str
    password: str
    role: str


@dataclass
class TestDealer:
    id: int
    slug: str
    name: str
    modules: list[str]
    users: dict[str, TestUser] = field(default_factory=dict)


class Client(httpx.AsyncClient):
    """An HTTP client that sends the CSRF cookie back as ``x-csrftoken``."""

    async def request(self, method: str, url: Any, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        if method.upper() not in ("GET", "HEAD", "OPTIONS"):
            if "fc_csrf" not in self.cookies:
                await super().request("GET", "/login")
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("x-csrftoken", self.cookies.get("fc_csrf", ""))
            kwargs["headers"] = headers
        return await super().request(method, url, **kwargs)


@pytest.fixture(scope="session")
def forecourt_plugins() -> list[str] | None:
    """Installed plugins the test app loads (None: all). Override to narrow."""
    return None


@pytest.fixture(scope="session")
def forecourt_env(forecourt_plugins: list[str] | None, tmp_path_factory) -> Iterator[dict[str, str]]:
    """Environment shared by the test process and the server it starts."""
    base = tmp_path_factory.mktemp("forecourt")
    env = {
        "FORECOURT_DATABASE_URL": os.environ.get("FORECOURT_DATABASE_URL")
        or f"sqlite:///{base / 'forecourt.sqlite'}",
        "FORECOURT_SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
        "FORECOURT_ARGON2_PROFILE": "test",
        "FORECOURT_HOOK_TIMEOUT": os.environ.get("FORECOURT_HOOK_TIMEOUT", "1"),
        # tests run scheduled jobs when they choose (`forecourt jobs run-due`, or a server of their own)
        "FORECOURT_JOBS_INTERVAL": "0",
    }
    if forecourt_plugins is not None:
        env["FORECOURT_PLUGINS"] = ",".join(forecourt_plugins) or "-"
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    yield env
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
async def forecourt_registry(forecourt_env: dict[str, str]):
    """The plugins as the test process loads them, with the database configured and migrated."""
    from core.migrations import migrate
    from core.startup import boot

    runtime = boot()  # as the app and every CLI command start (settings from forecourt_env)
    await migrate()
    return runtime.registry


@pytest.fixture(scope="session")
def forecourt_server(forecourt_env: dict[str, str], forecourt_registry) -> Iterator[str]:
    """Base URL of the real app served by ``forecourt serve`` in a child process."""
    port = _free_port()
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - the child writes to it until teardown
        prefix="forecourt-server-", suffix=".log", delete=False
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "core.cli", "serve", "--port", str(port)],
        # unbuffered: an answer's access line is in the log before the client has the answer
        env={**os.environ, **forecourt_env, "PYTHONUNBUFFERED": "1"}, stdout=log, stderr=subprocess.STDOUT,
    )
    _server_logs.append(log.name)
    watch = _ServerLog(Path(log.name))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"forecourt serve exited: {Path(log.name).read_text()[-3000:]}")
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"forecourt serve did not start: {Path(log.name).read_text()[-3000:]}")
        time.sleep(0.1)
    _watch.append(watch)
    try:
        yield url
    finally:
        _watch.remove(watch)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    late = watch.new_errors(wait=0)
    if _running and _running[-1].get_closest_marker(ALLOW_SERVER_ERRORS) is not None:
        late = []  # the last test's own, and it allows them
    if watch.between or late:
        pytest.fail(_failure_text(watch.between + late, "between tests or after the last one"), pytrace=False)


@pytest.fixture
def forecourt_server_log(forecourt_server: str) -> Path:
    """The file ``forecourt_server`` logs to (its access lines and errors), e.g. to check what it never logs."""
    return Path(_server_logs[-1])


@pytest.fixture
def make_dealer(forecourt_registry):
    """``await make_dealer(modules=None, roles=...)``: a fresh dealer with users.

    ``modules=None`` gives the install's defaults; the list is closed under
    ``requires``. Users are created with ``TEST_PASSWORD`` and no forced change.
    """
    from core import accounts
    from core import modules as modules_service
    from core.settings import DEFAULT_MODULES

    async def make(
        modules: list[str] | None = None,
        roles: tuple[str, ...] = ("manager", "storekeeper", "dealer_admin"),
        must_change_password: bool = False,
    ) -> TestDealer:
        suffix = uuid.uuid4().hex[:10]
        names = (
            modules_service.defaults(forecourt_registry, DEFAULT_MODULES)
            if modules is None
            else forecourt_registry.closure(modules)
        )
        row = await accounts.create_dealer(f"Dealer {suffix}", f"d-{suffix}", "Testville", "en",
                                           names)
        dealer = TestDealer(id=row.id, slug=row.slug, name=row.name, modules=names)
        for role in roles:
            login = f"{role}-{suffix}"
            user = await accounts.create_user(
                login=login, password=TEST_PASSWORD, role=role, dealer_id=row.id,
                email=f"{login}@example.test", must_change_password=must_change_password,
            )
            dealer.users[role] = TestUser(user.id, login, TEST_PASSWORD, role)
        return dealer

    return make


@pytest.fixture
async def platform_admin(forecourt_registry) -> TestUser:
    from core import accounts

    login = f"padmin-{uuid.uuid4().hex[:10]}"
    user = await accounts.create_user(login=login, password=TEST_PASSWORD, role="platform_admin",
                                      dealer_id=None, must_change_password=False)
    return TestUser(user.id, login, TEST_PASSWORD, "platform_admin")


@pytest.fixture
async def login(forecourt_server: str) -> AsyncIterator[Any]:
    """``await login(user)`` -> a :class:`Client` with that user's session."""
    clients: list[Client] = []

    async def do_login(user: TestUser, expect_ok: bool = True) -> Client:
        client = Client(base_url=forecourt_server, follow_redirects=False, timeout=30)
        clients.append(client)
        await client.get("/login")
        response = await client.post("/login", data={"identifier": user.login,
                                                     "password": user.password})
        if expect_ok:
            assert response.status_code == 302, response.text[:500]
        return client

    yield do_login
    for client in clients:
        await client.aclose()


@pytest.fixture
def client_as(login):
    """``await client_as(dealer, "manager")`` -> a client logged in as that role."""

    async def make(dealer: TestDealer, role: str) -> Client:
        return await login(dealer.users[role])

    return make


@pytest.fixture
async def anon(forecourt_server: str) -> AsyncIterator[Client]:
    """A client with no session."""
    async with Client(base_url=forecourt_server, follow_redirects=False, timeout=30) as client:
        yield client
