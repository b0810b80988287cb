"""Notes -> Settings: a settings page declared as data, as a partner plugin writes one (kept in memory)."""

from typing import Any

from forecourt import SettingField, SettingsPage
from forecourt import lazy_gettext as _l

#: dealer id -> saved values; a real plugin keeps them in its own table
STORE: dict[int, dict[str, Any]] = {}


async def load(dealer_id: int) -> dict[str, Any]:
    return STORE.get(dealer_id, {"signature": "", "per_page": 20, "order": "newest", "shout": False})


async def save(ctx: Any, values: dict[str, Any]) -> None:
    STORE[ctx.dealer_id] = values


def _no_shouting(value: str) -> str | None:
    return "No capitals only, please." if value and value.isupper() else None


SETTINGS = SettingsPage(
    plugin="notes", title=_l("Notes"), load=load, save=save, permission="notes.write",
    fields=(
        SettingField("signature", _l("Signature"), "text", limit=20, required=True, check=_no_shouting,
                     help=_l("Below every note.")),
        SettingField("per_page", _l("Notes per page"), "integer", minimum=5, maximum=100),
        SettingField("order", _l("Order"), "choice", choices=(("newest", _l("Newest first")),
                                                              ("oldest", _l("Oldest first")))),
        SettingField("shout", _l("Shout"), "bool"),
    ),
)
