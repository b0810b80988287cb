"""A's own site as :mod:`forecourt.isolation` learns it: links, the parameters they carry, POST forms.

Internal to the isolation check (its API is :mod:`forecourt.isolation`). The crawl
is what lets the check use values no enumeration could guess (``leads.lead``,
a transition's key) and send the forms a browser would send.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urljoin, urlsplit

if TYPE_CHECKING:
    from forecourt.isolation import Route

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")

_FILL = {"email": "probe@example.test", "date": "2027-03-01", "datetime-local": "2027-03-01T10:00",
         "number": "1", "tel": "+420 601 111 222"}


class Page(HTMLParser):
    """Links (href, form actions, hx-*) and POST forms (their fields) of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[tuple[str, dict[str, list[str]], set[str]]] = []  # action, fields, fields choosing an id
        self._form: tuple[str, dict[str, list[str]], set[str]] | None = None
        self._text: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("href", "action", "hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete"):
            if a.get(key):
                self.links.append(a[key])
        if tag == "form":
            self._form = None
            if a.get("method", "get").lower() == "post" and a.get("action"):
                self._form = (a["action"], {}, set())
                self.forms.append(self._form)
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._options.append((a.get("value", ""), "selected" in a))
            return
        name, fields = a["name"], self._form[1]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a or a.get("value", "").isdigit() or name not in fields:
                    fields.setdefault(name, []).append(a.get("value", "on"))
                return
            fields[name] = [a.get("value") or _FILL.get(kind, "" if kind == "hidden" else "isolation probe")]
        elif tag == "textarea":
            self._text, fields[name] = name, [""]
        elif tag == "select":
            self._select, self._options = name, []

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._text is not None:
            self._form[1][self._text][0] += data

    def handle_endtag(self, tag: str) -> None:
        if self._form is None:
            return
        if tag == "textarea" and self._text is not None:
            values = self._form[1][self._text]
            values[0] = values[0] or "isolation probe"
            self._text = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, sel in self._options if sel] or [v for v, _ in self._options if v] or [""]
            self._form[1][self._select] = chosen[:1]
            if self._options and all(v.isdigit() for v, _ in self._options if v):
                self._form[2].add(self._select)
            self._select = None
        elif tag == "form":
            self._form = None


@dataclass
class Site:
    """What one client's own pages show: the parameters of links to each route, POST forms, pages."""

    combos: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # route path -> params seen together
    forms: dict[str, tuple[dict[str, list[str]], set[str]]] = field(default_factory=dict)
    pages: list[str] = field(default_factory=list)
    queries: dict[str, set[str]] = field(default_factory=dict)  # route path -> query keys A's links give an id

    def seen(self, route: Route, name: str) -> list[str]:
        """Values ``name`` took in links to ``route``, else in links to any route."""
        mine = [c[name] for c in self.combos.get(route.path, [])]
        return list(dict.fromkeys(mine or [c[name] for cs in self.combos.values() for c in cs if name in c]))

    def strings(self, route: Route) -> list[dict[str, str]]:
        """The string parameters of ``route`` as A's links had them together (else each as seen anywhere)."""
        names = [n for n, kind in route.params if kind != "int"]
        together = list(dict.fromkeys(tuple(c[n] for n in names) for c in self.combos.get(route.path, [])))
        if not together:
            together = list(itertools.product(*[self.seen(route, n) or ["x"] for n in names]))
        return [dict(zip(names, t, strict=True)) for t in together[:6]]

    def own(self, route: Route, strings: dict[str, str]) -> dict[str, str]:
        """A's own values for ``route``'s int parameters beside ``strings`` ({} if A's pages had none)."""
        for combo in self.combos.get(route.path, []):
            if all(combo[k] == v for k, v in strings.items()):
                return {n: combo[n] for n in route.ints}
        values = {n: self.seen(route, n) for n in route.ints}
        return {n: v[0] for n, v in values.items()} if all(values.values()) else {}


async def crawl(client: Any, routes: list[Route], limit: int, look: Any) -> Site:
    """Follow A's links from every parameterless GET route (each answer to ``look``); see :class:`Site`.

    Query strings are not followed, and at most 3 paths per route are visited: enough to learn
    the parameters and forms, bounded however much A has.
    """
    site = Site()
    queue = ["/", *(r.path for r in routes if r.method == "GET" and not r.params)]
    seen: set[str] = set()
    visits: Counter[str] = Counter()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = await client.get(url)
        look(f"GET {url}", response)
        if response.status_code != 200 or "html" not in response.headers.get("content-type", ""):
            continue
        site.pages.append(url)
        parser = Page()
        parser.feed(response.text)
        forms = {urlsplit(action).path: (fields, ids) for action, fields, ids in parser.forms}
        for link in parser.links:
            parts = urlsplit(urljoin(url, link))  # "?edit_note=5" is a link to this page
            path, query = parts.path, parse_qsl(parts.query)
            if parts.scheme or parts.netloc or not path.startswith("/"):
                continue
            for route in routes:
                match = route.regex.match(path)
                if not match:
                    continue
                combo = {name: value for (name, _), value in zip(route.params, match.groups(), strict=True)}
                if combo not in site.combos.setdefault(route.path, []):
                    site.combos[route.path].append(combo)
                if route.method == "GET":
                    site.queries.setdefault(route.path, set()).update(k for k, v in query if v.isdigit())
                if route.method == "GET" and path not in seen and visits[route.path] < 3:
                    visits[route.path] += 1
                    queue.append(path)
                if route.method in UNSAFE and path in forms and route.path not in site.forms:
                    site.forms[route.path] = forms[path]
    return site
