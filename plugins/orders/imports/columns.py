"""The import file's columns: their names in every language, the words a cell may use, and the template.

A header is recognised by its folded text (case, accents, spaces, ``_`` and
``-`` ignored), in English, Russian, Czech or Chinese, or as the translated
label the product form shows. Kinds and fuels are read by key (``vehicle``)
or by their label in any of the four languages; "active" by yes/no words.
"""

from __future__ import annotations

from functools import cache

from forecourt import fold, import_choice_keys, import_header_key
from forecourt import lazy_gettext as _l
from plugins.orders.catalogue.fields import FUELS, KINDS, LABELS

#: the columns, in the template's order; sku is required, the rest optional
COLUMNS = ("sku", "name", "kind", "base_price", "currency", "unit", "active", "vin", "model", "trim", "fuel",
           "colour", "year", "mileage", "warehouse", "quantity")
PRODUCT_COLUMNS = COLUMNS[:14]

COLUMN_LABELS = {**{k: LABELS[k] for k in ("sku", "base_price", "unit", "vin", "model", "trim", "colour", "year",
                                           "mileage", "quantity")},
                 "name": LABELS["name"], "kind": _l("Kind"), "currency": _l("Currency"), "active": _l("Active"),
                 "fuel": _l("Fuel"), "warehouse": _l("Warehouse")}

#: what each column is called in files people make (beside the key itself and the form's labels)
_ALIASES: dict[str, tuple[str, ...]] = {
    "sku": ("code", "article", "part number", "артикул", "код", "kód", "kod", "katalogové číslo", "货号", "编号",
            "商品编码"),
    "name": ("product", "title", "название", "наименование", "товар", "název", "jméno", "名称", "品名", "商品名称"),
    "kind": ("type", "вид", "тип", "druh", "typ", "类型", "种类"),
    "base_price": ("price", "базовая цена", "цена", "cena", "základní cena", "价格", "基础价格", "基本价格"),
    "currency": ("валюта", "měna", "货币", "币种"),
    "unit": ("единица", "ед.", "ед. изм.", "jednotka", "单位"),
    "active": ("enabled", "активен", "активный", "aktivní", "启用", "有效"),
    "vin": ("vin-код", "вин", "车架号", "车辆识别号"),
    "model": ("модель", "型号", "车型"),
    "trim": ("комплектация", "výbava", "配置"),
    "fuel": ("топливо", "palivo", "燃料", "燃油"),
    "colour": ("color", "цвет", "barva", "颜色"),
    "year": ("год", "rok", "年份", "年款"),
    "mileage": ("km", "пробег", "najeto", "nájezd", "里程"),
    "warehouse": ("store", "склад", "sklad", "仓库"),
    "quantity": ("qty", "on hand", "количество", "кол-во", "остаток", "množství", "počet", "数量", "库存"),
}

_YES = {"1", "yes", "y", "true", "x", "+", "да", "д", "ano", "是", "有效", "启用"}
_NO = {"0", "no", "n", "false", "-", "нет", "н", "ne", "否", "无效", "停用"}


#: a header as compared (folded, without spaces and punctuation): the core's bulk import rule
header_key = import_header_key


@cache
def headers() -> dict[str, str]:
    """Every accepted header (as :func:`header_key` gives it) -> its column."""
    found = {header_key(k): k for k in COLUMNS}
    for key, aliases in _ALIASES.items():
        for alias in aliases:
            found.setdefault(header_key(alias), key)
    for key, label in import_choice_keys(COLUMN_LABELS).items():
        found.setdefault(key, label)
    found.setdefault(header_key(str(LABELS["warehouse_name"])), "warehouse")
    return found


@cache
def kinds() -> dict[str, str]:
    return import_choice_keys(KINDS)


@cache
def fuels() -> dict[str, str]:
    return import_choice_keys(FUELS)


def choice(cell: str, known: dict[str, str]) -> str:
    """A kind or fuel as written (key or label in any language) -> its key; unknown text is kept (refused later)."""
    return known.get(header_key(cell), cell.strip())


def active(cell: str) -> str | None:
    """A yes/no cell -> "1" or ""; None when it is neither."""
    word = fold(cell.strip())
    if word in _YES:
        return "1"
    if word in _NO:
        return ""
    return None


#: the template's example rows (the file anyone can download and fill in)
EXAMPLE = (
    {"sku": "CAR-408-01", "name": "Peugeot 408 GT", "kind": "vehicle", "base_price": "39990.00", "currency": "EUR",
     "unit": "pcs", "active": "yes", "vin": "VR3F4DGZTSY067890", "model": "Peugeot 408", "trim": "GT",
     "fuel": "hybrid", "colour": "Obsession Blue", "year": "2025", "mileage": "0", "warehouse": "Main warehouse",
     "quantity": "1"},
    {"sku": "ACC-MAT-01", "name": "Floor mats", "kind": "accessory", "base_price": "59.90", "currency": "EUR",
     "unit": "set", "active": "yes", "vin": "", "model": "", "trim": "", "fuel": "", "colour": "", "year": "",
     "mileage": "", "warehouse": "Main warehouse", "quantity": "12"},
)
