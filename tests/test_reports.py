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
    for query in ("period=custom&from=2026-13-01&to=2026-01-01", "period=custom&from=x&to=y",
                  "period=custom&from=2026-02-01&to=2026-01-01", "manager=abc", "manager=999999",
                  "manager=%C2%B2", "manager=" + "1" * 5000,  # a digit to isdigit() int() refuses; too long a number
                  "source=Nowhere!", "source=nowhere&period=month", "period=custom&from=1000-01-01&to=9999-12-31",
                  "period=nonsense", "bucket=year", "compare=%00"):
        answer = await admin.get(f"/reports/sales?{query}")
        assert answer.status_code in (200, 422), (query, answer.status_code)
        assert "<html" in answer.text
    assert (await admin.get("/reports/nothing")).status_code == 404


def key_of(who: Any) -> str:
    return "none" if who is None else str(who)


async def test_funnel_and_speed_to_lead_equal_sql(make_dealer, client_as):
    import statistics

    dealer = await seeded(make_dealer)
    admin = await client_as(dealer, "dealer_admin")
    start, end, query = month_span()
    page = await admin.get(f"/reports/funnel?{query}")
    assert page.status_code == 200
    steps = cells(page.text, "funnel-leads")
    counts = (await sql("SELECT COUNT(*) AS n, SUM(CASE WHEN contacted_at IS NOT NULL THEN 1 ELSE 0 END) AS c, "
                        "SUM(CASE WHEN contract_signed_at IS NOT NULL THEN 1 ELSE 0 END) AS s FROM leads_lead "
                        "WHERE dealer_id = {} AND created_at >= {} AND created_at < {}", dealer.id, start, end))[0]
    assert number(steps["leads.received"]["value"]) == counts["n"]
    assert number(steps["leads.contacted"]["value"]) == counts["c"]
    assert number(steps["leads.contract_signed"]["value"]) == counts["s"]
    assert number(steps["leads.contacted"]["from_previous"]) == round(100 * counts["c"] / counts["n"], 1)
    rows = await sql("SELECT created_at, contacted_at, source FROM leads_lead WHERE dealer_id = {} "
                     "AND created_at >= {} AND created_at < {} AND contacted_at IS NOT NULL", dealer.id, start, end)

    def moment(value: Any) -> dt.datetime:
        return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))

    waits = sorted((moment(r["contacted_at"]) - moment(r["created_at"])).total_seconds() for r in rows)
    speed = cells(page.text, "speed")
    assert number(speed["leads.response_time"]["value"]) == pytest.approx(statistics.median(waits), abs=1)
    p90 = statistics.quantiles(waits, n=10, method="inclusive")[8] if len(waits) > 1 else waits[0]
    assert number(speed["leads.response_time_p90"]["value"]) == pytest.approx(p90, abs=1)
    by_source = cells(page.text, "by-source")
    for row in await sql("SELECT source, COUNT(*) AS n FROM leads_lead WHERE dealer_id = {} AND created_at >= {} "
                         "AND created_at < {} GROUP BY source", dealer.id, start, end):
        assert number(by_source[key_of(row["source"] or None)]["leads.received"]) == row["n"]


async def test_sales_performance_equals_sql(make_dealer, client_as):
    dealer = await seeded(make_dealer)
    admin = await client_as(dealer, "dealer_admin")
    start, end, query = month_span()
    page = await admin.get(f"/reports/sales?{query}")
    assert page.status_code == 200
    summary = cells(page.text, "summary")
    placed = (await sql("SELECT COUNT(*) AS n FROM orders_order WHERE dealer_id = {} AND created_at >= {} "
                        "AND created_at < {}", dealer.id, start, end))[0]["n"]
    assert placed and number(summary["orders.placed"]["value"]) == placed
    statuses = cells(page.text, "by-status")
    for row in await sql("SELECT status, COUNT(*) AS n FROM orders_order WHERE dealer_id = {} AND created_at >= {} "
                         "AND created_at < {} GROUP BY status", dealer.id, start, end):
        assert number(statuses[row["status"]]["orders.placed"]) == row["n"]
    received = (await sql("SELECT SUM(amount) AS s FROM orders_payment WHERE dealer_id = {} AND status IN "
                          "('received', 'refunded') AND paid_at >= {} AND paid_at < {}", dealer.id, start, end))[0]
    assert number(summary["orders.payments_received"]["value"]) == pytest.approx(float(received["s"] or 0), abs=0.01)
    # the series: the days add up to the period's orders
    series = cells(page.text, "series-orders-placed")
    assert sum(number(r["orders.placed"]) for r in series.values()) == placed
    # in the XLSX the buckets are dates and the counts numbers
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO((await admin.get(f"/reports/sales/export.xlsx?{query}")).content))
    sheet = book["Orders placed over time"]
    buckets = [row for row in sheet.iter_rows(min_row=5) if row[0].value is not None]
    assert buckets and all(isinstance(row[0].value, dt.datetime) for row in buckets)
    assert sum(row[1].value for row in buckets) == placed


