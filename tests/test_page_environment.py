"""The page environment reads a row's ``row.name`` as Jinja would, only sooner (issue 14, the page floor)."""

from __future__ import annotations

from jinja2 import DictLoader

from core.web.templating import PageEnvironment


def _render(source: str, **context: object) -> str:
    env = PageEnvironment(loader=DictLoader({"t.html": source}), autoescape=True)
    return env.get_template("t.html").render(**context)


def test_a_rows_keys_read_as_attributes():
    row = {"surname": "Dvořák", "price": 0, "none": None}
    assert _render("{{ r.surname }}|{{ r.price }}|{{ r.none }}|{{ r.missing }}", r=row) == "Dvořák|0|None|"


def test_a_dicts_methods_stay_methods_even_where_a_key_has_their_name():
    """Jinja finds ``d.items`` as the method first; so does this environment (a key "items" does not hide it)."""
    data = {"items": "a key", "b": 2}
    out = _render("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{{ d['items'] }}", d=data)
    assert out == "items=a key;b=2;a key"


def test_other_objects_read_as_jinja_reads_them():
    class Row(dict):
        surname = "from the attribute"

    assert _render("{{ r.surname }}|{{ r.other }}", r=Row(surname="from the key", other="key")) == (
        "from the attribute|key")
