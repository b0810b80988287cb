"""Importing leads from another program's CSV or XLSX export (the core's bulk import, these fields).

Every row is read with the lead form's own rules (:func:`plugins.leads.fields.clean`): a surname,
a model, a phone or an e-mail. Source and type of request may be written as a key or as their
label in any language; a row without a source is marked "Import", without a type "New car". A
row is a duplicate when its phone or e-mail is already on one of the dealer's leads (or on an
earlier row of the file). Imported leads start as New and unassigned: the dealer's rules for
assigning them apply as to any lead that nobody took yet.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from forecourt import (
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
from plugins.leads.entity import ENTITY
from plugins.leads.fields import LABELS, REQUEST_TYPES, SOURCES, clean
from plugins.leads.tables import Lead

CHOICES: dict[str, dict[str, Any]] = {"source": SOURCES, "request_type": REQUEST_TYPES}

FIELDS = (
    ImportField("surname", LABELS["surname"], ("last name", "family name", "фамилия", "příjmení", "姓"),
                required=True, example="Novák"),
    ImportField("first_name", LABELS["first_name"], ("given name", "name", "имя", "jméno", "名"), example="Jan"),
    ImportField("phone", LABELS["phone"], ("tel", "telephone", "mobile", "телефон", "тел", "telefon", "mobil", "电话",
                                           "手机"), example="+420 601 234 567"),
    ImportField("email", LABELS["email"], ("email", "mail", "почта", "邮箱", "电子邮件"), example="jan@example.cz"),
    ImportField("model", LABELS["model"], ("car", "vehicle", "модель", "автомобиль", "vůz", "车型", "型号"),
                required=True, example="Octavia"),
    ImportField("version", LABELS["version"], ("версия", "verze", "版本")),
    ImportField("trim", LABELS["trim"], ("комплектация", "výbava", "配置")),
    ImportField("city", LABELS["city"], ("город", "město", "城市"), example="Praha"),
    ImportField("price", LABELS["price"], ("цена", "cena", "价格")),
    ImportField("source", LABELS["source"], ("источник", "zdroj", "来源"), example="website"),
    ImportField("request_type", LABELS["request_type"], ("type", "тип", "typ", "类型"), example="new_car"),
    ImportField("note", LABELS["note"], ("comment", "notes", "комментарий", "примечание", "poznámka", "备注")),
)


@cache
def _choices(key: str) -> dict[str, str]:
    return import_choice_keys(CHOICES[key])


def clean_row(cells: dict[str, str], language: str) -> tuple[dict[str, Any], dict[str, str]]:
    """One row of the file as a new lead's values (the form's rules), and what is wrong with it."""
    raw = dict(cells)
    for key in CHOICES:
        if raw.get(key):
            raw[key] = import_choice(raw[key], _choices(key))
    raw["source"] = raw.get("source") or "import"
    raw["request_type"] = raw.get("request_type") or "new_car"
    return clean(raw, language)


def duplicate_keys(values: dict[str, Any]) -> dict[str, str]:
    return {"phone": values.get("phone_rev", ""), "email": values.get("email_key", "")}


async def existing(ctx: Context, kind: str, keys: list[str]) -> dict[str, ImportExisting]:
    """The dealer's leads with these reversed phones (``kind`` "phone") or e-mails, by key."""
    column = "phone_rev" if kind == "phone" else "email_key"
    found: dict[str, ImportExisting] = {}
    for row in await import_rows_with(Lead, ctx.dealer_id, column, keys,
                                      ("id", "surname", "first_name", "model", column)):
        name = f"{row['surname']} {row['first_name']}".strip()
        found.setdefault(row[column], ImportExisting(f"{name}, {row['model']}", f"/leads/{row['id']}"))
    return found


async def write(ctx: Context, rows: list[dict[str, Any]]) -> None:
    """One batch of new, unassigned leads, through the bulk entity write path."""
    moment = now()
    await create_entities(ctx, Lead, ENTITY, [
        {**values, "created_at": moment, "updated_at": moment, "created_by": ctx.user_id} for values in rows])


IMPORTER = Importer(
    key=ENTITY, title=_l("Import leads"), base="/leads/import", done_url="/leads/",
    permission="leads.import", fields=FIELDS, clean=clean_row, duplicate_keys=duplicate_keys,
    existing=existing, write=write,
    duplicate_labels={"phone": LABELS["phone"], "email": LABELS["email"]})
