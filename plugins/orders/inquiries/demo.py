"""Demo inquiries: calls in several statuses, one repeat caller, one entered by hand, one merged duplicate.

The repeat caller has the phone of the customers demo's first customer (Jan Novák, Иван Смирнов), so
where the customers module is on their card shows the customer at once.

Idempotent: a dealer that already has inquiries is left alone. Everything
goes through the same services as the webhook and the card (calls through
``take_call``, outcomes through the machine, the duplicate through the merge).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from forecourt import apply_transition, now
from plugins.orders.inquiries import merge, services
from plugins.orders.machines import INQUIRY_MACHINE
from plugins.orders.tables import Inquiry

#: (caller, line, minutes ago, outcome transition or "")
CALLS = [("+420 601 234 567", "Sales 1", 600, ""), ("+420 602 555 202", "Sales 1", 480, "not_ready"),
         ("+420 603 555 303", "Service", 360, "service_request"),
         ("+420 604 555 404", "Sales 2", 300, "could_not_reach"),
         ("+420 605 555 505", "Sales 1", 240, "test"), ("+420 601 234 567", "Sales 2", 120, ""),  # the repeat caller
         ("+420 606 555 606", "Sales 2", 60, "")]
RU_CALLS = [("+7 916 123-45-67", "Продажи", 600, ""), ("+7 925 555-12-12", "Продажи", 480, "not_ready"),
            ("+7 903 555-33-44", "Сервис", 360, "service_request"), ("+7 926 555-40-40", "Продажи", 300,
                                                                     "could_not_reach"),
            ("+7 905 555-50-50", "Продажи", 240, "test"), ("8 916 123 45 67", "Продажи", 120, ""),
            ("+7 915 555-60-60", "Продажи", 60, "")]


async def seed(dealer, users, ctx) -> None:
    if await Inquiry.scoped(dealer.id).exists():
        return
    language = dealer.language or "en"
    ctx = dataclasses.replace(ctx, user_name="Demo PBX", dealer_language=language)
    moment = now()
    made: list[int] = []
    for caller, line, minutes, outcome in (RU_CALLS if language == "ru" else CALLS):
        key = services.phone_key(caller, language)
        if key is None:
            continue
        taken = await services.take_call(ctx, {
            "phone": key[0], "phone_rev": key[1], "line": line, "called_at": moment - dt.timedelta(minutes=minutes),
            "external_id": ""})
        made.append(taken.inquiry_id)
        if outcome:
            await apply_transition(ctx, INQUIRY_MACHINE, taken.inquiry_id, outcome, expected_state=None)
    manual = await services.create(ctx, {"phone": "", "name": "Walk-in: Mr Dvořák", "manager_id": str(
        users.get("manager") or ""), "note": "Asked about a Kodiaq test drive."}, language)
    # the last caller rang again from another phone: that inquiry is a duplicate of the first one
    first = await services.get(dealer.id, made[0])
    await merge.merge(ctx, made[-1], str(first["number"]), "new")
    del manual
