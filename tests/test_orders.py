"""The orders plugin's catalogue and stock over real HTTP, on both engines."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from core.context import Context
from forecourt import ValidationFailed
from plugins.orders import services
from plugins.orders.catalogue.fields import vin_check_digit, vin_problem
from plugins.orders.tables import Product, Stock


def vin(body: str = "VR3F4DGZ_SY067890") -> str:
    """A VIN with its check digit computed (``_`` marks position 9)."""
    return body.replace("_", vin_check_digit(body))


CAR = {"kind": "vehicle", "sku": "CAR-408-01", "name": "Peugeot 408 GT", "base_price": "3 990 000",
       "unit": "pcs", "active": "1", "vin": vin(), "model": "PEUGEOT 408", "trim": "GT", "fuel": "hybrid",
       "colour": "Obsession Blue", "year": "2025", "mileage": "0"}


def _id(response) -> int:
    assert response.status_code == 303, response.text[:800]
    return int(response.headers["location"].rstrip("/").rsplit("/", 1)[1])


async def add_product(client, **values) -> int:
    return _id(await client.post("/orders/catalogue/", data={**CAR, **values}))


async def add_warehouse(client, name: str = "Main warehouse") -> int:
    r = await client.post("/orders/catalogue/warehouses", data={"name": name, "address": "Brno"})
    assert r.status_code == 303, r.text[:500]
    page = (await client.get("/orders/catalogue/warehouses")).text
    return int(page.split(f"<td>{name}</td>")[0].rsplit('data-warehouse="', 1)[1].split('"')[0])


async def test_storekeeper_keeps_the_catalogue_and_the_card_shows_its_stock(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    keeper = await client_as(dealer, "storekeeper")
    main, showroom = await add_warehouse(keeper), await add_warehouse(keeper, "Showroom")
    car = await add_product(keeper)
    mats = await add_product(keeper, kind="accessory", sku="ACC-MAT-01", name="Floor mats", vin="", model="",
                             base_price="1490")
    row = await Product.scoped(dealer.id).get(mats)
    assert row.kind == "accessory" and row.vin == "" and row.model == ""
    assert Decimal(str(row.base_price)) == Decimal("1490")
    assert (await keeper.post(f"/orders/catalogue/{car}/stock", data={"mode": "receive", "warehouse_id": str(main),
                                                            "quantity": "3"})).status_code == 303
    assert (await keeper.post(f"/orders/catalogue/{car}/stock", data={"mode": "set", "warehouse_id": str(showroom),
                                                            "quantity": "2"})).status_code == 303
    assert (await keeper.post(f"/orders/catalogue/{car}/stock", data={"mode": "set", "warehouse_id": str(main),
                                                            "quantity": "1"})).status_code == 303
    card = (await keeper.get(f"/orders/catalogue/{car}")).text
    assert "Peugeot 408 GT" in card and vin() in card
    assert f'data-warehouse="{main}"><td>Main warehouse</td><td>1</td><td>0</td>' in card
    assert f'data-warehouse="{showroom}"><td>Showroom</td><td>2</td>' in card
    assert "Received 3 into Main warehouse" in card and "set to 1 (was 3)" in card  # the history
    r = await keeper.post(f"/orders/catalogue/{car}/edit",
                          data={**CAR, "name": "Peugeot 408 GT Hybrid", "trim": "GT Pack"})
    assert r.status_code == 303
    assert (await Product.scoped(dealer.id).get(car)).trim == "GT Pack"
    listing = await keeper.get("/orders/catalogue/", params={"q": "peugeot"})
    assert f'data-product="{car}"' in listing.text and f'data-product="{mats}"' not in listing.text
    assert 'data-available="3"' in listing.text
    for q in ("acc-mat", vin()[:8], "FLOOR"):
        assert f'data-product="{mats if q != vin()[:8] else car}"' in (await keeper.get("/orders/catalogue/",
                                                                                      params={"q": q})).text
    assert "Catalogue" in (await keeper.get("/")).text


async def test_keyset_pages_walk_the_whole_catalogue(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    keeper = await client_as(dealer, "storekeeper")
    for i in range(55):
        await add_product(keeper, kind="part", sku=f"PRT-{i:03d}", name=f"Part {i:03d}", vin="")
    first = await keeper.get("/orders/catalogue/", params={"sort": "sku"})
    assert first.text.count("data-product=") == 50 and 'rel="next"' in first.text
    after = first.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = await keeper.get(after)
    assert second.text.count("data-product=") == 5 and "PRT-054" in second.text and "PRT-000" not in second.text


async def test_bad_input_is_refused_with_messages_and_kept(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    keeper = await client_as(dealer, "storekeeper")
    # a North American VIN must carry its check digit (1HGCM82633A004352 is right, ...643... is not)
    r = await keeper.post("/orders/catalogue/", data={**CAR, "vin": "1HGCM82643A004352", "sku": "", "model": "",
                                             "base_price": "Infinity", "year": "1800", "trim": "Kept Input"})
    assert r.status_code == 422
    for message in ("check digit", "Enter the SKU", "Enter the vehicle&#39;s model", "Please correct the marked"):
        assert message in r.text, message
    assert 'value="Kept Input"' in r.text
    r = await keeper.post("/orders/catalogue/", data={**CAR, "vin": "IOQ12345678901234"})
    assert r.status_code == 422 and "A VIN has 17 letters and digits" in r.text
    # a European maker need not use the 9th character as a check digit
    assert vin_problem("VR3F4DGZ1SY067890") is None and vin_problem("1HGCM82633A004352") is None
    await add_product(keeper)
    r = await keeper.post("/orders/catalogue/", data={**CAR, "sku": "car-408-01 ", "vin": ""})
    assert r.status_code == 422 and "Another product already has this SKU." in r.text
    other = await add_product(keeper, sku="CAR-408-02", vin="")
    r = await keeper.post(f"/orders/catalogue/{other}/edit", data={**CAR, "vin": ""})
    assert r.status_code == 422 and "Another product already has this SKU." in r.text
    assert await Product.scoped(dealer.id).count() == 2
    r = await keeper.post(f"/orders/catalogue/{other}/stock", data={"mode": "receive", "warehouse_id": "999999",
                                                          "quantity": "1"})
    assert r.status_code == 422 and "Choose one of your warehouses." in r.text
    main = await add_warehouse(keeper)
    r = await keeper.post(f"/orders/catalogue/{other}/stock", data={"warehouse_id": str(main), "quantity": "-1"})
    assert r.status_code == 422 and "Quantity" in r.text and 'value="-1"' in r.text
    # a second dealer may use the same SKU
    assert await add_product(await client_as(await make_dealer(modules=["orders"]), "storekeeper"))


async def test_managers_read_the_catalogue_and_may_not_change_it(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    keeper = await client_as(dealer, "storekeeper")
    main = await add_warehouse(keeper)
    car = await add_product(keeper)
    manager = await client_as(dealer, "manager")
    assert (await manager.get("/orders/catalogue/")).status_code == 200
    card = await manager.get(f"/orders/catalogue/{car}")
    assert card.status_code == 200 and f"/orders/catalogue/{car}/stock" not in card.text
    assert "/orders/catalogue/new" not in card.text
    for path, data in (("/orders/catalogue/", CAR), (f"/orders/catalogue/{car}/edit", CAR),
                       ("/orders/catalogue/warehouses", {"name": "X"}),
                       (f"/orders/catalogue/{car}/stock", {"warehouse_id": str(main), "quantity": "1"})):
        assert (await manager.post(path, data=data)).status_code == 403, path
    assert (await manager.get("/orders/catalogue/new")).status_code == 403
    admin = await client_as(dealer, "dealer_admin")
    assert (await admin.post(f"/orders/catalogue/{car}/stock", data={"warehouse_id": str(main), "quantity": "1"})
            ).status_code == 303


async def test_concurrent_receipts_stay_exact(make_dealer, client_as):
    dealer = await make_dealer(modules=["orders"])
    keeper = await client_as(dealer, "storekeeper")
    main = await add_warehouse(keeper)
    car = await add_product(keeper, kind="part", vin="")
    results = await asyncio.gather(*[keeper.post(f"/orders/catalogue/{car}/stock", data={
        "mode": "receive", "warehouse_id": str(main), "quantity": "2"}) for _ in range(20)])
    assert [r.status_code for r in results] == [303] * 20
    rows = await Stock.scoped(dealer.id).select().where(Stock.product_id == car)
    assert len(rows) == 1 and rows[0]["on_hand"] == 40


async def test_twenty_concurrent_reservations_of_five_units(make_dealer, client_as, forecourt_registry):
    dealer = await make_dealer(modules=["orders"])
    keeper = await client_as(dealer, "storekeeper")
    main = await add_warehouse(keeper)
    car = await add_product(keeper, kind="part", vin="")
    assert (await keeper.post(f"/orders/catalogue/{car}/stock", data={"warehouse_id": str(main), "quantity": "5"})
            ).status_code == 303
    ctx = Context(dealer_id=dealer.id, user_id=dealer.users["storekeeper"].id, user_name="Keeper",
                  role="storekeeper", modules=frozenset(dealer.modules),
                  permissions=frozenset({"orders.view", "orders.edit_catalogue"}))

    async def one() -> bool:
        try:
            await services.reserve(ctx, car, main, 1)
        except ValidationFailed as exc:
            assert "Not enough in stock" in exc.message
            return False
        return True

    results = await asyncio.gather(*[one() for _ in range(20)])
    assert results.count(True) == 5
    row = (await Stock.scoped(dealer.id).select().where(Stock.product_id == car))[0]
    assert (row["on_hand"], row["reserved"]) == (5, 5)
    r = await keeper.post(f"/orders/catalogue/{car}/stock",
                          data={"mode": "set", "warehouse_id": str(main), "quantity": "4"})
    assert r.status_code == 422 and "Fewer than the units reserved here" in r.text
    await services.release(ctx, car, main, 2)
    assert await services.available(dealer.id, car) == 2


async def test_hook_orders_stock_changed_fires_when_a_vehicle_arrives(make_dealer, client_as):
    """From 0 available to more, for vehicles only, after the commit: a watching lead comes back each time."""
    from plugins.leads.tables import Lead

    dealer = await make_dealer(modules=["orders", "leads"])
    manager, keeper = await client_as(dealer, "manager"), await client_as(dealer, "storekeeper")

    async def watching_lead() -> int:
        lead = _id(await manager.post("/leads/", data={
            "surname": "Novák", "first_name": "Jan", "phone": "+420 601 234 567", "model": "Peugeot 408",
            "source": "phone", "request_type": "pre_order", "confirm_duplicate": "1"}))
        r = await manager.post(f"/workflow/leads.lead/{lead}/watch", data={"_state": "new", "model": "Peugeot 408"})
        assert r.status_code == 303, r.text[:500]
        return lead

    async def status(lead: int) -> str:
        return (await Lead.scoped(dealer.id).get(lead)).status

    main = await add_warehouse(keeper)
    mats = await add_product(keeper, kind="accessory", sku="ACC-1", name="Peugeot 408 mats", model="Peugeot 408",
                             vin="")
    car = await add_product(keeper)
    lead = await watching_lead()
    stock = "/orders/catalogue/{}/stock"
    await keeper.post(stock.format(mats), data={"warehouse_id": str(main), "quantity": "5"})
    assert await status(lead) == "watching"  # an accessory is no vehicle
    await keeper.post(stock.format(car), data={"warehouse_id": str(main), "quantity": "1"})
    assert await status(lead) == "new"  # 0 -> 1: arrived
    lead = await watching_lead()
    await keeper.post(stock.format(car), data={"warehouse_id": str(main), "quantity": "1"})
    assert await status(lead) == "watching"  # 1 -> 2: nothing new arrived
    await keeper.post(stock.format(car), data={"mode": "set", "warehouse_id": str(main), "quantity": "0"})
    await keeper.post(stock.format(car), data={"mode": "set", "warehouse_id": str(main), "quantity": "1"})
    assert await status(lead) == "new"  # sold out, then back


async def test_concurrent_products_with_one_sku_make_one_product(make_dealer, client_as):
    """The per-dealer unique index backs the check: a race gets the SKU message (422), never a 500."""
    dealer = await make_dealer(modules=["orders"])
    keeper = await client_as(dealer, "storekeeper")
    results = await asyncio.gather(*[keeper.post("/orders/catalogue/", data={**CAR, "vin": "", "name": f"Car {i}"})
                                     for i in range(8)])
    assert sorted(r.status_code for r in results) == [303] + [422] * 7
    assert all("Another product already has this SKU." in r.text for r in results if r.status_code == 422)
    assert await Product.scoped(dealer.id).count() == 1


async def test_demo_data_gives_warehouses_and_a_catalogue_in_stock(make_dealer, forecourt_registry):
    from core.tables import Dealer
    from forecourt import system_context
    from plugins.orders import demo
    from plugins.orders.catalogue.fields import vin_problem
    from plugins.orders.tables import Warehouse

    made = await make_dealer(modules=["orders"])
    dealer = await Dealer.objects().get(Dealer.id == made.id)
    ctx = system_context(dealer.id, frozenset({"orders"}), dealer.name)
    await demo.seed(dealer, {}, ctx)
    await demo.seed(dealer, {}, ctx)  # idempotent
    assert await Warehouse.scoped(dealer.id).count() == 2
    products = await Product.scoped(dealer.id).select()
    assert {p["kind"] for p in products} == {"vehicle", "accessory", "part", "service"}
    cars = [p for p in products if p["kind"] == "vehicle"]
    assert len(cars) >= 3 and all(vin_problem(p["vin"]) is None for p in cars)
    assert all([await services.available(dealer.id, p["id"]) for p in cars])