async def test_customer_analysis_equals_sql(make_dealer, client_as):
    dealer = await seeded(make_dealer)
    admin = await client_as(dealer, "dealer_admin")
    start, end, query = month_span()
    page = await admin.get(f"/reports/customers?{query}")
    assert page.status_code == 200
    summary = cells(page.text, "summary")
    new = (await sql("SELECT COUNT(*) AS n FROM customers_customer WHERE dealer_id = {} AND invalid = {} "
                     "AND created_at >= {} AND created_at < {}", dealer.id, False, start, end))[0]["n"]
    assert new and number(summary["customers.new"]["value"]) == new
    blacklisted = (await sql("SELECT COUNT(*) AS n FROM customers_customer WHERE dealer_id = {} AND invalid = {} "
                             "AND blacklisted = {}", dealer.id, False, True))[0]["n"]
    assert number(summary["customers.blacklisted"]["value"]) == blacklisted
    temperature = cells(page.text, "by-temperature")
    for row in await sql("SELECT temperature, COUNT(*) AS n FROM customers_customer WHERE dealer_id = {} "
                         "AND invalid = {} GROUP BY temperature", dealer.id, False):
        assert number(temperature[row["temperature"]]["customers.total"]) == row["n"]
    assert "followups" in re.findall(r'data-table="([^"]+)"', page.text)


@pytest.mark.allow_server_errors
async def test_partner_metrics_show_on_other_modules_and_a_failing_one_says_no_figure(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals", "extra", "reports"])
    admin = await client_as(dealer, "dealer_admin")
    start, end, query = month_span()
    from fc_deals.tables import Deal

    at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    await Deal.scoped(dealer.id).insert(title="Signed", status="new", signed_at=at, created_at=at)
    page = await admin.get(f"/reports/other?{query}")
    assert page.status_code == 200
    deals = cells(page.text, "plugin-deals")
    signed = (await sql("SELECT COUNT(*) AS n FROM deals_deal WHERE dealer_id = {} AND signed_at >= {} "
                        "AND signed_at < {}", dealer.id, start, end))[0]["n"]
    assert signed == 1 and number(deals["deals.signed"]["value"]) == signed
    extra = cells(page.text, "plugin-extra")
    assert extra["extra.broken"]["value"] == "failed"
    assert "no figure" in page.text


async def test_the_xlsx_and_csv_carry_the_page_numbers_and_keep_formulas_inert(make_dealer, client_as):
    import csv

    from openpyxl import load_workbook

    dealer = await seeded(make_dealer)
    me = dealer.users["manager"].id
    await sql("UPDATE core_user SET full_name = {} WHERE id = {}", "=HYPERLINK(\"http://x.test\")", me)
    admin = await client_as(dealer, "dealer_admin")
    _start, _end, query = month_span()
    page = await admin.get(f"/reports/efficiency?{query}")
    table = cells(page.text, "managers")
    answer = await admin.get(f"/reports/efficiency/export.xlsx?{query}")
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(answer.content))
    sheet = book["Per manager"]
    head = [c.value for c in sheet[4]]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=5)}
    name_cell = next(r[0] for r in sheet.iter_rows(min_row=5) if str(r[0].value).startswith("=HYPERLINK"))
    assert name_cell.data_type == "s"  # text, never a formula
    mine = rows[name_cell.value]
    received = mine[head.index("Leads received")]
    assert isinstance(received.value, int) and received.value == number(table[str(me)]["leads.received"])
    revenue = mine[next(i for i, h in enumerate(head) if str(h).startswith("Revenue"))]
    assert isinstance(revenue.value, int | float)
    assert revenue.value == pytest.approx(number(table[str(me)]["orders.revenue"]), abs=0.01)
    share = mine[head.index("Contacted within a day")]
    if share.value is not None:
        assert share.number_format.endswith("%")
        assert share.value * 100 == pytest.approx(number(table[str(me)]["leads.contacted_in_time"]), abs=0.01)
    text = (await admin.get(f"/reports/efficiency/export.csv?{query}&table=managers")).text
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[0][0] == "Manager"
    row = next(line for line in lines if line[0].startswith("'=HYPERLINK"))
    assert float(row[1]) == number(table[str(me)]["leads.received"])
    assert "filename=\"report-efficiency-" in (await admin.get(
        f"/reports/efficiency/export.csv?{query}&table=managers")).headers["content-disposition"]
    assert (await admin.get(f"/reports/efficiency/export.csv?{query}&table=nope")).status_code == 404


