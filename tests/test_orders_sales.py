"""Orders themselves over real HTTP, on both engines: the form, numbering, totals, stock, stamps, approval, hooks."""

from __future__ import annotations

import asyncio
import html
import re
from decimal import Decimal

import pytest

from forecourt import ValidationFailed, dealer_users
from plugins.orders.machines import ORDER_STAMPS
from plugins.orders.tables import Order, OrderLine, Stock

MODULES = ["orders", "customers", "deals"]
#: the shortest way from "new" to each status (transition keys)
PATHS = {
    "new": [], "refused_phone": ["refuse_phone"], "cancelled_site": ["cancel_site"], "call_back": ["call_back"],
    "pending": ["pending"], "preorder": ["preorder"], "confirmed": ["confirm"],
    "in_production": ["confirm", "produce"], "shipped": ["confirm", "ship"],
    "awaiting_pickup": ["confirm", "ship", "await_pickup"], "refused_pickup": ["confirm", "ship", "refuse_pickup"],
    "returned": ["confirm", "ship", "return"], "delivered": ["confirm", "deliver"], "lost": ["confirm", "ship", "lose"],
    "archived": ["archive"],
}
ALL_STAMPS = sorted({c for cols in ORDER_STAMPS.values() for c in cols})


def errs(text: str) -> list[str]:
    """The messages a refused form shows beside its fields (for the assertion's message)."""
    return [html.unescape(m) for m in re.findall(r'class="field-error"[^>]*>([^<]+)<', text)]


def _id(response) -> int:
    assert response.status_code == 303, errs(response.text)
    return int(response.headers["location"].rstrip("/").rsplit("/", 1)[1])


async def shop(dealer, client_as, on_hand: int = 5, kind: str = "part", price: str = "1000") -> dict:
    """A warehouse and a product with ``on_hand`` units, made by the storekeeper."""
    keeper = await client_as(dealer, "storekeeper")
    r = await keeper.post("/orders/catalogue/warehouses", data={"name": "Main warehouse", "address": "Brno"})
    assert r.status_code == 303
    page = (await keeper.get("/orders/catalogue/warehouses")).text
    warehouse = int(page.split("<td>Main warehouse</td>")[0].rsplit('data-warehouse="', 1)[1].split('"')[0])
    product = _id(await keeper.post("/orders/catalogue/", data={
        "kind": kind, "sku": "PRT-OIL-1", "name": "Engine oil 5W-30", "base_price": price, "unit": "pcs",
        "active": "1"}))
    if on_hand:
        r = await keeper.post(f"/orders/catalogue/{product}/stock", data={
            "mode": "receive", "warehouse_id": str(warehouse), "quantity": str(on_hand)})
        assert r.status_code == 303
    return {"warehouse": warehouse, "product": product}


def order_form(s: dict | None, quantity: int = 1, **values) -> dict:
    data = {"action": "save", "contact_name": "Jan Novák", "contact_phone": "+420 601 234 567",
            "payment_method": "cash", "delivery_method": "pickup"}
    if s:
        data |= {"warehouse_id": str(s["warehouse"]), "lines-0-product_id": str(s["product"]),
                 "lines-0-quantity": str(quantity), "lines-0-discount_pct": "0", "lines-0-bonus": "0"}
    return {**data, **values}


async def place(client, s: dict | None, quantity: int = 1, **values) -> int:
    return _id(await client.post("/orders/", data=order_form(s, quantity, **values)))


async def act(client, order_id: int, transition: str, state: str):
    return await client.post(f"/workflow/orders.order/{order_id}/{transition}", data={"_state": state})


async def stock_of(dealer, s: dict) -> tuple[int, int]:
    row = await Stock.scoped(dealer.id).select().where(
        (Stock.product_id == s["product"]) & (Stock.warehouse_id == s["warehouse"])).first()
    return (row["on_hand"], row["reserved"]) if row else (0, 0)


