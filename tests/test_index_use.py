"""Every list and search query of leads and customers uses its index, on both engines (issue 14's audit).

Each scenario runs the plugin's own function against the real database;
the statements it sends are recorded on the way to the engine (and run as
usual), and each one on ``leads_lead`` / ``customers_customer`` is
EXPLAINed: SQLite's ``EXPLAIN QUERY PLAN``, PostgreSQL's ``EXPLAIN`` with
``enable_seqscan = off`` (the test tables are small, so the planner would
rightly read them whole; with it off it shows which index a big table
gets). A query fails the test when its plan reads the table whole or does
not use one of the indexes named for it — so dropping an index a query
needs, or rewriting a query so that no index serves it, is caught here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from core import db
from core.context import Context
from plugins.customers import listing as customers_listing
from plugins.customers import services as customer_services
from plugins.customers.tables import Customer
from plugins.leads import jobs as lead_jobs
from plugins.leads import listing as leads_listing
from plugins.leads import services as lead_services
from plugins.leads import transfer
from plugins.leads.tables import Lead

TABLES = ("leads_lead", "customers_customer")
#: what a substring lookup shows in a plan: the FTS5 table (SQLite) or the GIN index (PostgreSQL)
TRIGRAM = {"leads_lead": ("leads_lead_fts", "leads_lead_trgm"),
           "customers_customer": ("customers_customer_fts", "customers_customer_trgm")}


async def recorded(run: Callable[[], Awaitable[Any]], monkeypatch) -> list[tuple[str, list[Any]]]:
    """The statements (SQL, arguments) ``run`` sends to the engine, as compiled for it."""
    kind = type(db.engine())  # the engine's class: its instances take no new attributes
    original = kind.run_querystring
    sent: list[tuple[str, list[Any]]] = []

    async def record(self, querystring, in_pool: bool = False):
        sent.append(querystring.compile_string(engine_type=self.engine_type))
        return await original(self, querystring, in_pool=in_pool)

    monkeypatch.setattr(kind, "run_querystring", record)
    try:
        await run()
    finally:
        monkeypatch.undo()
    return [(sql, args) for sql, args in sent if any(t in sql for t in TABLES)]


async def plan(sql: str, args: list[Any]) -> str:
    """The engine's plan of one compiled statement, as text."""
    template = re.sub(r"\$\d+", "{}", sql) if db.engine_kind() == "postgres" else sql.replace("?", "{}")
    if db.engine_kind() == "sqlite":
        rows = await Lead.raw("EXPLAIN QUERY PLAN " + template, *args)
        return "\n".join(str(r["detail"]) for r in rows)
    async with db.transaction():
        await Lead.raw("SET LOCAL enable_seqscan = off")
        rows = await Lead.raw("EXPLAIN " + template, *args)
    return "\n".join(r["QUERY PLAN"] for r in rows)


def reads_whole(table: str, text: str) -> bool:
    if db.engine_kind() == "postgres":
        return f"Seq Scan on {table}" in text
    return bool(re.search(rf"SCAN {table}\b(?! USING)", text))  # not "SCAN <table>_fts", an FTS lookup


async def check(run: Callable[[], Awaitable[Any]], monkeypatch, *indexes: tuple[str, ...]) -> None:
    """``run``'s queries on the two tables: none reads a table whole, and they use ``indexes`` in that order.

    Each tuple of ``indexes`` names the indexes one query may use; the
    queries must use them one after the other (others may come between:
    SQLite's substring search probes its FTS5 table first, PostgreSQL's
    does not need to).
    """
    queries = await recorded(run, monkeypatch)
    wanted = list(indexes)
    plans = []
    for sql, args in queries:
        text = await plan(sql, args)
        plans.append(f"{sql}\n{text}")
        for table in TABLES:
            assert not reads_whole(table, text), f"{sql}\n{text}"
        if wanted and any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) for name in wanted[0]):
            wanted.pop(0)
    assert not wanted, f"no query used one of {wanted[0]}:\n" + "\n\n".join(plans)


SURNAMES = ("Novák", "Svoboda", "Dvořák", "Černý", "Procházka", "Kučera", "Veselý", "Horák", "Němec", "Marek",
            "Смирнов", "Иванов", "Кузнецов", "Соколов", "Попов", "Лебедев", "Козлов", "Новиков", "Морозов", "Петров")
