"""The payments panel of an order: its payments with their statuses and dates, paid / due, the add form.

The order card includes ``orders/payments/_panel.html`` with the variable
``payments`` set to ``await context(ctx, order)``. The panel needs nothing
else from the card (it reads ``csrf_token`` from the page, as every form
does). Its status buttons post to the core's workflow route
(``/workflow/orders.payment/<id>/<transition>``), so the engine alone
writes statuses and stamps; ``next`` brings the user back to the card.
"""

from __future__ import annotations

from typing import Any

from forecourt import Context
from forecourt import lazy_gettext as _l
from plugins.orders.machines import PAYMENT_MACHINE
from plugins.orders.payments import services

#: the dates a payment's statuses stamp (manual 002), in the order they happen
STAMP_LABELS: dict[str, Any] = {
    "hold_at": _l("Hold date"),
    "held_at": _l("Hold / handed over"),
    "paid_at": _l("Payment date"),
    "prepaid_at": _l("Prepayment date"),
    "hold_released_at": _l("Out of hold / handed over"),
    "markup_at": _l("Markup computed"),
    "refunded_at": _l("Money refunded"),
    "prepaid_released_at": _l("Out of prepayments"),
    "markup_returned_at": _l("Markup returned"),
}


def _value(order: Any, key: str) -> Any:
    return order[key] if isinstance(order, dict) else getattr(order, key)


def actions(ctx: Context, status: str) -> list[Any]:
    """The payment transitions the user may apply from ``status`` now."""
    return [t for t in PAYMENT_MACHINE.transitions if status in t.sources
            and (t.permission is None or ctx.can(t.permission))]


async def context(ctx: Context, order: Any, next_url: str = "", values: dict[str, str] | None = None,
                  errors: dict[str, str] | None = None) -> dict[str, Any]:
    """What ``_panel.html`` shows for ``order`` (a row or a dict of the dealer's order).

    ``next_url`` is where the panel's forms come back to (default: the order
    card ``/orders/<id>``); ``values``/``errors`` refill the add form after a
    refusal.
    """
    order_id = _value(order, "id")
    rows = await services.for_order(ctx.dealer_id, order_id)
    can_edit = ctx.can("orders.sell")
    shown = [{**row, "actions": actions(ctx, row["status"]) if can_edit else [],
              "stamps": [(label, row[key]) for key, label in STAMP_LABELS.items() if row.get(key)]}
             for row in rows]
    method = _value(order, "payment_method") or ""
    return {
        "order_id": order_id,
        "currency": _value(order, "currency") or "",
        "rows": shown,
        "summary": services.summarise(_value(order, "total"), rows),
        "methods": services.METHODS,
        "can_edit": can_edit,
        "documents": method == "bank_transfer",
        "next": next_url or f"/orders/{order_id}",
        "input": values or {"method": method if method in services.METHODS else "cash"},
        "errors": errors or {},
    }