async def test_the_form_makes_a_numbered_order_with_server_totals_and_the_card_shows_it(make_dealer, client_as):
    dealer = await make_dealer(modules=MODULES)
    s = await shop(dealer, client_as, price="1 000")
    manager = await client_as(dealer, "manager")
    data = order_form(s, 3, **{"lines-0-discount_pct": "10", "lines-0-bonus": "50", "waybill": "WB-77"})
    order_id = await place(manager, None, **data)
    order = await Order.scoped(dealer.id).get(order_id)
    assert order.number == 1 and order.status == "new" and order.source == "form" and order.created_at
    # 3 x 1000 = 3000, -10 % = 2700, -50 bonus = 2650
    assert (Decimal(order.subtotal), Decimal(order.discount_total), Decimal(order.bonus_total),
            Decimal(order.total)) == (Decimal(3000), Decimal(300), Decimal(50), Decimal(2650))
    assert order.manager_id == dealer.users["manager"].id and order.phone_rev == "765432106024"
    line = (await OrderLine.scoped(dealer.id).select().where(OrderLine.order_id == order_id))[0]
    assert line["sku"] == "PRT-OIL-1" and Decimal(line["line_total"]) == Decimal(2650)
    card = (await manager.get(f"/orders/{order_id}")).text
    for zone in ("zone-inquiry", "zone-customer", "zone-items", "zone-order", "zone-history", "WB-77",
                 "Engine oil 5W-30", 'data-total="2650.00"', 'data-status="new"', 'class="workflow"'):
        assert zone in card, (zone, re.findall(r'data-total="[^"]*"', card))
    assert await place(manager, s)
    assert sorted(r["number"] for r in await Order.scoped(dealer.id).select(Order.number)) == [1, 2]
    other = await make_dealer(modules=MODULES)  # numbering is per dealer
    assert (await Order.scoped(other.id).get(await place(await client_as(other, "manager"), None))).number == 1
    assert (await manager.get("/orders/new")).status_code == 200
    assert "/orders/" in (await manager.get("/")).text  # the menu
    keeper = await client_as(dealer, "storekeeper")
    assert (await keeper.get(f"/orders/{order_id}")).status_code == 403


async def test_concurrent_orders_are_numbered_without_gaps(make_dealer, client_as):
    dealer = await make_dealer(modules=MODULES)
    manager = await client_as(dealer, "manager")
    results = await asyncio.gather(*[manager.post("/orders/", data=order_form(None, contact_name=f"C {i}"))
                                     for i in range(12)])
    assert [r.status_code for r in results] == [303] * 12
    numbers = sorted(r["number"] for r in await Order.scoped(dealer.id).select(Order.number))
    assert numbers == list(range(1, 13))


async def test_twenty_concurrent_confirmations_of_five_units(make_dealer, client_as):
    dealer = await make_dealer(modules=MODULES)
    s = await shop(dealer, client_as, on_hand=5)
    manager = await client_as(dealer, "manager")
    orders = [await place(manager, s) for _ in range(20)]
    results = await asyncio.gather(*[act(manager, o, "confirm", "new") for o in orders])
    codes = [r.status_code for r in results]
    assert codes.count(303) == 5 and all(c in (409, 422) for c in codes if c != 303), codes
    assert all("Not enough “Engine oil 5W-30” in “Main warehouse”" in r.text for r in results if r.status_code != 303)
    rows = await Order.scoped(dealer.id).select(Order.status, Order.stock_state, Order.reserved_at)
    confirmed = [r for r in rows if r["status"] == "confirmed"]
    assert len(confirmed) == 5 and all(r["stock_state"] == "reserved" and r["reserved_at"] for r in confirmed)
    assert all(r["status"] == "new" and r["stock_state"] == "" and r["reserved_at"] is None
               for r in rows if r["status"] != "confirmed")
    assert await stock_of(dealer, s) == (5, 5)


