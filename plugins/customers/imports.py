"""Importing customers from another program's CSV or XLSX export (the core's bulk import, these fields).

Every row is read with the customer form's own rules (:func:`plugins.customers.fields.clean`),
choices written as a key or as their label in any language. A row is a
duplicate when its phone or its e-mail is already a customer of the dealer's
(or is on an earlier row of the file). Imported customers are potential
customers (making one current is a step of its status machine, on its card),
owned by whoever imported them, numbered in one counter step per batch.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from forecourt import (
    LANGUAGE_NAMES,
    Context,
    Importer,
    ImportExisting,
    ImportField,
    create_entities,
    import_choice,
    import_choice_keys,
    import_rows_with,
    now,
)
from forecourt import lazy_gettext as _l
from plugins.customers.entity import ENTITY
from plugins.customers.fields import CURRENCY_CHOICES, GENDERS, LABELS, PRIORITIES, SOURCES, TEMPERATURES, clean
from plugins.customers.tables import Counter, Customer

CHOICES: dict[str, dict[str, Any]] = {"source": SOURCES, "temperature": TEMPERATURES, "gender": GENDERS,
                                      "purchase_priority": PRIORITIES, "language": LANGUAGE_NAMES,
                                      "currency": CURRENCY_CHOICES}

FIELDS = (
    ImportField("name", LABELS["name"], ("full name", "customer", "client", "фио", "имя", "клиент", "jméno",
                                         "zákazník", "姓名", "客户", "名称"), required=True, example="Jan Novák"),
    ImportField("phone", LABELS["phone"], ("tel", "telephone", "mobile", "телефон", "тел", "мобильный", "telefon",
                                           "mobil", "电话", "手机"), required=True, example="+420 601 234 567"),
    ImportField("email", LABELS["email"], ("email", "mail", "почта", "эл. почта", "e-mail", "邮箱", "电子邮件"),
                example="jan.novak@example.cz"),
    ImportField("contact_person", LABELS["contact_person"], ("contact", "контакт", "kontakt", "联系人")),
    ImportField("tax_id", LABELS["tax_id"], ("inn", "инн", "vat", "ič", "ičo", "dič", "税号"), example=""),
    ImportField("address", LABELS["address"], ("адрес", "adresa", "地址"), example="Vinohradská 12"),
    ImportField("city", LABELS["city"], ("город", "město", "城市"), example="Praha"),
    ImportField("region", LABELS["region"], ("регион", "область", "kraj", "地区", "省"), example=""),
    ImportField("source", _l("Source"), ("источник", "zdroj", "来源"), example="walk_in"),
    ImportField("temperature", _l("Temperature"), ("температура", "teplota", "温度"), example="warm"),
    ImportField("discount_pct", LABELS["discount_pct"], ("discount", "скидка", "sleva", "折扣"), example=""),
    ImportField("currency", _l("Currency"), ("валюта", "měna", "货币"), example=""),
    ImportField("language", _l("Language"), ("язык", "jazyk", "语言"), example=""),
    ImportField("gender", _l("Gender"), ("пол", "pohlaví", "性别"), example=""),
    ImportField("birth_date", LABELS["birth_date"], ("birthday", "дата рождения", "datum narození", "生日"),
                example=""),
    ImportField("intended_model", LABELS["intended_model"], ("model", "модель", "车型"), example=""),
    ImportField("budget_min", LABELS["budget_min"], example=""),
    ImportField("budget_max", LABELS["budget_max"], ("budget", "бюджет", "rozpočet", "预算"), example=""),
    ImportField("purchase_priority", _l("Purchase priority"), example=""),
    ImportField("occupation", LABELS["occupation"], ("job", "профессия", "povolání", "职业"), example=""),
)


@cache
def _choices(key: str) -> dict[str, str]:
    return import_choice_keys(CHOICES[key])


def clean_row(cells: dict[str, str], language: str) -> tuple[dict[str, Any], dict[str, str]]:
    """One row of the file as a new customer's values (the form's rules), and what is wrong with it."""
    raw = dict(cells)
    for key in CHOICES:
        if raw.get(key):
            raw[key] = import_choice(raw[key], _choices(key))
    raw["source"] = raw.get("source") or "other"
    raw["status"] = "potential"
    values, errors = clean(raw, language, creating=True)
    values.pop("status", None)
    return values, errors


def duplicate_keys(values: dict[str, Any]) -> dict[str, str]:
    return {"phone": values.get("phone_rev", ""), "email": values.get("email_key", "")}


async def existing(ctx: Context, kind: str, keys: list[str]) -> dict[str, ImportExisting]:
    """The dealer's customers with these reversed phones (``kind`` "phone") or e-mails, by key."""
    column = "phone_rev" if kind == "phone" else "email_key"
    found: dict[str, ImportExisting] = {}
    for row in await import_rows_with(Customer, ctx.dealer_id, column, keys, ("id", "number", "name", column)):
        found.setdefault(row[column], ImportExisting(f"{row['name']} (#{row['number']})", f"/customers/{row['id']}"))
    return found


async def write(ctx: Context, rows: list[dict[str, Any]]) -> None:
    """One batch: numbers taken in one counter step (inside the import's transaction), then one bulk insert."""
    await Counter.raw("INSERT INTO customers_counter (dealer_id, last) VALUES ({}, 0) "
                      "ON CONFLICT (dealer_id) DO NOTHING", ctx.dealer_id)
    last = (await Counter.raw("UPDATE customers_counter SET last = last + {} WHERE dealer_id = {} RETURNING last",
                              len(rows), ctx.dealer_id))[0]["last"]
    moment = now()
    first = last - len(rows) + 1
    await create_entities(ctx, Customer, ENTITY, [
        {**values, "number": first + i, "created_at": moment, "updated_at": moment, "owner_id": ctx.user_id}
        for i, values in enumerate(rows)])


IMPORTER = Importer(
    key=ENTITY, title=_l("Import customers"), base="/customers/import", done_url="/customers/",
    permission="customers.import", fields=FIELDS, clean=clean_row, duplicate_keys=duplicate_keys,
    existing=existing, write=write,
    duplicate_labels={"phone": LABELS["phone"], "email": LABELS["email"]})
