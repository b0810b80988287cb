"""Tenant isolation as a check: dealer A asks every route for dealer B's rows.

The check a partner (and our CI) runs over everything installed, so a plugin
is covered the day it lands without anyone writing a test per route::

    from forecourt.isolation import check_isolation, installed

    app, tables = installed(forecourt_registry)
    report = await check_isolation(app, clients, victim=b.id, tables=tables, markers=["Qzxvictim"])
    print(report.matrix())
    assert report.ok, report.text()

What it does, for each client (one per role of the attacking dealer A):

1. *Learns A's own site*: it crawls A's pages from every parameterless GET
   route, following links and form actions that match a route, and records
   the values each path parameter takes there (A's ids, and the strings such
   as ``leads.lead`` that no enumeration could guess) and each POST form's
   fields (what a browser would send).
2. *Asks for B's ids*: every route (all methods; ``public`` routes aside: they
   act for no dealer's session) is requested with B's ids in its integer path
   parameters, each alone and mixed with A's own ids (``/customers/<A's>/notes/
   <B's>``), and with B's ids in the id fields of the form it learned
   (``assignee``, ``customer_id``, ``ids``) or, for a GET, in the id-valued
   query parameters of A's links; a GET is asked as a page and as htmx's
   fragment. Unsafe methods carry the CSRF header and A's form, empty fields
   filled plausibly, so a route that wrongly trusts the id would really write.
3. *Crawls A's site again* (as the first client), so B's data that step 2
   copied into A's rows shows.

It guarantees, and reports otherwise: no answer is 5xx; some unsafe request
was accepted (a CSRF header or login that does not work would make every
route refuse, and the check pass for nothing); no answer (body or
``Location``) contains any of ``markers`` (strings only B's rows contain);
every dealer-scoped row of B (each table with ``dealer_id``) and B's own
dealer row are the same after as before; and each client is still logged in at the end (else the
matrix would have been run by an anonymous visitor and prove nothing).

B's ids for a parameter come from B's rows: ``lead_id`` takes the ids of the
tables named ``*_lead``, ``dealer_id`` B's dealer id, an ``entity_id`` beside
``entity=leads.lead`` the ids of ``leads_lead``; a name that maps to no table
takes B's ids of every table (capped). A route that crosses dealers on
purpose says so in its handler: ``opt={ISOLATION_EXEMPT: "why"}`` (it is left
out); one that hands rows of A's over to another dealer (a lead to the
customer's preferred dealer) says ``opt={ISOLATION_GIVES: "why"}``: rows it
*adds* to B are allowed; B's existing rows must still not change, and its
answers still not show B's. B's rows are compared after each unsafe route, so
a change is reported with the route (and role) that made it.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from litestar.handlers import HTTPRouteHandler

from forecourt.isolation_site import UNSAFE, Site, crawl

__all__ = ["ISOLATION_EXEMPT", "ISOLATION_GIVES", "Report", "Route", "app_routes", "changes", "check_isolation",
           "dealer_tables", "fill_empty", "installed", "snapshot"]

ISOLATION_EXEMPT = "isolation_exempt"  #: handler ``opt`` key; its value says why the route may cross dealers
ISOLATION_GIVES = "isolation_gives"  #: handler ``opt`` key; its value says why the route may add rows to another
_PARAM = re.compile(r"\{([^}:]+)(?::([a-z]+))?\}")


@dataclass(frozen=True)
class Route:
    """One method of one route: ``path`` is Litestar's template (``/leads/{lead_id:int}``)."""

    method: str
    path: str
    plugin: str | None
    params: tuple[tuple[str, str], ...]
    regex: re.Pattern[str] = field(compare=False, repr=False)
    gives: bool = field(default=False, compare=False)  #: marked :data:`ISOLATION_GIVES`

    def url(self, values: dict[str, Any]) -> str:
        return _PARAM.sub(lambda m: str(values[m.group(1)]), self.path)

    @property
    def ints(self) -> list[str]:
        return [name for name, kind in self.params if kind == "int"]


def _regex(path: str) -> re.Pattern[str]:
    out, pos = "", 0
    for m in _PARAM.finditer(path):
        out += re.escape(path[pos:m.start()]) + (r"(\d+)" if m.group(2) == "int" else r"([^/]+)")
        pos = m.end()
    return re.compile("^" + out + re.escape(path[pos:]).rstrip("/") + "/?$")