STATUSES = ("new", "new", "new", "awaiting_visit", "awaiting_visit", "refused", "discarded", "postponed", "won")
_seeded: dict[str, Any] = {}


async def _crowd(dealer_ids: list[int], per_dealer: int) -> None:
    """``per_dealer`` leads and customers for each dealer, written in batches the way an import would."""
    from forecourt import fold, now

    moment = now()
    for dealer_id in dealer_ids:
        leads, customers = [], []
        for i in range(per_dealer):
            surname, first = SURNAMES[(i * 7 + dealer_id) % len(SURNAMES)], ("Jan", "Eva", "Иван", "Анна")[i % 4]
            digits = f"420{600000000 + (dealer_id * 100003 + i * 7919) % 99999999}"
            when = moment - dt.timedelta(minutes=i)
            leads.append(Lead(dealer_id=dealer_id, surname=surname, first_name=first, email=f"crowd{i}@d{dealer_id}.ex",
                              email_key=f"crowd{i}@d{dealer_id}.ex", phone="+" + digits, phone_rev=digits[::-1],
                              model="Peugeot 408", source="phone", request_type="pre_order",
                              status=STATUSES[i % len(STATUSES)], assignee_id=None if i % 5 == 0 else 1,
                              created_at=when, updated_at=when, name_key=fold(f"{surname} {first}")))
            name = f"{first} {surname}"
            customers.append(Customer(dealer_id=dealer_id, number=100000 + i, name=name, phone="+" + digits,
                                      phone_rev=digits[::-1], email=f"crowd{i}@c{dealer_id}.ex",
                                      email_key=f"crowd{i}@c{dealer_id}.ex", source="walk_in",
                                      status=("potential", "active", "lost")[i % 3], created_at=when,
                                      updated_at=when, name_key=fold(name),
                                      name_key2=" ".join(reversed(fold(name).split()))))
        for start in range(0, per_dealer, 300):
            await Lead.insert(*leads[start:start + 300])
            await Customer.insert(*customers[start:start + 300])
    if db.engine_kind() == "postgres":  # what autovacuum does: statistics, and GIN's pending entries merged
        await db.engine().run_ddl("VACUUM ANALYZE leads_lead")
        await db.engine().run_ddl("VACUUM ANALYZE customers_customer")


@pytest.fixture
async def dealer(make_dealer):
    """A dealer of 3,000 leads and customers among others of as many (made once a session).

    A realistic size and spread, so the plans are those a real dealer gets;
    SQLite runs without statistics (as installs do: nothing runs ANALYZE),
    PostgreSQL with them (autovacuum).
    """
    if "dealer" not in _seeded:
        dealer = await make_dealer(modules=["leads", "customers"])
        others = [(await make_dealer(modules=["leads", "customers"])).id for _ in range(3)]
        ctx = Context(dealer_id=dealer.id, user_id=dealer.users["manager"].id)
        customer = await customer_services.create(ctx, {"name": "Jan Novák", "phone": "+420 601 234 567",
                                                        "source": "walk_in", "email": "jan@mail.example"})
        lead = await lead_services.create(ctx, {"surname": "Novák", "first_name": "Jan", "phone": "+420 601 234 567",
                                                "email": "jan@mail.example", "model": "Peugeot 408",
                                                "source": "phone", "request_type": "pre_order"})
        await Lead.scoped(dealer.id).update({Lead.customer_id: customer.id}).where(Lead.id == lead.id)
        rare = {"phone": "+420 608 765 432", "email": "p@rare.example"}  # the one "cházková" of the base
        await customer_services.create(ctx, {"name": "Petra Procházková", "source": "walk_in", **rare})
        await lead_services.create(ctx, {"surname": "Procházková", "first_name": "Petra", "model": "Peugeot 408",
                                         "source": "phone", "request_type": "pre_order", **rare})
        await _crowd([dealer.id, *others], 3000)
        dealer.ctx, dealer.customer_id = ctx, customer.id
        _seeded["dealer"] = dealer
    return _seeded["dealer"]