async def test_stock_follows_the_status_once(make_dealer, client_as):
    dealer = await make_dealer(modules=MODULES)
    s = await shop(dealer, client_as, on_hand=10)
    manager = await client_as(dealer, "manager")
    a = await place(manager, s, 2)
    assert (await act(manager, a, "confirm", "new")).status_code == 303
    assert await stock_of(dealer, s) == (10, 2)
    assert (await act(manager, a, "produce", "confirmed")).status_code == 303
    assert (await act(manager, a, "ship", "in_production")).status_code == 303
    assert await stock_of(dealer, s) == (8, 0)
    assert (await act(manager, a, "await_pickup", "shipped")).status_code == 303
    assert await stock_of(dealer, s) == (8, 0)  # written off once
    assert (await act(manager, a, "return", "awaiting_pickup")).status_code == 303
    assert await stock_of(dealer, s) == (10, 0)  # back on hand
    b = await place(manager, s, 3)
    assert (await act(manager, b, "confirm", "new")).status_code == 303
    assert (await act(manager, b, "cancel_site", "confirmed")).status_code == 303
    assert await stock_of(dealer, s) == (10, 0)  # released
    c = await place(manager, s, 4)
    assert (await act(manager, c, "pending", "new")).status_code == 303
    assert (await act(manager, c, "confirm", "pending")).status_code == 303
    assert (await act(manager, c, "deliver", "confirmed")).status_code == 303
    assert await stock_of(dealer, s) == (6, 0)
    assert (await Order.scoped(dealer.id).get(c)).stock_state == "written_off"
    # an order without a warehouse cannot be confirmed: a clear message, nothing written
    d = await place(manager, s, 1, warehouse_id="")
    r = await act(manager, d, "confirm", "new")
    assert r.status_code == 422 and "Choose the order&#39;s warehouse first" in r.text
    assert (await Order.scoped(dealer.id).get(d)).status == "new" and await stock_of(dealer, s) == (6, 0)
    # two lines, the second short: neither is reserved
    data = order_form(s, 1, **{"lines-1-product_id": str(s["product"]), "lines-1-quantity": "99"})
    e = _id(await manager.post("/orders/", data=data))
    r = await act(manager, e, "confirm", "new")
    assert r.status_code == 422 and "100 needed, 6 available" in r.text
    assert await stock_of(dealer, s) == (6, 0) and (await Order.scoped(dealer.id).get(e)).status == "new"
    # the items of a confirmed order cannot change
    f = await place(manager, s, 1)
    assert (await act(manager, f, "confirm", "new")).status_code == 303
    r = await manager.post(f"/orders/{f}/edit", data=order_form(s, 5))
    assert r.status_code == 303 and await stock_of(dealer, s) == (6, 1)
    assert (await OrderLine.scoped(dealer.id).select(OrderLine.quantity).where(OrderLine.order_id == f)) == [
        {"quantity": 1}]


async def test_every_status_stamps_exactly_its_dates(make_dealer, client_as):
    dealer = await make_dealer(modules=MODULES)
    s = await shop(dealer, client_as, on_hand=50)
    manager = await client_as(dealer, "manager")
    for target, path in PATHS.items():
        order_id = await place(manager, s)
        state = "new"
        before = await Order.scoped(dealer.id).get(order_id)
        assert before.created_at is not None and all(getattr(before, c) is None for c in ALL_STAMPS)
        for transition in path:
            r = await act(manager, order_id, transition, state)
            assert r.status_code == 303, (target, transition, r.text[:500])
            after = await Order.scoped(dealer.id).get(order_id)
            state = after.status
            new = {c for c in ALL_STAMPS if getattr(before, c) is None and getattr(after, c) is not None}
            expected = {c for c in ORDER_STAMPS.get(state, ()) if getattr(before, c) is None}
            assert new == expected, (target, transition, new, expected)
            assert all(getattr(after, c) == getattr(before, c) for c in ALL_STAMPS if getattr(before, c))
            before = after
        assert state == target


async def test_no_route_edits_the_status_the_stamps_the_stock_or_the_approval(make_dealer, client_as):
    dealer = await make_dealer(modules=MODULES)
    s = await shop(dealer, client_as)
    manager = await client_as(dealer, "manager")
    forged = {"status": "delivered", "stock_state": "written_off", "approval": "approved", "number": "77",
              "total": "1", **{c: "2001-01-01T00:00:00" for c in ALL_STAMPS}}
    order_id = await place(manager, s, **forged)
    r = await manager.post(f"/orders/{order_id}/edit", data=order_form(s, 1, **forged, waybill="WB-1"))
    assert r.status_code == 303
    order = await Order.scoped(dealer.id).get(order_id)
    assert (order.status, order.stock_state, order.approval, order.number, order.waybill) == (
        "new", "", "", 1, "WB-1")
    assert Decimal(order.total) == Decimal(1000) and all(getattr(order, c) is None for c in ALL_STAMPS)
    # and the core's write path refuses them outright
    from core.context import Context
    from forecourt import ValidationFailed, update_entity
    from plugins.orders.tables import Order as Table

    ctx = Context(dealer_id=dealer.id, user_id=dealer.users["manager"].id, user_name="M", role="manager",
                  modules=frozenset(dealer.modules), permissions=frozenset({"orders.sell"}))
    for column in ("status", *ALL_STAMPS):
        try:
            await update_entity(ctx, Table, "orders.order", order_id, {column: None if column != "status" else "x"})
        except ValidationFailed as exc:
            assert "set by the workflow" in exc.message
        else:
            raise AssertionError(column)