def app_routes(app: Any, *, exempt: bool = False, public: bool = False) -> list[Route]:
    """Every route of ``app``, one :class:`Route` per method (HEAD and OPTIONS aside).

    ``exempt=True`` gives only the routes marked :data:`ISOLATION_EXEMPT` (to prove the check
    flags them); ``public=True`` includes the routes that need no session.
    """
    routes = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler) or bool(handler.opt.get(ISOLATION_EXEMPT)) != exempt:
                continue
            if handler.opt.get("public") and not public:
                continue
            params = tuple((m.group(1), m.group(2) or "str") for m in _PARAM.finditer(route.path))
            routes.extend(Route(method, route.path, handler.opt.get("plugin"), params, _regex(route.path),
                                bool(handler.opt.get(ISOLATION_GIVES)))
                          for method in sorted(handler.http_methods) if method not in ("HEAD", "OPTIONS"))
    return sorted(set(routes), key=lambda r: (r.path, r.method))


def dealer_tables(tables: list[type]) -> list[type]:
    """The tables with a ``dealer_id`` column: the rows a dealer owns."""
    return [t for t in tables if "dealer_id" in {c._meta.name for c in t._meta.columns}]


def installed(registry: Any) -> tuple[Any, list[type]]:
    """The app over ``registry`` (the ``forecourt_registry`` fixture) and every dealer-scoped table of it.

    The app is built, not served: its routes are what the check enumerates, and the requests go
    to ``forecourt_server``, which loads the same plugins.
    """
    from core.app import create_app
    from core.startup import all_tables

    return create_app(registry=registry), dealer_tables(all_tables(registry))