LEAD_LISTS = {
    "new": ({}, ("leads_lead_created",)),
    "old": ({"sort": "old"}, ("leads_lead_created",)),
    "name": ({"sort": "name"}, ("leads_lead_name",)),
    # a common status / "unassigned": walking the sort index finds a page within a few rows, or their own
    "status": ({"status": "new"}, ("leads_lead_status", "leads_lead_created")),
    "assignee": ({"assignee": "none"}, ("leads_lead_assignee", "leads_lead_created")),
    "a rare status": ({"status": "won"}, ("leads_lead_status",)),
    # a broad term (1 in 20 of the dealer's leads): a range on its index, or a walk of the dealer's rows
    "a short name": ({"q": "no"}, ("leads_lead_name", "leads_lead_created", "leads_lead_dealer_id")),
    "an e-mail": ({"q": "l1@mail"}, ("leads_lead_email",)),
}


@pytest.mark.parametrize("case", list(LEAD_LISTS))
async def test_lead_lists_use_their_index(dealer, monkeypatch, case):
    params, index = LEAD_LISTS[case]
    await check(lambda: leads_listing.search(dealer.id, **params), monkeypatch, index)


async def test_lead_searches_use_the_prefix_index_then_the_trigram_index(dealer, monkeypatch):
    name = ("leads_lead_name", "leads_lead_name_everywhere")  # a rare name: its own range, not a walk
    # fragments no name / phone starts or ends with: the prefix query finds nothing, the substring one runs
    await check(lambda: leads_listing.search(dealer.id, q="cházková"), monkeypatch, name, TRIGRAM["leads_lead"])
    phone = ("leads_lead_phone",)
    await check(lambda: leads_listing.search(dealer.id, q="6012345"), monkeypatch, phone, TRIGRAM["leads_lead"])


async def test_lead_lookups_use_their_index(dealer, monkeypatch):
    ctx = dealer.ctx
    await check(lambda: lead_services.for_customer(dealer.id, dealer.customer_id), monkeypatch,
                ("leads_lead_customer_linked",))
    await check(lambda: lead_jobs.wake_postponed(ctx), monkeypatch,  # 1 in 9 postponed here: or the dealer's rows
                ("leads_lead_status", "leads_lead_created", "leads_lead_dealer_id"))
    await check(lambda: lead_services.matches(ctx, phone="+420 601 234 567"), monkeypatch, ("leads_lead_phone",))
    await check(lambda: transfer.find_everywhere(ctx, "Novák", "Jan", phone="4567"), monkeypatch,
                ("leads_lead_name_everywhere",))


#: a page's rows read by their ids (the customers list reads a narrow term's page that way)
BY_ID = ("customers_customer_pkey", "rowid=?")

CUSTOMER_LISTS = {
    "newest": ({}, ("customers_customer_created",)),
    "name": ({"sort": "name"}, ("customers_customer_name",)),
    "number": ({"sort": "number"}, ("customers_customer_number",)),
    "status": ({"status": "potential"}, ("customers_customer_status_created",)),
    "a short name": ({"q": "no"}, ("customers_customer_name", "customers_customer_name2",
                                   "customers_customer_created", "customers_customer_status_created",
                                   "customers_customer_dealer_id"), BY_ID),
    "a number": ({"q": "#1"}, ("customers_customer_number",)),
}


@pytest.mark.parametrize("case", list(CUSTOMER_LISTS))
async def test_customer_lists_use_their_index(dealer, monkeypatch, case):
    params, *indexes = CUSTOMER_LISTS[case]
    await check(lambda: customers_listing.search(dealer.id, **params), monkeypatch, *indexes)


async def test_customer_searches_use_the_prefix_index_then_the_trigram_index(dealer, monkeypatch):
    await check(lambda: customers_listing.search(dealer.id, q="cházková"), monkeypatch,
                ("customers_customer_name", "customers_customer_name2"), BY_ID, TRIGRAM["customers_customer"], BY_ID)
    await check(lambda: customers_listing.search(dealer.id, q="6012345"), monkeypatch,
                ("customers_customer_phone",), BY_ID, TRIGRAM["customers_customer"], BY_ID)
    await check(lambda: customer_services.find_matches(dealer.id, phone="+420 601 234 567"), monkeypatch,
                ("customers_customer_phone",))
