import re
from test_orders_sales import order_form, place, shop
from test_orders_inquiries import make_key


BAD = ["", "abc", "-1", "0", "99999999999999999999999", "1e400", "NaN", "\x00", "１２", "9" * 5000, "1.5", " ",
       "2147483648", "9223372036854775808"]


async def test_fuzz(make_dealer, client_as, forecourt_server):
    dealer = await make_dealer(modules=["orders", "customers", "deals"])
    s = await shop(dealer, client_as, on_hand=20)
    admin, manager = await client_as(dealer, "dealer_admin"), await client_as(dealer, "manager")
    keeper = await client_as(dealer, "storekeeper")
    o = await place(manager, s, 1)
    r = await manager.post("/orders/inquiries/", data={"phone": "+420 601 234 567"})
    assert r.status_code == 303
    inq = int(r.headers["location"].rsplit("/", 1)[1])
    bad = []
    fields = ["manager_id", "warehouse_id", "customer_id", "inquiry_id", "lines-0-product_id", "lines-0-quantity",
              "lines-0-discount_pct", "lines-0-bonus", "lines-0-line_id", "contact_phone", "contact_email",
              "payment_method", "new_customer", "lines-9999-product_id", "lines-0-sku", "add_sku", "add_quantity"]
    for f in fields:
        for v in BAD:
            for action in ("save", "refresh", "add", "add_product:" + v, "find_product", "find_customer"):
                data = {**order_form(s, 1), f: v, "action": action, "product_q": v}
                for path in ("/orders/", f"/orders/{o}/edit"):
                    r = await manager.post(path, data=data)
                    if r.status_code >= 500:
                        bad.append((path, f, v[:20], action, r.status_code))
    for v in BAD:
        for path, data in ((f"/orders/inquiries/", {"phone": v, "name": v, "manager_id": v}),
                           (f"/orders/inquiries/{inq}/edit", {"phone": v, "name": v, "manager_id": v}),
                           (f"/orders/inquiries/{inq}/merge", {"main": v, "_state": v}),
                           (f"/orders/{o}/approve", {"seen": v}),
                           (f"/orders/catalogue/{s['product']}/stock", {"warehouse_id": v, "quantity": v, "mode": "set"}),
                           (f"/orders/catalogue/{s['product']}/stock", {"warehouse_id": str(s["warehouse"]), "quantity": v}),
                           ("/orders/settings", {"approval_amount": v, "approval_discount_pct": v}),
                           ("/orders/telephony/keys", {"name": v, "per_minute": v}),
                           
                           (f"/workflow/orders.order/{o}/confirm", {"_state": v}),
                           (f"/workflow/orders.inquiry/{inq}/order", {"_state": "new"}),
                           (f"/workflow/orders.inquiry/{inq}/merge", {"_state": "new", "main": v}),
                           ):
            client = admin
            r = await client.post(path, data=data)
            if r.status_code >= 500:
                bad.append((path, v[:20], r.status_code))
        for path in (f"/orders/?q={v}&manager={v}&customer={v}&created_from={v}&after={v}&sort={v}&status={v}",
                     f"/orders/export.csv?q={v}&after={v}", f"/orders/inquiries/?q={v}&manager={v}&after={v}&since={v}",
                     f"/orders/new?inquiry={v}", f"/orders/items?product_q={v}",
                     f"/orders/inquiries/{inq}/merge?main={v}", f"/orders/catalogue/import/{v}",
                     f"/orders/catalogue/?q={v}"):
            from urllib.parse import quote
            r = await admin.get(path.replace(v, quote(v)) if v else path)
            if r.status_code >= 500:
                bad.append((path[:60], v[:20], r.status_code))
    assert not bad, bad