async def test_compare_and_the_manager_filter(make_dealer, client_as):
    dealer = await seeded(make_dealer)
    admin = await client_as(dealer, "dealer_admin")
    me = dealer.users["manager"].id
    today = dt.datetime.now(dt.UTC).date()
    first = today - dt.timedelta(days=2)
    page = await admin.get(f"/reports/efficiency?period=custom&from={first}&to={today}&compare=1&manager={me}")
    assert page.status_code == 200
    summary = cells(page.text, "summary")
    start = dt.datetime.combine(first, dt.time(), dt.UTC)
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), dt.UTC)
    before_start = start - dt.timedelta(days=3)
    for lo, hi, col in ((start, end, "value"), (before_start, start, "before")):
        n = (await sql("SELECT COUNT(*) AS n FROM leads_lead WHERE dealer_id = {} AND assignee_id = {} "
                       "AND created_at >= {} AND created_at < {}", dealer.id, me, lo, hi))[0]["n"]
        assert number(summary["leads.received"][col]) == n
    assert set(cells(page.text, "managers")) <= {str(me), "total"}


async def test_my_week_widget_and_the_home_page(make_dealer, client_as):
    dealer = await seeded(make_dealer)
    manager = await client_as(dealer, "manager")
    me = dealer.users["manager"].id
    home = await manager.get("/")
    assert home.status_code == 200 and "/reports/widget/my-week" in home.text
    widget = await manager.get("/reports/widget/my-week", headers={"hx-request": "true"})
    assert widget.status_code == 200
    values = dict(re.findall(r'data-metric="([^"]+)" data-value="([^"]*)"', widget.text))
    today = dt.datetime.now(dt.UTC).date()
    start = dt.datetime.combine(today - dt.timedelta(days=today.weekday()), dt.time(), dt.UTC)
    n = (await sql("SELECT COUNT(*) AS n FROM leads_lead WHERE dealer_id = {} AND assignee_id = {} "
                   "AND created_at >= {}", dealer.id, me, start))[0]["n"]
    assert number(values["leads.received"]) == n
    # without JS the widget is a link to the report
    plain = await manager.get("/reports/widget/my-week")
    assert plain.status_code == 303 and plain.headers["location"].startswith("/reports/efficiency")


async def test_the_platform_admin_sees_counts_per_dealer_and_nobody_else_does(make_dealer, client_as, login,
                                                                              platform_admin):
    dealer = await seeded(make_dealer)
    admin = await login(platform_admin)
    dealers = await admin.get("/admin/dealers")  # the platform menu leads there (platform_nav_items)
    assert dealers.status_code == 200 and 'href="/reports/platform"' in dealers.text
    page = await admin.get("/reports/platform")
    assert page.status_code == 200
    table = cells(page.text, "dealers")
    today = dt.datetime.now(dt.UTC).date()
    start = dt.datetime.combine(today.replace(day=1), dt.time(), dt.UTC)
    n = (await sql("SELECT COUNT(*) AS n FROM leads_lead WHERE dealer_id = {} AND created_at >= {}",
                   dealer.id, start))[0]["n"]
    assert number(table[str(dealer.id)]["leads.received"]) == n
    assert "orders.revenue" not in page.text  # counts only
    dealer_admin = await client_as(dealer, "dealer_admin")
    assert (await dealer_admin.get("/reports/platform")).status_code == 404
    assert 'href="/reports/platform"' not in (await dealer_admin.get("/")).text
    manager = await client_as(dealer, "storekeeper")
    assert (await manager.get("/reports/efficiency")).status_code == 403


