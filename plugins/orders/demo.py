"""Demo catalogue for the demo dealers: two warehouses, cars with valid VINs, accessories and a service, in stock."""

from __future__ import annotations

from forecourt import gettext as _
from forecourt import in_language
from plugins.orders import services
from plugins.orders.catalogue.fields import vin_check_digit
from plugins.orders.inquiries import demo as inquiries_demo
from plugins.orders.payments import demo as payments_demo
from plugins.orders.sales import demo as sales_demo
from plugins.orders.tables import Product

#: (sku, name, model, trim, fuel, colour, year, price CZK, VIN without its check digit)
CARS = [
    ("CAR-OCT-01", "Škoda Octavia Style 1.5 TSI", "Škoda Octavia", "Style", "petrol", "Moon White", 2026, 689900,
     "TMBJR7NX_RY012345"),
    ("CAR-KOD-01", "Škoda Kodiaq Sportline 2.0 TDI", "Škoda Kodiaq", "Sportline", "diesel", "Race Blue", 2026,
     1149900, "TMBLJ9NS_SY054321"),
    ("CAR-408-01", "Peugeot 408 GT Hybrid", "Peugeot 408", "GT", "hybrid", "Obsession Blue", 2025, 989000,
     "VR3F4DGZ_SY067890"),
]
#: (sku, name, kind, unit, price CZK, on hand in the main warehouse)
OTHERS = [("ACC-MAT-01", "Floor mats, rubber", "accessory", "set", 1490, 40),
          ("ACC-ROOF-01", "Roof box 400 l", "accessory", "pcs", 12900, 6),
          ("PRT-OIL-5W30", "Engine oil 5W-30, 5 l", "part", "pcs", 1190, 60),
          ("SRV-INSP-01", "Annual inspection", "service", "", 3900, 0)]


def _vin(template: str) -> str:
    return template.replace("_", vin_check_digit(template))


async def seed(dealer, users, ctx) -> None:
    """Idempotent: a dealer that already has products keeps its catalogue; each part seeds only what is missing."""
    await inquiries_demo.seed(dealer, users, ctx)  # inquiries and calls (idempotent on their own)
    if not await Product.scoped(dealer.id).exists():
        await _catalogue(dealer, ctx)
    await sales_demo.seed(dealer, users, ctx)  # orders in every status (plugins/orders/sales/demo.py)
    await payments_demo.seed(dealer, users, ctx)  # payments in every status for the first orders


async def _catalogue(dealer, ctx) -> None:
    currency = "RUB" if dealer.language == "ru" else "CZK"
    rate = 4 if currency == "RUB" else 1  # roughly: the same cars, priced in roubles
    with in_language(dealer.language or "en"):  # a warehouse's name is data: written in the dealer's language
        names = (_("Main warehouse"), _("Showroom"))
    main, second = [await services.create_warehouse(ctx, {"name": name, "address": dealer.city or ""})
                    for name in names]
    for i, (sku, name, model, trim, fuel, colour, year, price, vin) in enumerate(CARS):
        row = await services.create_product(ctx, {
            "sku": sku, "name": name, "kind": "vehicle", "unit": "pcs", "base_price": str(price * rate),
            "currency": currency, "active": "1", "vin": _vin(vin), "model": model, "trim": trim, "fuel": fuel,
            "colour": colour, "year": str(year), "mileage": "0"})
        await services.receive(ctx, row.id, (main, second)[i % 2].id, 1)
    for sku, name, kind, unit, price, on_hand in OTHERS:
        row = await services.create_product(ctx, {"sku": sku, "name": name, "kind": kind, "unit": unit,
                                                  "base_price": str(price * rate), "currency": currency,
                                                  "active": "1"})
        if on_hand:
            await services.receive(ctx, row.id, main.id, on_hand)
