"""Demo customers for the demo dealers: both sections, every temperature, notes and follow-ups."""

from __future__ import annotations

import datetime as dt

from forecourt import now, update_entity
from plugins.customers import services
from plugins.customers.tables import Customer

PEOPLE = {
    "cs": [("Jan Novák", "+420 601 234 567", "hot", "current", "Škoda Octavia"),
           ("Autodoprava Dvořák s.r.o.", "+420 602 111 222", "warm", "current", "Škoda Kodiaq"),
           ("Petra Svobodová", "+420 603 555 010", "hot", "potential", "Škoda Enyaq"),
           ("Martin Černý", "+420 604 777 888", "cold", "potential", "Škoda Fabia"),
           ("Lucie Procházková", "+420 605 123 999", "not_interested", "potential", "Škoda Scala")],
    "ru": [("Иван Смирнов", "+7 916 123-45-67", "hot", "current", "Lada Vesta"),
           ("ООО «Автотранс»", "+7 495 765-43-21", "warm", "current", "Haval Jolion"),
           ("Мария Кузнецова", "+7 903 222-33-44", "hot", "potential", "Geely Monjaro"),
           ("Алексей Попов", "+7 926 555-66-77", "cold", "potential", "Chery Tiggo 7"),
           ("Елена Васильева", "+7 985 111-22-33", "not_interested", "potential", "Lada Niva")],
}


async def seed(dealer, users, ctx) -> None:
    """Idempotent: a dealer that already has customers is left alone."""
    if await Customer.scoped(dealer.id).exists():
        return
    people = PEOPLE.get(dealer.language, PEOPLE["cs"])
    for i, (name, phone, temperature, status, model) in enumerate(people):
        row = await services.create(ctx, {
            "name": name, "phone": phone, "source": ("walk_in", "website", "referral", "phone", "event")[i],
            "temperature": temperature, "status": status, "intended_model": model,
            "email": f"customer{i + 1}@example.com", "discount_pct": "5" if status == "current" else "",
            "city": dealer.city, "currency": "RUB" if dealer.language == "ru" else "CZK",
        }, dealer.language)
        await update_entity(ctx, Customer, services.ENTITY, row.id, {"owner_id": users.get("manager")})
        priority = str((2, 1, 0)[i % 3])
        await services.add_note(ctx, row.id, ("Wants a test drive on Saturday.", "Asked about trade-in value.",
                                              "Prefers e-mail over calls.")[i % 3], priority)
        when = now() + dt.timedelta(days=i - 1, hours=2)
        await services.add_followup(ctx, row.id, {"method": ("phone", "visit", "email", "sms", "messenger")[i],
                                                  "content": "First contact, interested in " + model,
                                                  "next_at": when.isoformat(), "plan": "Call back with an offer"})