def test_presets_and_the_periods_they_compare_with():
    from plugins.reports import periods

    day = dt.date(2026, 11, 18)  # a Wednesday
    span = periods.preset_span
    assert span("today", day) == periods.Span(day, day)
    assert span("week", day) == periods.Span(dt.date(2026, 11, 16), day)
    assert span("month", day) == periods.Span(dt.date(2026, 11, 1), day)
    assert span("last_month", day) == periods.Span(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert span("quarter", day) == periods.Span(dt.date(2026, 10, 1), day)
    assert span("last_month", dt.date(2026, 1, 5)) == periods.Span(dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    before = periods.previous
    assert before("last_month", span("last_month", day)) == periods.Span(dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert before("month", span("month", day)) == periods.Span(dt.date(2026, 10, 1), dt.date(2026, 10, 18))
    # March 31st so far compares with the whole of February, not beyond it
    assert before("month", span("month", dt.date(2026, 3, 31))) == periods.Span(dt.date(2026, 2, 1),
                                                                               dt.date(2026, 2, 28))
    assert before("quarter", span("quarter", day)) == periods.Span(dt.date(2026, 7, 1), dt.date(2026, 8, 18))
    assert before("week", span("week", day)) == periods.Span(dt.date(2026, 11, 13), dt.date(2026, 11, 15))
    assert before("custom", periods.Span(day, day)) == periods.Span(day - dt.timedelta(days=1),
                                                                    day - dt.timedelta(days=1))
    # the form: a preset ignores the dates sent with it, a custom period checks them
    chosen = periods.read({"period": "last_month", "from": "2020-01-01", "to": "2020-01-02"}, day)
    assert chosen.span == span("last_month", day) and not chosen.errors
    assert periods.read({"period": "custom", "from": "2026-02-30", "to": "x"}, day).errors.keys() == {"from", "to"}
    assert periods.read({"period": "nonsense"}, day).preset == "month"


def test_charts_escape_their_labels_and_describe_their_numbers():
    from plugins.reports import charts

    svg = charts.bars("Leads <by> manager", [("<script>x</script>", 3), ("Иван", 0), ("王", None)], str)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'role="img"' in svg and "<title id=" in svg and "Иван: 0" in svg
    assert charts.bars("empty", [], str) == ""
    line = charts.line("Orders over time", [("1.11.", 2), ("2.11.", 5)], str)
    assert line.count("<circle") == 2
    funnel = charts.funnel("Funnel", [("New", 10), ("Contacted", 5)], str, lambda v: f"{v} %")
    assert "50.0 %" in funnel


async def test_breakdown_rows_and_the_source_filter_read_the_plugins_labels_in_the_readers_language(
        make_dealer, client_as):
    from forecourt import in_language
    from plugins.leads.fields import SOURCES as LEAD_SOURCES
    from plugins.orders.machines import ORDER_MACHINE

    dealer = await seeded(make_dealer)
    admin = await client_as(dealer, "dealer_admin")
    await admin.post("/lang", data={"lang": "ru", "next": "/"})
    _start, _end, query = month_span()
    funnel = await admin.get(f"/reports/funnel?{query}")
    sales = await admin.get(f"/reports/sales?{query}")
    assert funnel.status_code == sales.status_code == 200
    table = re.search(r'data-table="by-source">(.*?)</table>', funnel.text, re.S).group(1)
    codes = re.findall(r'<tr data-row="([^"]*)">', table)
    assert codes
    with in_language("en"):
        english = {code: str(label) for code, label in LEAD_SOURCES.items()}
    with in_language("ru"):
        for code in codes:
            if code in LEAD_SOURCES:
                russian = str(LEAD_SOURCES[code])
                assert russian != english[code] and russian in table, code
                assert f">{russian}</option>" in funnel.text, code  # the source filter offers the same label
        statuses = re.search(r'data-table="by-status">(.*?)</table>', sales.text, re.S).group(1)
        shown = re.findall(r'<tr data-row="([^"]*)">', statuses)
        assert shown
        labels = {state.key: str(state.label) for state in ORDER_MACHINE.states}
        for code in shown:
            assert labels[code] in statuses, code
    assert "Walk in" not in funnel.text and "Refused phone" not in sales.text
