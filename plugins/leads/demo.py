"""Demo leads for the demo dealers, in every status (but Watching stock, which needs a stock module)."""

from __future__ import annotations

import datetime as dt
import random

from forecourt import apply_transition, now, update_entity
from plugins.leads import services
from plugins.leads.machine import LEAD
from plugins.leads.tables import Lead

#: (surname, first name, "f"/"m"): Czech and Russian surnames have a woman's and a man's form, so the
#: generated leads pair a surname only with a first name of the same gender (never "Doležalová Lukáš")
PEOPLE = {
    "cs": [("Novotná", "Kateřina", "f"), ("Veselý", "Ondřej", "m"), ("Krejčí", "Pavla", "f"), ("Fiala", "Jakub", "m"),
           ("Sedláček", "Michal", "m"), ("Doležalová", "Tereza", "f"), ("Zeman", "Lukáš", "m"),
           ("Kolář", "Filip", "m")],
    "ru": [("Морозов", "Дмитрий", "m"), ("Волкова", "Анна", "f"), ("Соловьёв", "Игорь", "m"),
           ("Новикова", "Ольга", "f"), ("Фёдоров", "Сергей", "m"), ("Михайлова", "Татьяна", "f"),
           ("Егоров", "Павел", "m"), ("Козлова", "Наталья", "f")],
}
MODELS = ("Peugeot 408", "Peugeot 2008", "Peugeot 3008", "Peugeot 5008")
#: what happens to the demo leads, in order: a few of each status
STORIES = ((), ("contact_ok",), ("contact_ok", "contract_signed"), ("postpone",), ("contact_refused",),
           ("discard",), (), ("contact_ok",))
INPUTS = {"qualify": {"sub_category": "Private purchase", "model": "Peugeot 408 GT"},
          "postpone": {"until": "", "note": "Customer on holiday"},
          "contact_refused": {"reason": "Bought elsewhere", "note": "Bought a used car"},
          "discard": {"reason": "Duplicate", "note": "Entered twice"},
          "lost": {"reason": "Price", "note": "Found a cheaper offer"}}


#: how many leads each demo dealer gets: the named ones first, then generated ones
DEMO_COUNT = 120


async def seed(dealer, users, ctx) -> None:
    """Idempotent: a dealer that already has leads is left alone."""
    if await Lead.scoped(dealer.id).exists():
        return
    people = PEOPLE.get(dealer.language, PEOPLE["cs"])
    rng = random.Random(dealer.id)

    def someone() -> tuple[str, str]:
        """A surname and a first name of the same gender, mixed from the named people."""
        surname, _first, gender = rng.choice(people)
        return surname, rng.choice([p[1] for p in people if p[2] == gender])

    cast = [*((p[0], p[1]) for p in people), *(someone() for _ in range(DEMO_COUNT - len(people)))]
    plots = (*STORIES, ("qualify",), ("qualify", "to_test_drive"), ("qualify", "to_offer"),
             ("qualify", "to_offer", "to_negotiation"), ("qualify", "to_offer", "won"), ("qualify", "lost"))
    stories = [*STORIES, *(rng.choice(plots) for _ in range(DEMO_COUNT - len(people)))]
    for i, ((surname, first), story) in enumerate(zip(cast, stories, strict=True)):
        phone = f"+7 916 555 {1000 + i:04d}" if dealer.language == "ru" else f"+420 601 {555000 + i:06d}"
        lead = await services.create(ctx, {
            "surname": surname, "first_name": first, "phone": phone, "model": MODELS[i % 4],
            "source": ("website", "phone", "walk_in", "website")[i % 4], "request_type": "pre_order",
            "price": str(720000 + 15000 * i), "email": f"lead{i + 1}@example.com",
        }, dealer.language, assign_to_me=False)
        if i % 3:
            await services.assign(ctx, lead.id, users.get("manager"))
        state = "new"
        for transition in story:
            inputs = dict(INPUTS.get(transition, {}))
            if transition == "postpone":
                inputs["until"] = str((now() + dt.timedelta(days=3)).date())
            applied = await apply_transition(ctx, LEAD, lead.id, transition, state, inputs)
            state = applied.to_state
        if not story:  # leads nobody has reached yet came in over the last three days: some are late
            arrived = now() - dt.timedelta(hours=rng.uniform(1, 72))
            await update_entity(ctx, Lead, services.ENTITY, lead.id, {"created_at": arrived, "updated_at": arrived})
