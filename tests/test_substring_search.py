"""Substring search (forecourt.SubstringIndex) in the leads and customers lists, on both engines.

A phone fragment from the middle of the number, a fragment inside a word
and the middle of an e-mail are found; prefix matches come first; another
dealer's rows never come; every write (create, update, delete) keeps the
index in step; terms under 3 characters keep the prefix search alone.
"""

import re

from core import db
from core.context import Context
from forecourt import SubstringIndex, now, ranked_page, update_entity
from plugins.customers import listing as customers_listing
from plugins.leads import listing as leads_listing
from plugins.leads import services as lead_services
from plugins.leads.tables import Lead

LEAD = {"surname": "Novák", "first_name": "Jan", "phone": "+420 601 234 567", "model": "Peugeot 408",
        "source": "phone", "request_type": "pre_order", "confirm_duplicate": "1"}
CUSTOMER = {"name": "Jan Novák", "phone": "+420 601 234 567", "source": "walk_in"}


async def new_lead(client, **values) -> int:
    r = await client.post("/leads/", data={**LEAD, **values})
    assert r.status_code == 303, r.text[:800]
    return int(r.headers["location"].rsplit("/", 1)[1])


async def new_customer(client, **values) -> int:
    r = await client.post("/customers/", data={**CUSTOMER, **values})
    assert r.status_code == 303, r.text[:800]
    return int(r.headers["location"].rsplit("/", 1)[1])


async def leads_found(client, q: str) -> list[int]:
    r = await client.get("/leads/", params={"q": q})
    assert r.status_code == 200
    return [int(x) for x in re.findall(r'data-lead="(\d+)"', r.text)]


async def customers_found(client, q: str) -> list[int]:
    r = await client.get("/customers/", params={"q": q, "view": "list"})
    assert r.status_code == 200
    return [int(x) for x in re.findall(r'<tr data-customer="(\d+)"', r.text)]


async def fts_in_step(table: str) -> None:
    """On SQLite, FTS5's own check that the index holds exactly the table's rows (PostgreSQL's GIN always does)."""
    if db.engine_kind() == "sqlite":
        await Lead.raw(f"INSERT INTO {table}_fts ({table}_fts, rank) VALUES ('integrity-check', 1)")


