"""Orders -> Settings, for dealer administrators: the limits above which an order waits for approval (manual 004).

An order whose total is above the amount, or with an item discounted above
the percentage, waits for a dealer administrator's approval before it can be
confirmed (:mod:`plugins.orders.sales.approval`). An empty field is no limit.
"""

from __future__ import annotations

from decimal import Decimal

from forecourt import SettingField, SettingsPage
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.orders.sales import approval


def _percent(value: Decimal | None) -> str | None:
    return _("A discount is at most 100 %.") if value is not None and value > 100 else None


SETTINGS = SettingsPage(
    plugin="orders", title=_l("Order settings"), load=approval.limits, save=approval.save_limits,
    fields=(
        SettingField("approval_amount", _l("Orders above this total wait for approval"), "decimal",
                     digits=(14, 2), money=True,
                     help=_l("Leave empty for no limit. A dealer administrator approves such an order before it "
                             "can be confirmed.")),
        SettingField("approval_discount_pct", _l("Orders with a discount above this percentage wait for approval"),
                     "decimal", digits=(5, 2), check=_percent,
                     help=_l("Leave empty for no limit. Changing an approved order's items opens the review "
                             "again.")),
    ),
)