async def test_bad_input_is_refused_with_messages_and_kept(make_dealer, client_as):
    dealer = await make_dealer(modules=MODULES)
    s = await shop(dealer, client_as)
    manager = await client_as(dealer, "manager")
    r = await manager.post("/orders/", data=order_form(s, 1, contact_phone="12", contact_email="nope",
                                                       payment_method="gold", warehouse_id="999999",
                                                       contact_name="Kept Name",
                                                       **{"lines-0-quantity": "0", "lines-0-discount_pct": "150",
                                                          "lines-1-sku": "NO-SUCH", "lines-1-quantity": "1"}))
    assert r.status_code == 422, errs(r.text)
    for message in ("not a valid phone number", "valid e-mail", "Choose one of the options offered",
                    "Quantity: enter a number from 1 to", "at most 100 %", "no such active product",
                    'value="Kept Name"'):
        assert message in r.text, message
    assert await Order.scoped(dealer.id).count() == 0
    r = await manager.post("/orders/", data={**order_form(s), "lines-0-quantity": "Infinity", "note": "a\x00b"})
    assert r.status_code == 422 and await Order.scoped(dealer.id).count() == 0
    # the buttons that are not Save write nothing and keep the input
    r = await manager.post("/orders/", data={**order_form(None), "action": "add", "add_sku": "prt-oil-1",
                                             "add_quantity": "2"})
    assert r.status_code == 200 and 'name="lines-0-sku" value="prt-oil-1"' in r.text
    assert 'data-total="2000.00"' in r.text
    r = await manager.post("/orders/", data={**order_form(None), "action": "find_product", "product_q": "engine"})
    assert r.status_code == 200 and f'value="add_product:{s["product"]}"' in r.text
    r = await manager.post("/orders/", data={**order_form(None), "action": f"add_product:{s['product']}"})
    assert f'name="lines-0-product_id" value="{s["product"]}"' in r.text
    assert (await manager.get("/orders/items", params={"product_q": "PRT"})).text.count("data-product=") == 1
    assert await Order.scoped(dealer.id).count() == 0


async def test_legal_details_only_with_bank_transfer(make_dealer, client_as):
    dealer = await make_dealer(modules=MODULES)
    manager = await client_as(dealer, "manager")
    order_id = await place(manager, None, payment_method="cash", legal_name="Ignored s.r.o.")
    assert (await Order.scoped(dealer.id).get(order_id)).legal_name == ""
    form = (await manager.get(f"/orders/{order_id}/edit")).text
    assert 'id="legal-details" disabled' in form
    r = await manager.post(f"/orders/{order_id}/edit", data=order_form(None, payment_method="bank_transfer",
                                                                      legal_name="Autopark s.r.o."))
    assert r.status_code == 303 and (await Order.scoped(dealer.id).get(order_id)).legal_name == "Autopark s.r.o."
    r = await manager.post(f"/orders/{order_id}/edit", data=order_form(None, payment_method="cash", legal_name=""))
    assert (await Order.scoped(dealer.id).get(order_id)).legal_name == "Autopark s.r.o."  # kept, locked
    # the history names the choices and the people in the reader's language, not by their codes and ids
    admin = dealer.users["dealer_admin"]
    r = await manager.post(f"/orders/{order_id}/edit", data=order_form(None, payment_method="bank_transfer",
                                                                      manager_id=str(admin.id)))
    assert r.status_code == 303
    card = (await manager.get(f"/orders/{order_id}")).text
    assert "Cash → Bank transfer" in card and "bank_transfer" not in card.split('id="zone-history"')[-1]
    name = next(u["name"] for u in await dealer_users(dealer.id) if u["id"] == admin.id)
    assert f"→ {name}" in card