async def test_leads_found_by_a_middle_phone_fragment_a_word_fragment_and_an_email_middle(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    dvorakova = await new_lead(manager, surname="Dvořáková", first_name="Jana", phone="+420 601 234 567",
                               email="jana.dvorakova@seznam.example")
    smirnov = await new_lead(manager, surname="Смирнов", first_name="Иван", phone="+7 916 555-00-11",
                             email="ivan@mail.example")
    assert await leads_found(manager, "1234") == [dvorakova]  # 420 60[1234] 567: neither start nor end
    assert await leads_found(manager, "601 234") == [dvorakova]  # typed with spaces, as on the card
    assert await leads_found(manager, "ová") == [dvorakova]  # inside the surname, accent folded
    assert await leads_found(manager, "OVA") == [dvorakova]
    assert await leads_found(manager, "мирн") == [smirnov]  # Cyrillic, inside the word
    assert await leads_found(manager, "seznam") == [dvorakova]  # the middle of the e-mail
    assert await leads_found(manager, "mail.exa") == [smirnov]
    assert await leads_found(manager, "5550011") == [smirnov]  # still: the phone's ending
    assert await leads_found(manager, "xyz") == []


async def test_customers_found_by_a_middle_phone_fragment_a_word_fragment_and_an_email_middle(make_dealer,
                                                                                               client_as):
    dealer = await make_dealer(modules=["customers"])
    manager = await client_as(dealer, "manager")
    dvorakova = await new_customer(manager, name="Jana Dvořáková", phone="+420 601 234 567",
                                   email="jana.dvorakova@seznam.example")
    muller = await new_customer(manager, name="Jürgen Müller", phone="+420 777 888 999", email="jm@post.example")
    assert await customers_found(manager, "1234") == [dvorakova]
    assert await customers_found(manager, "ová") == [dvorakova]
    assert await customers_found(manager, "ÜLLE") == [muller]
    assert await customers_found(manager, "seznam") == [dvorakova]
    assert await customers_found(manager, "post.ex") == [muller]
    assert await customers_found(manager, "7888") == [muller]


async def test_prefix_matches_come_first_and_pages_keep_the_order(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads", "customers"])
    manager = await client_as(dealer, "manager")
    older_prefix = await new_lead(manager, surname="Novák", phone="+420 601 000 001")
    inside = await new_lead(manager, surname="Ivanova", phone="+420 601 000 002")  # newer, but only contains "nov"
    newer_prefix = await new_lead(manager, surname="Novotný", phone="+420 601 000 003")
    assert await leads_found(manager, "nov") == [newer_prefix, older_prefix, inside]
    seen, token = [], ""
    while True:  # one row a page: the prefix matches in the list's order, then the rest, each once
        rows, token = await leads_listing.search(dealer.id, q="nov", after=token, limit=1)
        seen += [r["id"] for r in rows]
        if not token:
            break
    assert seen == [newer_prefix, older_prefix, inside]
    rows, token = await leads_listing.search(dealer.id, q="nov", limit=2)  # the prefix part fills a page exactly
    assert [r["id"] for r in rows] == [newer_prefix, older_prefix] and token
    rows, token = await leads_listing.search(dealer.id, q="nov", after=token, limit=2)
    assert [r["id"] for r in rows] == [inside] and token == ""
    by_name = await leads_listing.search(dealer.id, q="nov", sort="name")
    assert [r["id"] for r in by_name[0]] == [older_prefix, newer_prefix, inside]

    customer_inside = await new_customer(manager, name="Petra Ivanová", phone="+420 602 000 001")
    customer_prefix = await new_customer(manager, name="Jan Novák", phone="+420 602 000 002")
    assert await customers_found(manager, "novák") == [customer_prefix]
    assert await customers_found(manager, "nov") == [customer_prefix, customer_inside]
    rows, token = await customers_listing.search(dealer.id, q="nov", limit=1)
    assert [r["id"] for r in rows] == [customer_prefix] and token
    rows, token = await customers_listing.search(dealer.id, q="nov", after=token, limit=1)
    assert [r["id"] for r in rows] == [customer_inside] and token == ""


async def test_another_dealers_rows_are_never_found(make_dealer, client_as):
    mine, theirs = await make_dealer(modules=["leads", "customers"]), await make_dealer(modules=["leads", "customers"])
    me, them = await client_as(mine, "manager"), await client_as(theirs, "manager")
    their_lead = await new_lead(them, surname="Dvořáková", phone="+420 601 234 567", email="x@seznam.example")
    their_customer = await new_customer(them, name="Jana Dvořáková", phone="+420 601 234 567")
    for q in ("1234", "ová", "seznam", "dvořáková"):
        assert await leads_found(me, q) == [] and await customers_found(me, q) == [], q
    assert await leads_found(them, "1234") == [their_lead] and await customers_found(them, "1234") == [their_customer]
    assert (await leads_listing.search(mine.id, q="ová"))[0] == []
    assert (await customers_listing.search(mine.id, q="ová"))[0] == []


async def test_writes_keep_the_index_in_step(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads", "customers"])
    manager, admin = await client_as(dealer, "manager"), await client_as(dealer, "dealer_admin")
    lead = await new_lead(manager, surname="Procházková", phone="+420 601 234 567")
    assert await leads_found(manager, "cházk") == [lead]  # created
    ctx = Context(dealer_id=dealer.id, user_id=dealer.users["manager"].id)
    await update_entity(ctx, Lead, lead_services.ENTITY, lead, {
        "surname": "Kučerová", "name_key": "kucerova jan", "phone": "+420 777 000 111",
        "phone_rev": "420777000111"[::-1], "updated_at": now()})
    assert await leads_found(manager, "cházk") == [] and await leads_found(manager, "čer") == [lead]  # updated
    assert await leads_found(manager, "1234") == [] and await leads_found(manager, "7000") == [lead]
    await fts_in_step("leads_lead")
    await Lead.scoped(dealer.id).delete().where(Lead.id == lead)
    assert await leads_found(manager, "čer") == []  # deleted
    await fts_in_step("leads_lead")

    customer = await new_customer(manager, name="Eva Procházková", phone="+420 601 234 567")
    assert await customers_found(manager, "cházk") == [customer]
    r = await manager.post(f"/customers/{customer}/edit", data={**CUSTOMER, "name": "Eva Kučerová",
                                                                "phone": "+420 777 000 111"})
    assert r.status_code == 303, r.text[:800]
    assert await customers_found(manager, "cházk") == [] and await customers_found(manager, "čer") == [customer]
    assert await customers_found(manager, "1234") == [] and await customers_found(manager, "7000") == [customer]
    await fts_in_step("customers_customer")
    assert (await admin.post(f"/customers/{customer}/delete", data={"confirm": "1"})).status_code == 303
    assert await customers_found(manager, "čer") == []
    await fts_in_step("customers_customer")


async def test_a_fragment_common_over_every_dealer_is_looked_for_along_the_dealers_rows(make_dealer, client_as,
                                                                                         monkeypatch):
    from core import substring

    dealer = await make_dealer(modules=["leads", "customers"])
    manager = await client_as(dealer, "manager")
    first = await new_lead(manager, surname="Ivanova", phone="+420 601 000 031")
    second = await new_lead(manager, surname="Novák", email="x@ivanov.example", phone="+420 601 000 032")
    customer = await new_customer(manager, name="Petra Ivanová", phone="+420 602 000 031")
    narrow = await leads_found(manager, "vano"), await customers_found(manager, "vano")
    monkeypatch.setattr(substring, "BROAD", 0)  # every fragment counts as common now (SQLite's other path)
    assert await leads_found(manager, "vano") == narrow[0] == [second, first]
    assert await customers_found(manager, "vano") == narrow[1] == [customer]


async def test_terms_under_three_characters_keep_the_prefix_search(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads", "customers"])
    manager = await client_as(dealer, "manager")
    starts = await new_lead(manager, surname="Ovečka", phone="+420 601 000 011")
    await new_lead(manager, surname="Novák", phone="+420 601 000 012")
    assert await leads_found(manager, "ov") == [starts]
    assert await leads_found(manager, "123") == []  # three digits: no phone search, and no digits inside names
    first = await new_customer(manager, name="Ovečka Petr", phone="+420 602 000 011")
    await new_customer(manager, name="Jan Novák", phone="+420 602 000 012")
    assert await customers_found(manager, "ov") == [first]


def test_the_condition_is_exact_and_escapes_what_like_would_read() -> None:
    index = SubstringIndex("leads_lead", ("name_key", "email_key", "phone_rev"))
    assert index.contains_sql({"name_key": "ov"}) is None  # too short for trigrams
    sql, params = index.contains_sql({"name_key": "a%_\\b"}, kind="postgres")
    assert sql == "(name_key LIKE {})" and params == ("%a\\%\\_\\\\b%",)
    sql, params = index.contains_sql({"name_key": "nov", "email_key": "gmail"}, kind="sqlite")
    assert "UNION" in sql and "instr(name_key, {}) > 0 OR instr(email_key, {}) > 0" in sql
    assert params == ("%nov%", "%gmail%", "nov", "gmail")
    try:
        index.contains_sql({"surname": "nov"})
    except ValueError as exc:
        assert "surname" in str(exc)
    else:
        raise AssertionError("a column without the index was accepted")


async def test_a_page_token_that_cannot_be_read_is_the_first_page(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    lead = await new_lead(manager, surname="Ivanova", phone="+420 601 000 021")
    for bad in ("2~nonsense", "1~x|y", "garbage", "2~"):
        rows, _token = await leads_listing.search(dealer.id, q="nov", after=bad)
        assert [r["id"] for r in rows] == [lead], bad
    r = await manager.get("/leads/", params={"q": "nov", "after": "2~%00|zz"})
    assert r.status_code == 200
    keyset = leads_listing.SORTS["new"]

    async def nothing(token: str, n: int) -> list:
        return []

    assert await ranked_page(keyset, "", 5, nothing, nothing) == ([], "")
