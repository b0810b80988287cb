"""A card's panels render without building the page around them again.

A lead card and a customer card each put the workflow panel and the
timeline panel (and on the customer card, other plugins' panels) into one
page. Each page builds its context (the menu from ``nav_items``, the CSRF
token, the flashes) once; a panel or an htmx fragment gets only what a
fragment uses. The app runs in this process (the database is the test
server's), so the hook calls and the queries of one request can be counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from core import db

LEAD = {"surname": "Novák", "first_name": "Jan", "phone": "+420 601 234 567", "model": "Peugeot 408",
        "source": "phone", "request_type": "pre_order", "confirm_duplicate": "1"}
CUSTOMER = {"name": "Jan Novák", "phone": "+420 601 234 567", "source": "walk_in"}


class Calls:
    """Hook calls by name and database queries of the requests made while it counts."""

    def __init__(self) -> None:
        self.hooks: Counter[str] = Counter()
        self.queries = 0

    def reset(self) -> None:
        self.hooks.clear()
        self.queries = 0


@pytest.fixture
async def in_process(forecourt_registry, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[Any, Calls]]:
    """``(make_client(cookies), calls)``: clients of an app in this process, and what its requests did."""
    from core.app import create_app

    calls = Calls()
    app = create_app(registry=forecourt_registry)
    call = forecourt_registry.call_each  # a contribution's one way in (Registry.call goes through it)

    async def counted_call(name: str, /, **kwargs: Any) -> Any:
        calls.hooks[name] += 1
        return await call(name, **kwargs)

    monkeypatch.setattr(forecourt_registry, "call_each", counted_call)
    engine_type = type(db.engine())
    run = engine_type.run_querystring

    async def counted_run(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.queries += 1
        return await run(self, *args, **kwargs)

    monkeypatch.setattr(engine_type, "run_querystring", counted_run)
    clients: list[httpx.AsyncClient] = []

    def make(cookies: httpx.Cookies) -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1",
                                   cookies={c.name: c.value for c in cookies.jar})  # the test server's session
        clients.append(client)
        return client

    yield make, calls
    for client in clients:
        await client.aclose()


async def _count(client: httpx.AsyncClient, calls: Calls, path: str, **headers: str) -> tuple[int, int, str]:
    await client.get(path, headers=headers)  # warm: first-use caches (reason lists, catalogues) are not the card's
    calls.reset()
    r = await client.get(path, headers=headers)
    assert r.status_code == 200, r.text[:500]
    return calls.hooks["nav_items"], calls.queries, r.text


async def test_a_lead_card_builds_its_menu_once(make_dealer, client_as, in_process) -> None:
    make, calls = in_process
    dealer = await make_dealer(modules=["leads", "customers"])
    manager = await client_as(dealer, "manager")
    r = await manager.post("/leads/", data=LEAD)
    assert r.status_code == 303, r.text[:500]
    path = r.headers["location"]
    client = make(manager.cookies)

    nav, queries, html = await _count(client, calls, path)
    print(f"lead card: nav_items {nav}, queries {queries}")
    assert nav == 1
    assert html.count('name="_csrf_token"') >= 3  # the panels' forms carry the page's token
    assert 'class="main-nav"' in html
    nav, fragment_queries, html = await _count(client, calls, path, **{"hx-request": "true"})
    print(f"lead card as an htmx fragment: nav_items {nav}, queries {fragment_queries}")
    assert nav == 0 and 'class="main-nav"' not in html


async def test_a_customer_card_builds_its_menu_once(make_dealer, client_as, in_process) -> None:
    make, calls = in_process
    dealer = await make_dealer(modules=["leads", "customers"])
    manager = await client_as(dealer, "manager")
    r = await manager.post("/customers/", data=CUSTOMER)
    assert r.status_code == 303, r.text[:500]
    path = r.headers["location"]
    client = make(manager.cookies)

    nav, queries, html = await _count(client, calls, path)
    print(f"customer card: nav_items {nav}, queries {queries}")
    assert nav == 1
    assert 'class="main-nav"' in html
    nav, _, _ = await _count(client, calls, f"/timeline/customers.customer/{path.rsplit('/', 1)[1]}")
    print(f"customer timeline fragment: nav_items {nav}")
    assert nav == 0