async def test_customers_are_found_attached_created_and_blacklisted_ones_marked(make_dealer, client_as):
    from plugins.customers.tables import Customer

    dealer = await make_dealer(modules=MODULES)
    manager = await client_as(dealer, "manager")
    customer = _id(await manager.post("/customers/", data={
        "name": "Eva Dvořáková", "phone": "+420 602 111 222", "source": "walk_in", "confirm_duplicate": "1"}))
    r = await manager.post("/orders/", data={**order_form(None, contact_name="Eva Dvořáková", contact_phone=""),
                                             "action": "find_customer"})
    assert r.status_code == 200 and f'data-customer="{customer}"' in r.text, errs(r.text)
    order_id = await place(manager, None, customer_id=str(customer))
    assert (await Order.scoped(dealer.id).get(order_id)).customer_id == customer
    await Customer.update({Customer.blacklisted: True}).where(Customer.id == customer)
    card = (await manager.get(f"/orders/{order_id}")).text
    assert "order-blacklisted" in card and "This customer is on the blacklist." in card
    other = await make_dealer(modules=MODULES)
    r = await (await client_as(other, "manager")).post("/orders/", data=order_form(None, customer_id=str(customer)))
    assert r.status_code == 422 and "Choose one of your customers." in r.text
    new = await place(manager, None, new_customer="1", contact_name="Petr Malý", contact_phone="+420 603 999 888")
    made = (await Order.scoped(dealer.id).get(new)).customer_id
    assert made and (await Customer.scoped(dealer.id).get(made)).name == "Petr Malý"
    # without the customers module the order keeps its own contact
    bare = await make_dealer(modules=["orders"])
    bare_manager = await client_as(bare, "manager")
    assert "Find the customer" not in (await bare_manager.get("/orders/new")).text
    o = await place(bare_manager, None, new_customer="1", customer_id=str(customer))
    row = await Order.scoped(bare.id).get(o)
    assert row.customer_id is None and row.contact_name == "Jan Novák"


async def test_hook_orders_order_placed_fires_after_the_commit_with_the_items(make_dealer, client_as):
    from fc_deals.tables import Heard

    dealer = await make_dealer(modules=MODULES)
    s = await shop(dealer, client_as)
    manager = await client_as(dealer, "manager")
    order_id = await place(manager, s, 2)
    r = await manager.post("/orders/", data=order_form(s, 0))  # refused: nothing placed
    assert r.status_code == 422
    heard = await Heard.scoped(dealer.id).select(Heard.detail).where(Heard.hook == "orders_order_placed")
    assert [h["detail"] for h in heard] == [f"{order_id}:form:1 lines"]


async def test_hook_orders_order_status_changed_fires_for_each_transition(make_dealer, client_as):
    from fc_deals.tables import Heard

    dealer = await make_dealer(modules=MODULES)
    s = await shop(dealer, client_as, on_hand=1)
    manager = await client_as(dealer, "manager")
    a, b = await place(manager, s), await place(manager, s)
    assert (await act(manager, a, "confirm", "new")).status_code == 303
    assert (await act(manager, b, "confirm", "new")).status_code == 422  # refused: not heard
    assert (await act(manager, a, "ship", "confirmed")).status_code == 303
    heard = await Heard.scoped(dealer.id).select(Heard.detail).where(Heard.hook == "orders_order_status_changed")
    assert [h["detail"] for h in heard] == [f"{a}:confirm:new->confirmed", f"{a}:ship:confirmed->shipped"]


def test_line_totals_in_decimal_never_below_zero():
    from plugins.orders.sales.totals import line_total, order_totals

    t = line_total(3, "333.33", "10", "0.005")
    assert (t.gross, t.discount, t.bonus, t.total) == (Decimal("999.99"), Decimal("100.00"), Decimal("0.01"),
                                                       Decimal("899.98"))
    assert line_total(1, "100", "100", "0").total == 0
    free = line_total(2, "50", "0", "500")
    assert (free.bonus, free.total) == (Decimal("100.00"), Decimal("0.00"))  # the bonus gives the line away
    sums = order_totals([{"quantity": 3, "unit_price": "333.33", "discount_pct": "10", "bonus": "0.005"},
                         {"quantity": 2, "unit_price": "50", "discount_pct": "0", "bonus": "500"}])
    assert sums["subtotal"] - sums["discount_total"] - sums["bonus_total"] == sums["total"] == Decimal("899.98")
    assert sums["max_discount_pct"] == Decimal("10")


