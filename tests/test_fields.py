"""The core's field kit, and hostile values driven through every form and API of every plugin.

The crawler opens the pages of the leads and customers plugins (and the
public pre-order), takes every form they show, fills it the way a person
would and then sends it again with one field at a time replaced by a hostile
value: NUL, overlong text, NaN, sNaN, Infinity, numbers beyond the column,
exponents, digits that are not ASCII, repeated fields. Nothing may give a
5xx (forecourt.testing fails the test on any), and nothing stored may hold
what the database cannot (a NUL, an infinite or out-of-range price, text
longer than its column) — on SQLite as on PostgreSQL.
"""

import itertools
import math
import re
from decimal import Decimal
from html.parser import HTMLParser

import httpx
import pytest

from core.fields import FieldError, decimal, identifier, integer, search_text, text
from plugins.customers.tables import Customer, FollowUp, Note
from plugins.leads import catalogue
from plugins.leads.tables import Lead
from tests.test_leads_intake import LEAD, make_key

HOSTILE = ["a\x00b", "x" * 5000, "NaN", "sNaN", "Infinity", "-Infinity", "99999999999", "1e20", "1e999999",
           "9" * 5000, "²", "-1", "\u202e\u0007"]
PLUGIN_ACTIONS = re.compile(r"^/(leads|customers)(/|$)")
NEVER = re.compile(r"/delete|/revoke|/hand-over|/found/")  #: forms that would take the rest away
FILL = {"surname": "Testová", "first_name": "Eva", "model": "Peugeot 208", "phone": "+420 601 234 567",
        "email": "eva@example.com", "name": "Eva Testová", "text": "A note", "content": "Called her",
        "reason": "Unpaid invoices", "consent": "1", "confirm_duplicate": "1", "method": "phone",
        "source": "phone", "request_type": "new_car"}


def test_the_kit_reads_what_people_type_and_refuses_what_cannot_be_stored():
    assert decimal("1 049 900 Kč", "Price", (12, 2), money=True, language="cs") == Decimal("1049900.00")
    assert decimal("25,000.00", "Price", (12, 2), money=True, language="cs") == Decimal("25000.00")
    assert decimal("24 500,50", "Price", (12, 2), language="cs") == Decimal("24500.50")
    assert decimal(1.005, "Price", (12, 2)) == Decimal("1.01") and decimal("", "Price", (12, 2)) is None
    for bad in ("NaN", "sNaN", "Infinity", "99999999999", "1e20", float("inf"), True, [1], "a\x00b"):
        with pytest.raises(FieldError):
            decimal(bad, "Price", (12, 2), money=True)
    with pytest.raises(FieldError, match=re.escape("Price: enter a number from 0 to 9,999,999,999.99.")):
        decimal("99999999999", "Price", (12, 2))
    assert text("  Eva \n Nová ", "Name", 100) == "Eva Nová" and text("a\n b", "Note", 10, multiline=True) == "a\n b"
    for bad, message in (("a\x00b", "control characters"), (["a", "b"], "send text"), (5, "send text"),
                         ("\ud800", "control characters"), ("x" * 101, "Surname: at most 100 characters.")):
        with pytest.raises(FieldError, match=message):
            text(bad, "Surname", 100)
    assert text("x" * 100, "Surname", Lead.surname) == "x" * 100  # the column's own length
    assert integer("2 000", "Budget") == 2000 and integer("", "Budget") is None
    for bad in ("²", "1.5", "9" * 5000, "3000000000", True):
        with pytest.raises(FieldError):
            integer(bad, "Budget")
    assert [identifier(v) for v in ("12", "²", "0", "9" * 30, "-3", 7, None)] == [12, None, None, None, None, 7, None]
    assert search_text("a\x00b\ud800c  d" + "x" * 200, 10) == "abc dxxxxx"


