"""Demo orders for the demo dealers: one in every order status, with items from the demo catalogue.

Made through the order service and the workflow (as a manager's clicks would),
so their numbers, totals, stamped dates, stock and history are real: the
confirmed ones hold reservations, the shipped and handed-over ones were
written off, the returned ones came back on hand.
"""

from __future__ import annotations

from typing import Any

from forecourt import apply_transition
from plugins.orders.machines import ORDER_MACHINE
from plugins.orders.sales import services
from plugins.orders.tables import Order, Product, Warehouse

#: the way from "new" to each status (transition keys), as a manager would click them
PATHS: dict[str, tuple[str, ...]] = {
    "new": (), "call_back": ("call_back",), "pending": ("pending",), "preorder": ("preorder",),
    "refused_phone": ("refuse_phone",), "cancelled_site": ("cancel_site",), "confirmed": ("confirm",),
    "in_production": ("confirm", "produce"), "shipped": ("confirm", "ship"),
    "awaiting_pickup": ("confirm", "ship", "await_pickup"), "refused_pickup": ("confirm", "ship", "refuse_pickup"),
    "returned": ("confirm", "ship", "return"), "delivered": ("confirm", "deliver"), "lost": ("confirm", "ship", "lose"),
    "archived": ("confirm", "deliver", "archive"),
}
NAMES = ("Jan Novák", "Eva Dvořáková", "Petr Svoboda", "Lucie Černá", "Tomáš Procházka", "Anna Kučerová",
         "Martin Veselý", "Tereza Horáková", "Jakub Němec", "Klára Pokorná", "David Marek", "Veronika Pospíšilová",
         "Ondřej Hájek", "Kateřina Jelínková", "Filip Král")
NAMES_RU = ("Иван Петров", "Анна Смирнова", "Сергей Кузнецов", "Ольга Попова", "Дмитрий Васильев", "Мария Соколова",
            "Алексей Михайлов", "Елена Новикова", "Никита Фёдоров", "Татьяна Морозова", "Павел Волков",
            "Наталья Алексеева", "Артём Лебедев", "Юлия Семёнова", "Максим Егоров")
PAYMENTS = ("cash", "card", "bank_transfer", "online")
DELIVERIES = ("pickup", "courier", "transport")


def _user_id(user: Any) -> int | None:
    return user if isinstance(user, int) or user is None else getattr(user, "id", None)


async def seed(dealer: Any, users: dict[str, Any], ctx: Any) -> None:
    """Idempotent: a dealer that already has orders is left alone; one without a catalogue gets none."""
    if await Order.scoped(dealer.id).exists():
        return
    warehouse = await Warehouse.scoped(dealer.id).select(Warehouse.id).order_by(Warehouse.id).first()
    stocked = await Product.scoped(dealer.id).select(Product.id).where(
        Product.kind.is_in(["accessory", "part"])).order_by(Product.id)
    service = await Product.scoped(dealer.id).select(Product.id).where(Product.kind == "service").first()
    if warehouse is None or not stocked:
        return
    names = NAMES_RU if dealer.language == "ru" else NAMES
    manager = _user_id(users.get("manager"))
    for i, path in enumerate(PATHS.values()):
        lines = [{"product_id": stocked[i % len(stocked)]["id"], "quantity": str(1 + i % 3),
                  "discount_pct": "5" if i % 4 == 0 else "0", "bonus": "0"}]
        if service and i % 3 == 0:
            lines.append({"product_id": service["id"], "quantity": "1", "discount_pct": "0", "bonus": "0"})
        payment = PAYMENTS[i % len(PAYMENTS)]
        values = {"contact_name": names[i % len(names)], "payment_method": payment,
                  "delivery_method": DELIVERIES[i % len(DELIVERIES)], "warehouse_id": str(warehouse["id"]),
                  "manager_id": str(manager or ""), "waybill": f"WB-{dealer.id:03d}-{i + 1:04d}" if path else ""}
        if payment == "bank_transfer":
            values |= {"legal_name": f"{names[i % len(names)].split()[-1]} s.r.o.", "legal_tax_id": "7736207543"}
        row = await services.create(ctx, values, lines, "form")
        state = "new"
        for transition in path:
            applied = await apply_transition(ctx, ORDER_MACHINE, row.id, transition, state)
            state = applied.to_state