async def test_the_order_pages_speak_the_users_language(make_dealer, client_as, forecourt_registry):
    from test_i18n_pages import english_on, english_words, untranslated_plugins_texts

    vocabulary = english_words()
    dealer = await make_dealer(modules=MODULES)
    s = await shop(dealer, client_as)
    admin = await client_as(dealer, "dealer_admin")
    order_id = await place(admin, s, 1, payment_method="bank_transfer", legal_name="Novák s.r.o.")
    assert (await act(admin, order_id, "confirm", "new")).status_code == 303
    pending = await place(admin, s, 1, **{"lines-0-discount_pct": "50"})
    assert (await admin.post("/orders/settings", data={"approval_discount_pct": "10"})).status_code == 303
    assert (await admin.post(f"/orders/{pending}/edit", data=order_form(s, 2, **{"lines-0-discount_pct": "50"}))
            ).status_code == 303
    await admin.get("/")  # the English flash of the last save
    for lang in ("ru", "cs", "zh"):
        foreign = (*untranslated_plugins_texts(forecourt_registry, lang), "Main warehouse")  # data typed in English
        await admin.post("/lang", data={"lang": lang, "next": "/"})
        await admin.get("/")
        problems = {}
        for path in ("/orders/new", f"/orders/{order_id}", f"/orders/{order_id}/edit", f"/orders/{pending}",
                     f"/orders/{pending}/edit", "/orders/settings", "/workflow/orders.order"):
            page = await admin.get(path)
            assert page.status_code == 200, (path, page.status_code)
            if found := english_on(page.text, vocabulary, lang, foreign):
                problems[path] = sorted(found)
        assert not problems, (lang, problems)


async def test_a_confirmation_racing_an_edit_of_the_items_reserves_what_the_order_holds(make_dealer, client_as):
    dealer = await make_dealer(modules=MODULES)
    s = await shop(dealer, client_as, on_hand=100)
    manager = await client_as(dealer, "manager")
    for _round in range(4):
        order_id = await place(manager, s, 1)
        confirm, edit = await asyncio.gather(act(manager, order_id, "confirm", "new"),
                                             manager.post(f"/orders/{order_id}/edit", data=order_form(s, 3)))
        assert confirm.status_code == 303 and edit.status_code in (303, 409), (confirm.status_code, edit.status_code)
    held = sum(line["quantity"] for line in await OrderLine.scoped(dealer.id).select(OrderLine.quantity))
    assert await stock_of(dealer, s) == (100, held)  # every reservation is exactly the items its order holds


async def test_the_form_posted_by_htmx_goes_on_to_the_card_and_its_item_search_swaps_the_results(make_dealer,
                                                                                                 client_as):
    """With JavaScript the form posts itself through htmx (to swap in place): a save answers ``HX-Redirect``
    to the card (a 303 that htmx followed by itself would swap the card's missing form in: an empty page), and
    the live item search keeps its htmx attributes and selects its own results (not the form's)."""
    dealer = await make_dealer(modules=MODULES)
    s = await shop(dealer, client_as)
    manager = await client_as(dealer, "manager")
    r = await manager.post("/orders/", data=order_form(s), headers={"hx-request": "true"})
    assert r.status_code == 200 and re.fullmatch(r"/orders/\d+", r.headers.get("hx-redirect", "")), r.status_code
    card = (await manager.get(r.headers["hx-redirect"])).text
    assert "Order 1 saved." in card
    r = await manager.post(f"{r.headers['hx-redirect']}/edit", data=order_form(s, note="Call first"),
                           headers={"hx-request": "true"})
    assert r.status_code == 200 and r.headers["hx-redirect"].startswith("/orders/")
    assert "Order saved." in (await manager.get(r.headers["hx-redirect"])).text
    form = (await manager.get("/orders/new")).text
    search = re.search(r'<input id="f-product_q"[^>]*>', form)
    assert search and 'hx-get="/orders/items"' in search[0] and 'hx-select="#item-results"' in search[0], search


