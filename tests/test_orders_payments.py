"""Payments of orders, the cash desk and bank totals, receipts and invoices — over real HTTP, on both engines."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import re
import subprocess
from decimal import Decimal

from core.tables import Dealer
from forecourt import now
from plugins.orders.machines import PAYMENT_STAMPS
from plugins.orders.payments import pages, services
from plugins.orders.payments.words import chinese, in_words
from plugins.orders.tables import Order, OrderLine, Payment

STAMPS = ("hold_at", "held_at", "markup_at", "paid_at", "prepaid_at", "hold_released_at", "refunded_at",
          "prepaid_released_at", "markup_returned_at")
_numbers = itertools.count(1)


async def make_order(dealer_id: int, total: str = "1000", **values) -> int:
    """An order row as the sales part writes one (this test does not depend on its form), with one line."""
    at = now()
    row = await Order.scoped(dealer_id).insert(**{
        "number": next(_numbers), "contact_name": "Jan Novák", "currency": "CZK", "total": Decimal(total),
        "subtotal": Decimal(total), "payment_method": "cash", "created_at": at, "updated_at": at, **values})
    await OrderLine.scoped(dealer_id).insert(order_id=row.id, position=1, sku="CAR-408-01", name="Peugeot 408 GT",
                                             quantity=1, unit_price=Decimal(total), line_total=Decimal(total))
    return row.id


async def set_dealer(dealer_id: int, language: str, currency: str, timezone: str) -> None:
    await Dealer.update({Dealer.language: language, Dealer.currency: currency,
                         Dealer.timezone: timezone}).where(Dealer.id == dealer_id)


async def add(client, order_id: int, amount: str, method: str = "cash", **extra):
    return await client.post(f"/orders/payments/order/{order_id}", data={"amount": amount, "method": method,
                                                                          **extra})


async def added(client, dealer_id: int, order_id: int, amount: str, method: str = "cash") -> int:
    r = await add(client, order_id, amount, method)
    assert r.status_code == 303, r.text[:1500]
    return (await Payment.scoped(dealer_id).select(Payment.id).where(Payment.order_id == order_id).order_by(
        Payment.id, ascending=False).first())["id"]


async def move(client, payment_id: int, transition: str, state: str, **extra):
    return await client.post(f"/workflow/orders.payment/{payment_id}/{transition}",
                             data={"_state": state, "next": "/orders/payments/", **extra})


async def stamps(dealer_id: int, payment_id: int) -> dict[str, dt.datetime]:
    row = await Payment.scoped(dealer_id).select().where(Payment.id == payment_id).first()
    return {key: row[key] for key in STAMPS if row[key] is not None}


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF"), content[:200]
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())  # one space for every run of white space (NBSP included)


async def test_each_status_stamps_exactly_its_dates_once(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    manager = await client_as(dealer, "manager")
    order = await make_order(dealer.id)
    first = await added(manager, dealer.id, order, "400")
    row = await services.get(dealer.id, first)
    assert row["status"] == "not_paid" and row["currency"] == "CZK" and await stamps(dealer.id, first) == {}
    assert (await move(manager, first, "hold", "not_paid")).status_code == 303
    held = await stamps(dealer.id, first)
    assert set(held) == set(PAYMENT_STAMPS["hold"])
    assert (await move(manager, first, "receive", "hold")).status_code == 303
    received = await stamps(dealer.id, first)
    assert set(received) == set(PAYMENT_STAMPS["hold"]) | set(PAYMENT_STAMPS["received"])
    assert all(received[key] == held[key] for key in held)  # a stamp is written once, never moved
    assert (await move(manager, first, "refund", "received")).status_code == 303
    refunded = await stamps(dealer.id, first)
    assert set(refunded) == set(STAMPS) and all(refunded[key] == received[key] for key in received)
    # straight from "not paid" to "received": only the receipt's dates
    second = await added(manager, dealer.id, order, "600", "bank_transfer")
    assert (await move(manager, second, "receive", "not_paid")).status_code == 303
    assert set(await stamps(dealer.id, second)) == set(PAYMENT_STAMPS["received"])
    # a final status has no way out; a stale form loses and writes nothing
    assert (await move(manager, first, "receive", "refunded")).status_code == 409
    assert (await move(manager, second, "hold", "not_paid")).status_code == 409
    assert (await services.get(dealer.id, second))["status"] == "received"
    # the entity's address leads to the order's payments
    r = await manager.get(f"/orders/payments/{second}", follow_redirects=False)
    card = f"/orders/{order}" if pages.CARD else f"/orders/payments/order/{order}"
    assert r.status_code == 303 and r.headers["location"] == f"{card}#payment-{second}"


async def test_two_clicks_on_received_at_once_one_wins(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    one, two = await client_as(dealer, "manager"), await client_as(dealer, "dealer_admin")
    order = await make_order(dealer.id)
    payment = await added(one, dealer.id, order, "1000")
    answers = await asyncio.gather(move(one, payment, "receive", "not_paid"), move(two, payment, "receive", "not_paid"))
    assert sorted(r.status_code for r in answers) == [303, 409]
    assert (await services.summary(dealer.id, order)).paid == Decimal("1000.00")


async def test_paid_and_due_count_only_received_money(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    manager = await client_as(dealer, "manager")
    order = await make_order(dealer.id, total="1000")
    received = await added(manager, dealer.id, order, "300,50")  # read as the reader writes numbers
    held = await added(manager, dealer.id, order, "200")
    refunded = await added(manager, dealer.id, order, "100")
    await added(manager, dealer.id, order, "50")  # not paid
    await move(manager, received, "receive", "not_paid")
    await move(manager, held, "hold", "not_paid")
    await move(manager, refunded, "receive", "not_paid")
    await move(manager, refunded, "refund", "received")
    summary = await services.summary(dealer.id, order)
    assert (summary.paid, summary.due, summary.held, summary.refunded) == (
        Decimal("300.50"), Decimal("699.50"), Decimal("200.00"), Decimal("100.00"))
    page = (await manager.get(f"/orders/payments/order/{order}")).text
    assert 'data-paid="300.50"' in page and 'data-due="699.50"' in page
    assert f'data-payment="{received}" data-status="received"' in page
    more = await added(manager, dealer.id, order, "1 000")
    await move(manager, more, "receive", "not_paid")
    summary = await services.summary(dealer.id, order)
    assert summary.paid == Decimal("1300.50") and summary.due == Decimal("0.00")  # never below 0
    assert summary.overpaid == Decimal("300.50")
    assert 'data-due="0.00"' in (await manager.get(f"/orders/payments/order/{order}")).text
    if pages.CARD:  # the order card shows the same panel, its buttons coming back to the card
        card = (await manager.get(f"/orders/{order}")).text
        assert 'id="payments"' in card and 'data-paid="1300.50"' in card
        assert f'name="next" value="/orders/{order}"' in card


async def test_cash_desk_and_bank_totals_per_period_on_the_dealers_clock(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    await set_dealer(dealer.id, "en", "CZK", "Asia/Shanghai")  # UTC+8
    manager = await client_as(dealer, "manager")
    order = await make_order(dealer.id, total="10000")
    ids = {}
    for method, amount in (("cash", "100"), ("card", "20"), ("bank_transfer", "3000"), ("online", "400"),
                           ("cash", "5")):
        ids.setdefault(method, []).append(await added(manager, dealer.id, order, amount, method))
    for payment in [p for group in ids.values() for p in group if p != ids["cash"][1]]:  # one cash stays unpaid
        assert (await move(manager, payment, "receive", "not_paid")).status_code == 303
    assert (await move(manager, ids["card"][0], "refund", "received")).status_code == 303
    # the online payment arrived at 23:30 UTC the day before yesterday: 07:30 yesterday in Shanghai
    local_today = (now() + dt.timedelta(hours=8)).date()
    arrived = dt.datetime.combine(local_today - dt.timedelta(days=2), dt.time(23, 30), dt.UTC)
    await Payment.update({Payment.paid_at: arrived}).where(Payment.id == ids["online"][0])  # the test moves time
    yesterday = (local_today - dt.timedelta(days=1)).isoformat()
    period = {"from": local_today.isoformat(), "to": local_today.isoformat()}
    r = await manager.get("/orders/payments/", params=period)
    assert r.status_code == 200, r.text[:1000]
    # the cash desk: cash 100 + card 20 received, the card's 20 refunded; the bank: 3000 (online was yesterday)
    assert 'data-desk="cash" data-currency="CZK" data-received="120.00" data-refunded="20.00"' in r.text
    assert 'data-desk="bank" data-currency="CZK" data-received="3000.00" data-refunded="0"' in r.text
    assert re.search(r'data-method="online"><td>Online payment</td><td>—', r.text)
    assert f'<tr data-payment="{ids["card"][0]}">' in r.text  # the refund, listed
    r = await manager.get("/orders/payments/", params={"from": yesterday, "to": yesterday})
    assert 'data-desk="bank" data-currency="CZK" data-received="400.00"' in r.text
    assert 'data-desk="cash" data-currency="" data-received="0"' in r.text
    period = services.period_of(local_today - dt.timedelta(days=3), local_today)
    with_zone = await services.totals(dealer.id, period)  # the test process runs on UTC: a wider day
    assert with_zone.by_method["online"] == {"CZK": Decimal("400.00")}
    for bad in ({"from": "2026-13-01"}, {"to": "yesterday"}, {"from": "0001-01-01"}, {"to": "9999-12-31"},
                {"from": "2026-12-02", "to": "2026-12-01"}):
        r = await manager.get("/orders/payments/", params=bad)
        assert r.status_code == 422, (bad, r.status_code)
        assert "field-error" in r.text


async def test_the_invoice_pdf_has_the_company_the_total_and_the_amount_in_cyrillic_words(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    await set_dealer(dealer.id, "ru", "RUB", "Europe/Moscow")
    manager = await client_as(dealer, "manager")
    order = await make_order(dealer.id, total="2415000", currency="RUB", language="ru",
                             payment_method="bank_transfer", legal_name="ООО «Ромашка»",
                             legal_tax_id="7707083893", legal_address="Москва, ул. Ленина, 1",
                             legal_bank="ПАО Сбербанк", legal_account="40702810900000000001")
    r = await manager.get(f"/orders/payments/order/{order}/invoice.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "ООО «Ромашка»" in text and "7707083893" in text
    assert "2 415 000" in text  # the total, as Russian writes it
    assert "Два миллиона четыреста пятнадцать тысяч рублей" in text
    html = await manager.get(f"/orders/payments/order/{order}/invoice")
    assert html.status_code == 200 and "Счёт" in html.text
    receipt = pdf_text((await manager.get(f"/orders/payments/order/{order}/receipt.pdf")).content)
    assert "Jan Novák" in receipt and "Два миллиона" in receipt


async def test_a_chinese_receipt_prints_chinese(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    await set_dealer(dealer.id, "zh", "CNY", "Asia/Shanghai")
    manager = await client_as(dealer, "manager")
    order = await make_order(dealer.id, total="1234.50", currency="CNY", language="zh",
                             payment_method="bank_transfer", contact_name="王伟")
    r = await manager.get(f"/orders/payments/order/{order}/receipt")
    assert r.status_code == 200 and "王伟" in r.text and "人民币壹仟贰佰叁拾肆元伍角整" in r.text
    assert 'lang="zh"' in r.text
    text = pdf_text((await manager.get(f"/orders/payments/order/{order}/receipt.pdf")).content)
    assert "王伟" in text and "人民币壹仟贰佰叁拾肆元伍角整" in text and "收据" in text


async def test_a_czech_dealer_writes_an_english_customers_amount_in_english_words(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    await set_dealer(dealer.id, "cs", "CZK", "Europe/Prague")
    manager = await client_as(dealer, "manager")
    czech = await make_order(dealer.id, total="1234.50", language="cs", payment_method="bank_transfer")
    assert "Tisíc dvěstě třicet čtyři koruny, padesát haléřů" in (
        await manager.get(f"/orders/payments/order/{czech}/receipt")).text
    english = await make_order(dealer.id, total="1234.50", language="en", payment_method="bank_transfer")
    assert "One thousand, two hundred and thirty-four CZK, 50/100" in (
        await manager.get(f"/orders/payments/order/{english}/receipt")).text
    other = await make_dealer(modules=["orders"])  # an English dealer: no amount in words
    plain = await make_order(other.id, total="1234.50", payment_method="bank_transfer")
    assert "Amount in words" not in (await (await client_as(other, "manager")).get(
        f"/orders/payments/order/{plain}/receipt")).text


def test_the_amount_in_words():
    assert chinese(Decimal("100000001.05"), "CNY") == "人民币壹亿零壹元零伍分"
    assert chinese(Decimal("120034"), "CNY") == "人民币壹拾贰万零叁拾肆元整"
    assert chinese(Decimal("1234.5"), "RUB") == "壹仟贰佰叁拾肆 RUB 50/100"
    assert in_words(Decimal("21.01"), "RUB", "ru") == "Двадцать один рубль, одна копейка"


async def test_documents_only_for_bank_transfer_and_an_invoice_needs_a_company(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    manager = await client_as(dealer, "manager")
    cash = await make_order(dealer.id, payment_method="cash", legal_name="ACME s.r.o.")
    for name in ("receipt", "invoice", "receipt.pdf", "invoice.pdf"):
        r = await manager.get(f"/orders/payments/order/{cash}/{name}")
        assert r.status_code == 409 and "bank transfer" in r.text
    bank = await make_order(dealer.id, payment_method="bank_transfer")
    assert (await manager.get(f"/orders/payments/order/{bank}/receipt")).status_code == 200
    r = await manager.get(f"/orders/payments/order/{bank}/invoice.pdf")
    assert r.status_code == 409 and "legal name" in r.text
    for name in ("bill", "receipt.txt", "invoice.pdf.pdf"):
        assert (await manager.get(f"/orders/payments/order/{bank}/{name}")).status_code == 404
    company = await make_order(dealer.id, payment_method="bank_transfer", legal_name="Firma <i>s.r.o.</i>")
    invoice = (await manager.get(f"/orders/payments/order/{company}/invoice")).text
    assert "Firma &lt;i&gt;s.r.o.&lt;/i&gt;" in invoice and "<i>" not in invoice  # data, never markup
    panel = (await manager.get(f"/orders/payments/order/{bank}")).text
    assert f"/orders/payments/order/{bank}/invoice.pdf" in panel
    assert f"/orders/payments/order/{cash}/invoice" not in (await manager.get(f"/orders/payments/order/{cash}")).text


async def test_bad_amounts_and_other_dealers_orders_get_4xx_and_nothing_is_written(make_dealer, client_as):
    dealer, other = await make_dealer(modules=["orders"]), await make_dealer(modules=["orders"])
    manager = await client_as(dealer, "manager")
    order = await make_order(dealer.id)
    theirs = await make_order(other.id, payment_method="bank_transfer", legal_name="Qzx Their Company")
    their_payment = await added(await client_as(other, "manager"), other.id, theirs, "10")
    for amount in ("0", "-5", "0.001", "abc", "NaN", "Infinity", "1e999", "", "99999999999999", "1\x00"):
        r = await add(manager, order, amount, note="kept note")
        assert r.status_code == 422, (amount, r.status_code)
        assert "kept note" in r.text  # the form keeps the input
    for method in ("", "cheque", "cash'"):
        assert (await add(manager, order, "10", method)).status_code == 422
    assert (await add(manager, order, "10", note="x" * 301)).status_code == 422
    assert await Payment.scoped(dealer.id).count() == 0
    assert (await add(manager, theirs, "10")).status_code == 404
    for path in (f"/orders/payments/order/{theirs}", f"/orders/payments/order/{theirs}/invoice",
                 f"/orders/payments/order/{theirs}/invoice.pdf", f"/orders/payments/{their_payment}"):
        r = await manager.get(path, follow_redirects=False)
        assert r.status_code == 404 and "Qzx" not in r.text, path
    assert (await move(manager, their_payment, "receive", "not_paid")).status_code == 404
    assert (await Payment.scoped(other.id).count()) == 1
    assert (await services.get(other.id, their_payment))["status"] == "not_paid"
    keeper = await client_as(dealer, "storekeeper")
    assert (await add(keeper, order, "10")).status_code == 403
    assert (await keeper.get("/orders/payments/")).status_code == 403
    assert await Payment.scoped(dealer.id).count() == 0


async def test_no_route_writes_a_status_or_a_stamp(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    manager = await client_as(dealer, "manager")
    order = await make_order(dealer.id)
    forged = {"status": "received", **{key: "2020-01-01T00:00:00+00:00" for key in STAMPS}}
    r = await add(manager, order, "100", **forged)
    assert r.status_code == 303
    payment = (await Payment.scoped(dealer.id).select().first())
    assert payment["status"] == "not_paid" and await stamps(dealer.id, payment["id"]) == {}
    assert (await move(manager, payment["id"], "hold", "not_paid", **forged)).status_code == 303
    held = await stamps(dealer.id, payment["id"])
    assert set(held) == set(PAYMENT_STAMPS["hold"]) and all(at.year != 2020 for at in held.values())
    pid = payment["id"]
    for path in (f"/orders/payments/order/{order}", f"/orders/payments/{pid}", "/orders/payments/",
                 f"/orders/payments/order/{order}/receipt", f"/workflow/orders.payment/{pid}/receive"):
        r = await manager.post(path, data={**forged, "amount": "5", "method": "cash", "_state": "hold"})
        assert r.status_code < 500, (path, r.status_code)
    row = await services.get(dealer.id, pid)
    after = await stamps(dealer.id, pid)
    assert all(after[key] == held[key] for key in held) and all(at.year != 2020 for at in after.values())
    assert row["status"] in ("hold", "received")



async def test_the_demo_pays_in_every_status_and_skips_a_dealer_without_orders(make_dealer):
    from forecourt import enabled_modules, system_context
    from plugins.orders.payments import demo

    dealer, empty = await make_dealer(modules=["orders"]), await make_dealer(modules=["orders"])
    for one in (dealer, empty):
        ctx = system_context(one.id, await enabled_modules(one.id))
        if one is dealer:
            for total in ("1000", "2000", "3000", "4000"):
                await make_order(dealer.id, total=total)
        await demo.seed(one, None, ctx)
        await demo.seed(one, None, ctx)  # a second run adds nothing
    statuses = [r["status"] for r in await Payment.scoped(dealer.id).select(Payment.status)]
    assert set(statuses) == {"not_paid", "hold", "received", "refunded"} and len(statuses) == 6
    assert await Payment.scoped(empty.id).count() == 0