class _Forms(HTMLParser):
    """Every ``<form>`` of a page: method, action and its fields as a person would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                               "fields": {}})
        elif not self.forms or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a or a["name"] not in self.forms[-1]["fields"]:
                    self.forms[-1]["fields"][a["name"]] = a.get("value") or "on"
                return
            self.forms[-1]["fields"][a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self.forms[-1]["fields"][a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
            self.forms[-1]["fields"][a["name"]] = ""
        elif tag == "option" and self._select and self.forms:
            fields = self.forms[-1]["fields"]
            if a.get("value") and (not fields[self._select] or "selected" in a):
                fields[self._select] = a["value"]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return [f for f in parser.forms if PLUGIN_ACTIONS.match(f["action"]) and not NEVER.search(f["action"])]


def baseline(form: dict) -> dict[str, str]:
    """The form filled in the way a person would, so that one hostile field is all that is wrong."""
    values = dict(form["fields"])
    for name, value in values.items():
        if not value and name in FILL:
            values[name] = FILL[name]
    if "version" in values and "dealer" in values:  # the pre-order: a trim of the chosen version
        version = next(iter(catalogue.VERSIONS))
        values.update(version=version, trim=next(iter(catalogue.VERSIONS[version])), website="")
    return values


async def _send(client, form: dict, values, expected_below: int = 500) -> httpx.Response:
    if form["method"] == "get":
        r = await client.get(form["action"], params=values)
    else:
        r = await client.post(form["action"], data=values)
    assert r.status_code < expected_below, (form["action"], values, r.status_code, r.text[:300])
    return r


BIG_IDS = ("2147483648", "99999999999", "9" * 19, "9" * 40)  #: beyond a Serial key, a BIGINT, any column


async def drive(client, page_url: str, address_pool=None) -> int:
    """Send every plugin form of ``page_url`` once per hostile value per field; the number of requests.

    Each form (and the page itself) is also sent to the same address with its
    ids replaced by ones no key column can hold.
    """
    page = await client.get(page_url)
    assert page.status_code == 200, page_url
    sent = 0
    for big in BIG_IDS:
        await _send(client, {"method": "get", "action": re.sub(r"/\d+", f"/{big}", page_url)}, {})
    for form in forms_of(page.text):
        good = baseline(form)
        if re.search(r"/\d+", form["action"]):
            for big in BIG_IDS:
                await _send(client, {**form, "action": re.sub(r"/\d+", f"/{big}", form["action"])}, good)
        for name in [n for n in good if not n.startswith("_") and n not in ("confirm_duplicate", "website")]:
            for value in HOSTILE:
                target = next(address_pool) if address_pool else client
                await _send(target, form, {**good, name: value})
                sent += 1
            await _send(client, form, {**good, name: ["first", "second"]})  # the field twice
    return sent


async def test_hostile_values_through_every_form_and_api_of_every_plugin(make_dealer, client_as, anon,
                                                                          forecourt_server):
    dealer = await make_dealer(modules=["leads", "customers"])
    admin = await client_as(dealer, "dealer_admin")
    made = await admin.post("/customers/", data={**FILL, "temperature": "warm", "status": "potential"})
    customer_id = int(made.headers["location"].rsplit("/", 1)[1])
    made = await admin.post("/leads/", data=FILL)
    lead_id = int(made.headers["location"].rsplit("/", 1)[1])
    sent = 0
    for url in ("/leads/new", f"/leads/{lead_id}", "/leads/settings", "/leads/", "/leads/search-all",
                "/customers/new", f"/customers/{customer_id}", f"/customers/{customer_id}/edit", "/customers/"):
        sent += await drive(admin, url)
    # the public pre-order, each try from its own address (its flood limit counts per address)
    pool = [httpx.AsyncClient(base_url=forecourt_server, timeout=30,
                              transport=httpx.AsyncHTTPTransport(local_address=f"127.0.3.{i}")) for i in range(1, 60)]
    try:
        for client in pool:
            await client.get("/leads/pre-order")  # its CSRF cookie
        clients = itertools.cycle(pool)

        class Csrf:  # each pooled client sends its own CSRF cookie back as the form's token
            async def post(self, url, data):
                client = next(clients)
                return await client.post(url, data={**data, "_csrf_token": client.cookies.get("fc_csrf", "")})

            async def get(self, url, params=None):
                return await next(clients).get(url, params=params)

        sent += await drive(anon, "/leads/pre-order", itertools.repeat(Csrf()))
    finally:
        for client in pool:
            await client.aclose()
    # the intake API: every JSON field, then the ADF fields people fill
    auth = {"authorization": f"Bearer {await make_key(admin, per_minute=1000)}"}
    for n, (name, value) in enumerate(itertools.product([*LEAD, "price", "note", "city", "currency", "version",
                                                         "trim", "request_type", "source"],
                                                        [*HOSTILE, ["a"], {"a": 1}, 12, None, True])):
        r = await anon.post("/leads/api/intake", json={**LEAD, "external_id": f"F-{n}", name: value}, headers=auth)
        assert r.status_code < 500 and r.status_code in (201, 200, 400, 422), (name, value, r.text)
        sent += 1
    for n, value in enumerate(HOSTILE):
        xml_value = value.replace("\x00", "&#0;").replace("\u0007", "&#7;")
        for element in ("price", "model", "comments"):
            doc = (f'<adf><prospect><id source="F">X-{element}-{n}</id><vehicle><make>Peugeot</make>'
                   f'<model>{xml_value if element == "model" else "208"}</model>'
                   f'<price>{xml_value if element == "price" else "1"}</price></vehicle><customer><contact>'
                   f'<name part="full">Eva Nová</name><phone>+420 601 234 567</phone></contact>'
                   f'<comments>{xml_value if element == "comments" else ""}</comments></customer></prospect></adf>')
            r = await anon.post("/leads/api/intake/adf", content=doc.encode(), headers={
                **auth, "content-type": "application/xml"})
            assert r.status_code in (201, 200, 400, 422), (element, value[:20], r.text)
            sent += 1
    assert sent > 800
    await _nothing_unstorable_was_stored(dealer.id)


async def _nothing_unstorable_was_stored(dealer_id: int) -> None:
    """What was accepted fits the columns, on every engine (SQLite does not enforce Varchar lengths)."""
    checks = [(Lead, Lead.scoped(dealer_id).select()), (Customer, Customer.scoped(dealer_id).select()),
              (Note, Note.scoped(dealer_id).select()), (FollowUp, FollowUp.scoped(dealer_id).select())]
    for table, query in checks:
        for row in await query:
            for column in table._meta.columns:
                value = row[column._meta.name]
                if isinstance(value, str):
                    assert "\x00" not in value, (table, column, value[:40])
                    length = getattr(column, "length", None)
                    assert length is None or len(value) <= length, (table, column._meta.name, len(value))
                elif isinstance(value, Decimal | float):
                    assert math.isfinite(value) and abs(value) < 10**10, (table, column._meta.name, value)


async def test_the_cores_own_forms_and_hidden_ids_refuse_unstorable_values(make_dealer, client_as, login,
                                                                          platform_admin):
    """The admin forms and ids a form carries go through the kit too: 4xx, never a 5xx, nothing stored."""
    import asyncio

    from core.tables import Dealer, Reason, User
    from plugins.leads.tables import Lead

    dealer = await make_dealer(modules=["leads", "deals"])
    admin = await client_as(dealer, "dealer_admin")
    users = f"/admin/dealers/{dealer.id}/users"
    r = await admin.post(users, data={"login": f"nul-{dealer.id}", "role": "manager", "full_name": "a\x00b"})
    assert r.status_code == 422 and not await User.exists().where(User.login == f"nul-{dealer.id}")
    reasons = f"/admin/dealers/{dealer.id}/reasons"
    await admin.get(reasons)
    for data in ({"list_key": "deals.deal.refuse.reason", "label": "a\x00b"},
                 {"list_key": "deals.deal.refuse.reason", "label": "x" * 201}):
        assert (await admin.post(reasons, data=data)).status_code == 422
    r = await admin.post(reasons, data={"list_key": "deals.deal.refuse.reason", "reason_id": "3000000000",
                                        "active": "0"})
    assert r.status_code == 404
    assert not await Reason.exists().where(Reason.label.like("a%b"))
    manager = await client_as(dealer, "manager")
    r = await manager.post("/leads/", data={"surname": "Novák", "model": "Peugeot 408", "phone": "+420 601 234 567",
                                            "source": "phone", "request_type": "pre_order",
                                            "customer_id": "3000000000"})
    assert r.status_code == 422 and await Lead.scoped(dealer.id).count() == 0
    platform = await login(platform_admin)
    for data in ({"name": "a\x00b", "slug": f"nul-{dealer.id}"}, {"name": "Fine", "slug": f"nul-{dealer.id}",
                                                                "city": "a\x00b"}):
        assert (await platform.post("/admin/dealers", data=data)).status_code == 422
    assert not await Dealer.exists().where(Dealer.slug == f"nul-{dealer.id}")
    # six admins adding the same login at once: one user, five clear refusals
    admins = [admin] + [await login(dealer.users["dealer_admin"]) for _ in range(5)]
    answers = await asyncio.gather(*(a.post(users, data={"login": f"same-{dealer.id}", "role": "manager"})
                                     for a in admins))
    assert sorted(a.status_code for a in answers) == [201] + [422] * 5
    assert await User.count().where(User.login == f"same-{dealer.id}") == 1