async def test_the_order_form_names_its_inquiry_by_the_dealers_number_not_the_row_id(make_dealer, client_as):
    other = await make_dealer(modules=MODULES)
    r = await (await client_as(other, "manager")).post("/orders/inquiries/", data={"phone": "+420 601 111 222"})
    assert r.status_code == 303  # another dealer's inquiry first: the row ids and the numbers part ways
    dealer = await make_dealer(modules=MODULES)
    manager = await client_as(dealer, "manager")
    r = await manager.post("/orders/inquiries/", data={"phone": "+420 601 333 444"})
    inquiry_id = _id(r)
    assert inquiry_id != 1
    form = (await manager.get(f"/orders/new?inquiry={inquiry_id}")).text
    link = re.search(r'<a href="/orders/inquiries/(\d+)" data-inquiry="\d+">([^<]+)</a>', form)
    assert link and int(link[1]) == inquiry_id and link[2] == "Inquiry #1", link


async def test_lines_take_the_product_rows_a_caller_just_read_and_only_its_dealers(make_dealer, client_as):
    """``resolve_lines(products=...)`` (quick links' checkout prices the cart, then prepares the order) uses the
    rows it is given instead of reading them again; a row of another dealer is not one of this dealer's
    products; rows that do not cover every line are read from the catalogue as usual."""
    from plugins.orders import services as catalogue
    from plugins.orders.sales import services

    dealer, other = await make_dealer(modules=MODULES), await make_dealer(modules=MODULES)
    s, t = await shop(dealer, client_as), await shop(other, client_as)
    read = await catalogue.products_by_id(dealer.id, [s["product"], t["product"]])
    assert list(read) == [s["product"]]  # the other dealer's product is not among this dealer's
    spec = [{"product_id": str(s["product"]), "quantity": "2", "discount_pct": "0"}]
    given = {s["product"]: {**read[s["product"]], "name": "As read a moment ago"}}
    rows, errors = await services.resolve_lines(dealer.id, spec, products=given)
    assert not errors and rows[0]["name"] == "As read a moment ago" and rows[0]["line_total"] == Decimal("2000.00")
    foreign = {s["product"]: {**read[s["product"]], "dealer_id": other.id}}
    _rows, errors = await services.resolve_lines(dealer.id, spec, products=foreign)
    assert "lines-0-product" in errors
    rows, errors = await services.resolve_lines(dealer.id, spec, products={})  # not covered: read as usual
    assert not errors and rows[0]["name"] == "Engine oil 5W-30"


async def test_an_order_takes_the_customer_a_caller_just_read_and_only_its_dealers(make_dealer, client_as):
    """``prepare(customer=...)`` (quick links' session read the customer a moment ago) takes that row for the
    ``customer_id`` it names instead of asking the customers plugin again, refuses it when it is marked invalid
    (as ``customers_get`` does), and a row of another dealer or of another id is not taken: the id is looked up."""
    from forecourt import system_context
    from plugins.customers import services as customers
    from plugins.customers.tables import Customer
    from plugins.orders.sales import services

    dealer, other = await make_dealer(modules=MODULES), await make_dealer(modules=MODULES)
    s = await shop(dealer, client_as)
    ctx = system_context(dealer.id, frozenset(MODULES), "Dealer", "cs")
    mine = await customers.create(ctx, {"name": "Jana Nováková", "phone": "+420 601 111 222", "source": "other"})
    row = await customers.get(dealer.id, mine.id)
    spec = [{"product_id": str(s["product"]), "quantity": "1", "discount_pct": "0"}]
    values = {"customer_id": str(mine.id), "contact_name": "Jana", "delivery_method": "pickup"}
    draft = await services.prepare(ctx, values, spec, customer=row)
    assert draft.values["customer_id"] == mine.id
    # the row says invalid (the customer was marked so as the caller read it): refused like the hook refuses
    refused = {**row, "invalid": True}
    with pytest.raises(ValidationFailed) as refusal:
        await services.prepare(ctx, values, spec, customer=refused)
    assert "customer_id" in refusal.value.errors
    # a row of another dealer under the same id is not taken: the id is looked up among this dealer's customers
    await Customer.scoped(dealer.id).update({Customer.invalid: True}).where(Customer.id == mine.id)
    for stranger in ({**row, "dealer_id": other.id, "invalid": False}, {**row, "id": mine.id + 1, "invalid": False}):
        with pytest.raises(ValidationFailed) as refusal:
            await services.prepare(ctx, values, spec, customer=stranger)
        assert "customer_id" in refusal.value.errors  # looked up: this dealer's customer is invalid now
