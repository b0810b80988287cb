"""The dealer's exchange rates for the customer pages (maintained by the dealer admin in the plugin's settings).

A rate says 1 unit of ``source`` is ``rate`` units of ``target``. Only rates
the dealer entered are used — never one inferred through a third currency
nor the inverse of another — so a price shown converted is one the dealer
stands behind; a product with no rate into the customer's currency is shown
in its own currency.

The save side (the dealer admin's settings) guarantees: both codes are among
:data:`CURRENCIES` (those Forecourt offers customers and products) and
differ; a rate is above zero and fits the column (up to 6 places); one row
per pair, written with ``INSERT … ON CONFLICT`` (saving a pair again changes
its rate).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from forecourt import Context, FieldReader, lazy_pgettext, now
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.quicklinks.tables import Rate

#: the currencies a rate may name: those customers and products can be in (the customers' and orders' choices)
CURRENCIES = ("EUR", "CZK", "RUB", "CNY", "USD")


async def table(dealer_id: int) -> dict[tuple[str, str], Decimal]:
    """``{(source, target): rate}`` of the dealer (a few rows: read once per page)."""
    # hand-written: every shop request reads it
    rows = await Rate.raw("SELECT source, target, rate FROM quicklinks_rate WHERE dealer_id = {}", dealer_id)
    return {(r["source"], r["target"]): Decimal(str(r["rate"])) for r in rows}


async def listed(dealer_id: int) -> list[dict[str, Any]]:
    """The dealer's rates for the settings page, by pair."""
    return await Rate.scoped(dealer_id).select().order_by(Rate.source).order_by(Rate.target)


def shown(rate: Any) -> str:
    """A rate as the form shows it to be typed again: every place it has, no trailing zeros ("0.085", "25")."""
    value = Decimal(str(rate)).normalize()
    return format(value.quantize(Decimal(1)) if value == value.to_integral() else value, "f")


def read(data: dict[str, Any], pair: bool = True) -> tuple[dict[str, Any], dict[str, str]]:
    """A rate from the settings form: ``source``, ``target`` (if ``pair``) and ``rate``; field -> message."""
    form = FieldReader(data)
    values: dict[str, Any] = {}
    if pair:
        for key, label in (("source", lazy_pgettext("currency", "From")), ("target", lazy_pgettext("currency", "To"))):
            code = form.text(key, label, 3).upper()
            if key not in form.errors and code not in CURRENCIES:
                form.errors[key] = _("%(field)s: choose one of the currencies offered.") % {"field": label}
            values[key] = code
        if not form.errors and values["source"] == values["target"]:
            form.errors["target"] = _("A rate converts between two different currencies.")
    values["rate"] = form.decimal("rate", _l("Rate"), Rate.rate)
    if "rate" not in form.errors and (values["rate"] is None or values["rate"] <= 0):
        form.errors["rate"] = _("Rate: enter a number above zero.")
    return values, form.errors


async def save(ctx: Context, source: str, target: str, rate: Decimal) -> None:
    """Set the dealer's rate for the pair (added, or changed if the pair is there); the caller read it."""
    if source not in CURRENCIES or target not in CURRENCIES or source == target or not rate > 0:
        raise ValueError(f"not a rate: {source}->{target} {rate}")
    row = Rate.scoped(ctx.dealer_id).new(source=source, target=target, rate=rate, updated_at=now())
    await Rate.insert(row).on_conflict(target=(Rate.dealer_id, Rate.source, Rate.target), action="DO UPDATE",
                                       values=[Rate.rate, Rate.updated_at])


async def change(ctx: Context, rate_id: int, rate: Decimal) -> bool:
    """Change one of the dealer's rates; ``False`` if it has no such row."""
    if not rate > 0:
        raise ValueError(f"not a rate: {rate}")
    done = await Rate.scoped(ctx.dealer_id).update({Rate.rate: rate, Rate.updated_at: now()}).where(
        Rate.id == rate_id).returning(Rate.id)
    return bool(done)


async def delete(ctx: Context, rate_id: int) -> bool:
    """Delete one of the dealer's rates; ``False`` if it has no such row."""
    return bool(await Rate.scoped(ctx.dealer_id).delete().where(Rate.id == rate_id).returning(Rate.id))