async def snapshot(tables: list[type], dealer_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row of ``dealer_id`` in ``tables``, by table name, in primary-key order, and the dealer's own row.

    The dealer's row (its modules, time zone, currency) is the table ``dealer_id`` references.
    One transaction: one connection for all the tables (outside the server there is no pool;
    a connection per query made the check on PostgreSQL five times slower).
    """
    from piccolo.columns import ForeignKey

    from core.db import transaction

    dealers = {t.dealer_id._foreign_key_meta.resolved_references for t in tables
               if isinstance(t.dealer_id, ForeignKey)}
    async with transaction():
        rows = {t._meta.tablename: await t.select().where(t.dealer_id == dealer_id).order_by(t._meta.primary_key)
                for t in tables}
        for dealer in dealers:
            rows[dealer._meta.tablename] = await dealer.select().where(dealer._meta.primary_key == dealer_id)
    return rows


def changes(before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]],
            added: bool = True) -> list[str]:
    """What differs between two snapshots, one line per added (unless ``added=False``), removed or changed row."""
    found = []
    for table, rows in before.items():
        old = {r["id"]: r for r in rows}
        new = {r["id"]: r for r in after.get(table, [])}
        found += [f"{table} row {i} was added" for i in new.keys() - old.keys() if added]
        found += [f"{table} row {i} was removed" for i in old.keys() - new.keys()]
        for i in old.keys() & new.keys():
            cols = [c for c in old[i] if old[i][c] != new[i].get(c)]
            if cols:
                found.append(f"{table} row {i} changed: " + ", ".join(
                    f"{c} {old[i][c]!r} -> {new[i].get(c)!r}" for c in cols))
    return sorted(found)


async def fill_empty(tables: list[type], dealer_id: int, text: str) -> list[str]:
    """One row of ``dealer_id`` in each of ``tables`` that has none, texts ``text``; the tables it could not fill.

    For what the app and services cannot make in a test (a job's slot, a plugin's log): every
    text column gets ``text`` (cut to its length), a foreign key the dealer's (or any) first row of
    the table it references, the rest their defaults. Fill through the app first: this is the net.
    """
    from piccolo.columns import ForeignKey, Text, Varchar

    failed = []
    for table in tables:
        if await table.exists().where(table.dealer_id == dealer_id):
            continue
        values: dict[str, Any] = {}
        try:
            for column in table._meta.columns:
                name = column._meta.name
                if name == "dealer_id":
                    values[name] = dealer_id
                elif isinstance(column, ForeignKey):
                    ref = column._foreign_key_meta.resolved_references
                    query = ref.select(ref._meta.primary_key).order_by(ref._meta.primary_key)
                    if "dealer_id" in {c._meta.name for c in ref._meta.columns}:
                        query = query.where(ref.dealer_id == dealer_id)
                    row = await query.first()
                    if row is not None:
                        values[name] = row["id"]
                elif isinstance(column, Varchar | Text) and not column._meta.primary_key:
                    values[name] = text[:column.length] if isinstance(column, Varchar) else text
            await table.insert(table(**values))
        except Exception as exc:  # reported: the caller says which tables stay uncovered
            failed.append(f"{table._meta.tablename} ({type(exc).__name__}: {exc})")
    return failed


@dataclass
class Report:
    """What :func:`check_isolation` tried (requests per route) and what it found."""

    tried: Counter[str] = field(default_factory=Counter)
    answers: dict[str, Counter[int]] = field(default_factory=dict)  #: route -> status codes it answered
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def matrix(self) -> str:
        """The routes x ids tried, one line per route with its answers' status codes, and the total: for the CI log."""
        width = max((len(k) for k in self.tried), default=10)
        lines = []
        for key, n in sorted(self.tried.items(), key=lambda kv: kv[0][7:]):
            codes = sorted(self.answers.get(key, Counter()).items())
            lines.append(f"{key:<{width}}  {n:>4}  " + " ".join(f"{code}x{count}" for code, count in codes))
        return "\n".join([*lines, f"{len(self.tried)} routes, {sum(self.tried.values())} requests"])

    def text(self) -> str:
        return f"{len(self.problems)} isolation problem(s):\n  " + "\n  ".join(self.problems)


def _ids_for(name: str, values: dict[str, str], ids: dict[str, list[int]], dealer: int, cap: int) -> list[int]:
    """B's ids worth trying as parameter (or form field) ``name`` beside the string parameters ``values``."""
    stem = re.sub(r"(^|_)ids?$", "", name)
    if stem == "dealer":
        return [dealer]
    tables = [t for t in ids if stem and (t == stem or t.endswith("_" + stem))]
    tables += [v.replace(".", "_") for v in values.values() if v.replace(".", "_") in ids]
    picked = [i for t in dict.fromkeys(tables) for i in ids[t][:cap]]
    if not picked:  # a name we cannot map: B's first ids of every table, in turn
        picked = [dealer, *(i for row in itertools.zip_longest(*ids.values()) for i in row if i is not None)]
    return list(dict.fromkeys(picked))[:cap * 4]


def _requests(route: Route, site: Site, ids: dict[str, list[int]], dealer: int, cap: int, budget: int
              ) -> list[tuple[str, dict[str, list[str]]]]:
    """(url, form) pairs for ``route``: B's ids in the path (alone and beside A's), then in its form's id fields
    (or, for a GET, in the query parameters that A's links to it give an id: ``?edit_note=<id>``)."""
    fields, id_fields = site.forms.get(route.path, ({}, set()))
    guessed = not fields
    if guessed:  # no form of A's posts to this route: every field any form of A's had
        for other, choose in site.forms.values():
            fields, id_fields = {**other, **fields}, id_fields | choose
    in_path, in_form = [], []
    for strings in site.strings(route):
        own = site.own(route, strings)
        choices = [([own[n]] if n in own else []) + _ids_for(n, strings, ids, dealer, cap) for n in route.ints]
        for pick in itertools.product(*choices):
            values = {**strings, **dict(zip(route.ints, pick, strict=True))}
            if not route.ints or any(str(v) != own.get(n) for n, v in zip(route.ints, pick, strict=True)):
                in_path.append((route.url(values), fields))
        if len(own) < len(route.ints):
            continue
        mine = route.url({**strings, **own})
        if route.method in UNSAFE:
            for name in sorted(n for n in fields if n in id_fields or re.search(r"(^|_)ids?$", n)):
                in_form += [(mine, {**fields, name: [str(i)]}) for i in _ids_for(name, strings, ids, dealer, cap)]
        else:
            for name in sorted(site.queries.get(route.path, ())):
                in_form += [(f"{mine}?{urlencode({name: i})}", {}) for i in _ids_for(name, strings, ids, dealer, cap)]
    in_form = in_form[:cap * 2] if guessed else in_form  # each guessed field once or twice, not all of them
    half = budget // 2 if in_form else budget
    return in_path[:half] + in_form[:budget - min(half, len(in_path))]


async def check_isolation(app: Any, clients: dict[str, Any], *, victim: int, tables: list[type],
                          markers: list[str], routes: list[Route] | None = None, per_route: int = 24,
                          per_param: int = 3, crawl_limit: int = 120) -> Report:
    """Run the check (see the module's docstring) with ``clients`` of dealer A against dealer ``victim``.

    ``clients``: role -> a logged-in :class:`forecourt.testing.Client` of A (it sends the CSRF
    header). ``tables``: the dealer-scoped tables (:func:`dealer_tables`); B should have rows in
    each, and ``markers`` must occur in B's rows' texts only. ``routes`` defaults to
    :func:`app_routes` of ``app``. At most ``per_route`` requests per route and role, ``per_param``
    ids per table and parameter, ``crawl_limit`` pages per crawl of A's site.
    """
    from core import db

    # the snapshots' connections: PostgreSQL's, pooled for the check if the caller has no pool open
    own_pool = db.engine_kind() == "postgres" and getattr(db.engine(), "pool", None) is None
    async with db.lifespan_pool() if own_pool else contextlib.nullcontext():
        return await _check(clients, victim, tables, [m.lower() for m in markers],
                            app_routes(app) if routes is None else routes, per_route, per_param, crawl_limit)


async def _check(clients: dict[str, Any], victim: int, tables: list[type], needles: list[str], routes: list[Route],
                 per_route: int, per_param: int, crawl_limit: int) -> Report:
    report = Report()
    before = await snapshot(tables, victim)
    ids = {t: [r["id"] for r in rows] for t, rows in before.items() if rows}
    looks = {}
    for role in clients:

        def look(label: str, response: Any, role: str = role) -> None:
            if response.status_code >= 500:
                report.problems.append(f"{label} as {role}: answered {response.status_code}")
            seen = (response.text + " " + response.headers.get("location", "")).lower()
            leaked = [m for m in needles if m in seen]
            if leaked:
                report.problems.append(f"{label} as {role}: the answer shows dealer {victim}'s {leaked[0]!r}")

        looks[role] = look

    current = before
    ordered = sorted(routes, key=lambda r: r.method in UNSAFE)  # the GETs, then each unsafe route checked alone
    for role, client in clients.items():
        site = await crawl(client, routes, crawl_limit, looks[role])
        for n, route in enumerate(ordered):
            key = f"{route.method:<6} {route.path}"
            for url, form in _requests(route, site, ids, victim, per_param, per_route):
                unsafe = route.method in UNSAFE
                for htmx in (False,) if unsafe else (False, True):  # a GET as a page and as htmx's fragment
                    response = await client.request(route.method, url, data=form if unsafe else None,
                                                    headers={"hx-request": "true"} if htmx else {})
                    report.tried[key] += 1
                    report.answers.setdefault(key, Counter())[response.status_code] += 1
                    looks[role](f"{route.method} {url}" + (f" with {sorted(form)}" if unsafe else "")
                                + (" (htmx)" if htmx else ""), response)
            if route.method in UNSAFE or n + 1 == len(ordered) or ordered[n + 1].method in UNSAFE:
                now = await snapshot(tables, victim)
                who = f"{route.method} {route.path}" if route.method in UNSAFE else "a GET request"
                report.problems += [f"{who} as {role} changed dealer {victim}'s data: {line}"
                                    for line in changes(current, now, added=not route.gives)]
                current = now
    for role, client in clients.items():
        home = await client.get("/")
        if home.status_code != 200:
            report.problems.append(f"{role} was logged out during the check (GET / answered {home.status_code})")
    # B's data copied into A's rows by a request above shows on A's own pages now (to the first role)
    first = next(iter(clients), None)
    if first is not None:
        await crawl(clients[first], routes, crawl_limit, lambda label, r: looks[first](label + " (afterwards)", r))
    report.problems += [f"a GET request changed dealer {victim}'s data: {line}"
                        for line in changes(current, await snapshot(tables, victim))]
    unsafe = [codes for key, codes in report.answers.items() if key.split()[0] in UNSAFE]
    if unsafe and not any(code < 400 for codes in unsafe for code in codes):
        report.problems.append("no unsafe request was accepted (all 4xx): if the CSRF header or the login does "
                               "not work, the matrix proves nothing")
    return report
