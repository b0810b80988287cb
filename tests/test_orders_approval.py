"""Orders' review (manual 004), orders made from inquiries, and the demo orders — over real HTTP, on both engines."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal

from test_orders_sales import MODULES, _id, act, errs, order_form, place, shop, stock_of

from plugins.orders.tables import Inquiry, Order, Stock


async def test_approval_rules(make_dealer, client_as):
    dealer = await make_dealer(modules=MODULES)
    s = await shop(dealer, client_as, on_hand=20)
    admin, manager = await client_as(dealer, "dealer_admin"), await client_as(dealer, "manager")
    assert (await manager.get("/orders/settings")).status_code == 403
    r = await admin.post("/orders/settings", data={"approval_amount": "5 000", "approval_discount_pct": "15"})
    assert r.status_code == 303, r.text[:500]
    assert (await admin.post("/orders/settings", data={"approval_discount_pct": "120"})).status_code == 422
    small = await place(manager, s, 2)
    assert (await Order.scoped(dealer.id).get(small)).approval == ""
    big = await place(manager, s, 6)  # 6000 > 5000
    discounted = await place(manager, s, 1, **{"lines-0-discount_pct": "20"})
    for o in (big, discounted):
        assert (await Order.scoped(dealer.id).get(o)).approval == "pending"
        card = (await manager.get(f"/orders/{o}")).text
        assert "waits for approval" in card and 'data-transition="confirm"' not in card
        r = await act(manager, o, "confirm", "new")
        assert r.status_code == 422 and "waits for approval" in r.text
        assert (await manager.post(f"/orders/{o}/approve")).status_code == 403
    assert await stock_of(dealer, s) == (20, 0)
    assert (await admin.post(f"/orders/{big}/approve")).status_code == 303
    assert (await admin.post(f"/orders/{big}/approve")).status_code == 409  # approved already
    row = await Order.scoped(dealer.id).get(big)
    assert row.approval == "approved" and row.approved_by == dealer.users["dealer_admin"].id
    # the same items sent again change nothing; other items re-open the review
    edit = await manager.get(f"/orders/{big}/edit")
    line_id = re.search(r'name="lines-0-line_id" value="(\d+)"', edit.text).group(1)
    same = {**order_form(None, warehouse_id=str(s["warehouse"])), "lines-0-line_id": line_id,
            "lines-0-product_id": str(s["product"]),
            "lines-0-quantity": "6", "lines-0-discount_pct": "0", "lines-0-bonus": "0"}
    assert (await manager.post(f"/orders/{big}/edit", data=same)).status_code == 303
    assert (await Order.scoped(dealer.id).get(big)).approval == "approved"
    r = await manager.post(f"/orders/{big}/edit", data={**same, "lines-0-quantity": "7"})
    assert r.status_code == 303, errs(r.text)
    assert (await Order.scoped(dealer.id).get(big)).approval == "pending"
    assert (await admin.post(f"/orders/{big}/approve")).status_code == 303
    assert (await act(manager, big, "confirm", "new")).status_code == 303
    assert (await act(manager, big, "deliver", "confirmed")).status_code == 303
    assert (await Order.scoped(dealer.id).get(big)).approval == "completed"
    card = (await manager.get(f"/orders/{big}")).text
    for step in ("waits for approval (above the dealer", "Order approved", "waits for approval again",
                 "Order completed"):
        assert step in card, step
    # within the limits after a change: no review needed any more
    r = await manager.post(f"/orders/{discounted}/edit", data={**order_form(s, 1)})
    assert r.status_code == 303 and (await Order.scoped(dealer.id).get(discounted)).approval == ""

async def test_an_order_from_an_inquiry(make_dealer, client_as):
    from core.context import Context
    from core.timeutil import now
    from forecourt import create_entity

    dealer = await make_dealer(modules=MODULES)
    manager = await client_as(dealer, "manager")
    ctx = Context(dealer_id=dealer.id, user_id=dealer.users["manager"].id, user_name="M", role="manager",
                  modules=frozenset(dealer.modules), permissions=frozenset({"orders.sell"}))
    inquiry = await create_entity(ctx, Inquiry, "orders.inquiry", {
        "number": 1, "phone": "+420 601 777 888", "contact_name": "Karel Volající", "created_at": now(),
        "updated_at": now()})
    card = await manager.get(f"/orders/inquiries/{inquiry.id}")
    assert card.status_code == 200 and 'data-transition="prank"' in card.text
    assert 'data-transition="order"' not in card.text  # no bare "Order created" button
    r = await manager.post(f"/workflow/orders.inquiry/{inquiry.id}/order",
                           data={"_state": "new", "next": f"/orders/inquiries/{inquiry.id}"})
    assert r.status_code == 422 and (await Inquiry.scoped(dealer.id).get(inquiry.id)).status == "new"
    form = await manager.get(f"/orders/new?inquiry={inquiry.id}")
    assert form.status_code == 200 and 'value="Karel Volající"' in form.text
    assert f'name="inquiry_id" value="{inquiry.id}"' in form.text
    assert (await manager.get("/orders/new?inquiry=999999")).status_code == 404
    order_id = _id(await manager.post("/orders/", data={
        "action": "save", "inquiry_id": str(inquiry.id), "contact_name": "Karel Volající",
        "contact_phone": "+420 601 777 888"}))
    order = await Order.scoped(dealer.id).get(order_id)
    assert order.source == "inquiry" and order.inquiry_id == inquiry.id
    row = await Inquiry.scoped(dealer.id).get(inquiry.id)
    assert row.status == "order_created" and row.order_id == order_id
    r = await manager.post("/orders/", data={"action": "save", "inquiry_id": str(inquiry.id), "contact_name": "X"})
    assert r.status_code == 422 and await Order.scoped(dealer.id).count() == 1


async def test_demo_orders_in_every_status_with_real_stock(make_dealer, forecourt_registry):
    from core.tables import Dealer
    from forecourt import system_context
    from plugins.orders import demo
    from plugins.orders.machines import ORDER_STATES

    made = await make_dealer(modules=MODULES)
    dealer = await Dealer.objects().get(Dealer.id == made.id)
    ctx = system_context(dealer.id, frozenset(made.modules), dealer.name)
    users = {role: user.id for role, user in made.users.items()}
    await demo.seed(dealer, users, ctx)
    await demo.seed(dealer, users, ctx)  # idempotent
    rows = await Order.scoped(dealer.id).select(Order.status, Order.number, Order.total, Order.manager_id)
    assert sorted(r["status"] for r in rows) == sorted(s.key for s in ORDER_STATES)
    assert sorted(r["number"] for r in rows) == list(range(1, len(ORDER_STATES) + 1))
    assert all(Decimal(r["total"]) > 0 and r["manager_id"] == made.users["manager"].id for r in rows)
    reserved = sum(r["reserved"] for r in await Stock.scoped(dealer.id).select(Stock.reserved))
    assert reserved > 0  # the confirmed and in-production orders hold their items

async def test_one_inquiry_makes_one_order_under_concurrent_saves(make_dealer, client_as):
    from core.context import Context
    from core.timeutil import now
    from forecourt import create_entity

    dealer = await make_dealer(modules=MODULES)
    manager = await client_as(dealer, "manager")
    ctx = Context(dealer_id=dealer.id, user_id=dealer.users["manager"].id, user_name="M", role="manager",
                  modules=frozenset(dealer.modules), permissions=frozenset({"orders.sell"}))
    inquiry = await create_entity(ctx, Inquiry, "orders.inquiry", {
        "number": 1, "phone": "+420 601 777 889", "contact_name": "Karel", "created_at": now(), "updated_at": now()})
    results = await asyncio.gather(*[manager.post("/orders/", data={
        "action": "save", "inquiry_id": str(inquiry.id), "contact_name": f"Karel {i}"}) for i in range(6)])
    codes = sorted(r.status_code for r in results)
    assert codes[0] == 303 and codes.count(303) == 1 and all(c in (409, 422) for c in codes[1:]), codes
    rows = await Order.scoped(dealer.id).select(Order.id, Order.number)
    assert len(rows) == 1 and rows[0]["number"] == 1  # the losers took no number
    assert (await Inquiry.scoped(dealer.id).get(inquiry.id)).order_id == rows[0]["id"]
