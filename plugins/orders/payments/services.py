"""Payments of an order: adding them, reading them, what is paid and due, and the totals per period.

The public service of payments (the order card, reports and other plugins
use it; the views here do too). Guarantees:

* every read and write is for one dealer: an order or payment of another
  dealer is "not there" (``LookupError``), never read or written;
* a payment is written through the core's entity service (vetoes, history,
  notifications) with the order's currency; its status and the dates the
  statuses stamp belong to the workflow engine: change them with
  :func:`change_status` (or the card's buttons), never by a write;
* amounts are ``Decimal``; ``paid`` is the sum of the payments whose money
  was received, ``due`` the order's total minus that, never below 0; held,
  unpaid and refunded payments do not count as paid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from forecourt import (
    Context,
    FieldError,
    Message,
    Period,
    ValidationFailed,
    append_history,
    apply_transition,
    create_entity,
    day_start,
    now,
    read_decimal,
    read_text,
)
from forecourt import lazy_gettext as _l
from plugins.orders.entity import ORDER
from plugins.orders.entity import PAYMENT as PAYMENT  # part of this public service API
from plugins.orders.machines import PAYMENT_MACHINE
from plugins.orders.sales.fields import PAYMENT_METHODS
from plugins.orders.tables import Order, Payment

#: the ways to pay: the same keys and labels as the order's payment method
METHODS: dict[str, Any] = PAYMENT_METHODS
#: where the money of each method lands: the cash desk or the bank account
DESK = {"cash": "cash", "card": "cash", "bank_transfer": "bank", "online": "bank"}
ZERO = Decimal("0.00")


def _money(value: Any) -> Decimal:
    return Decimal(str(value if value is not None else 0)).quantize(Decimal("0.01"))


# --- reading ---------------------------------------------------------------------------------------


async def get_order(dealer_id: int, order_id: int) -> dict[str, Any] | None:
    """The dealer's order as a dict, or ``None`` (another dealer's order is not there)."""
    return await Order.scoped(dealer_id).select().where(Order.id == order_id).first()


async def get(dealer_id: int, payment_id: int) -> dict[str, Any] | None:
    """The dealer's payment as a dict, or ``None``."""
    return await Payment.scoped(dealer_id).select().where(Payment.id == payment_id).first()


async def for_order(dealer_id: int, order_id: int) -> list[dict[str, Any]]:
    """The order's payments, oldest first."""
    return await Payment.scoped(dealer_id).select().where(Payment.order_id == order_id).order_by(
        Payment.created_at).order_by(Payment.id)


@dataclass(frozen=True)
class Summary:
    """What an order's payments add up to (in the order's currency)."""

    total: Decimal  #: the order's total
    paid: Decimal  #: money received
    held: Decimal  #: paid by the customer, not yet on the dealer's desk or account
    refunded: Decimal  #: given back
    due: Decimal  #: total - paid, never below 0
    overpaid: Decimal  #: paid - total when more came in than the order costs, else 0


def summarise(total: Any, payments: list[dict[str, Any]]) -> Summary:
    """The :class:`Summary` of an order's ``total`` and its ``payments`` (rows of :func:`for_order`)."""
    total = _money(total)
    by_status: dict[str, Decimal] = {}
    for p in payments:
        by_status[p["status"]] = by_status.get(p["status"], ZERO) + _money(p["amount"])
    paid = by_status.get("received", ZERO)
    return Summary(total=total, paid=paid, held=by_status.get("hold", ZERO),
                   refunded=by_status.get("refunded", ZERO), due=max(total - paid, ZERO),
                   overpaid=max(paid - total, ZERO))


async def summary(dealer_id: int, order_id: int) -> Summary:
    """Paid / due of the dealer's order; ``LookupError`` if the dealer has no such order."""
    order = await get_order(dealer_id, order_id)
    if order is None:
        raise LookupError(order_id)
    return summarise(order["total"], await for_order(dealer_id, order_id))


# --- writing ---------------------------------------------------------------------------------------


def clean(raw: dict[str, Any]) -> dict[str, Any]:
    """A payment's amount, method and note as typed; ``ValidationFailed`` with every refusal at once.

    The amount is read as the reader writes numbers ("1 049 900 Kč", "25,000.00",
    "7,5") and must be more than 0.
    """
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    try:
        amount = read_decimal(raw.get("amount"), _l("Amount"), Payment.amount, minimum=Decimal("0.01"),
                              money=True)
        if amount is None:
            errors["amount"] = str(_l("Enter the amount."))
        values["amount"] = amount
    except FieldError as exc:
        errors["amount"] = exc.message
    method = raw.get("method")
    if not isinstance(method, str) or method not in METHODS:
        errors["method"] = str(_l("Choose how the customer pays."))
    values["method"] = method
    try:
        values["note"] = read_text(raw.get("note"), _l("Note"), Payment.note) or ""
    except FieldError as exc:
        errors["note"] = exc.message
    if errors:
        raise ValidationFailed(errors)
    return values


async def add(ctx: Context, order_id: int, amount: Any, method: str, note: str = "") -> Any:
    """Add a payment (status "Not paid") of ``amount`` to the dealer's order, in the order's currency.

    ``amount`` is a ``Decimal`` or text as people type it; it must be more
    than 0. Raises ``ValidationFailed`` (nothing written) for a bad amount,
    method or note, ``LookupError`` when the dealer has no such order. The
    order's history gets a line in the same transaction. Returns the row.
    """
    values = clean({"amount": amount if not isinstance(amount, Decimal) else str(amount), "method": method,
                    "note": note})
    order = await get_order(ctx.dealer_id, order_id)
    if order is None:
        raise LookupError(order_id)
    currency = order["currency"] or ""

    async def history(row: Any) -> None:
        await append_history(ctx, ORDER, order_id, "event",
                             summary=Message("Payment of %(amount)s %(currency)s added (%(method)s)",
                                             amount=str(values["amount"]), currency=currency,
                                             method=METHODS[values["method"]]))

    return await create_entity(ctx, Payment, PAYMENT, {
        "order_id": order_id, "amount": values["amount"], "method": values["method"], "currency": currency,
        "note": values["note"], "created_at": now(), "created_by": ctx.user_id}, extra=history)


async def change_status(ctx: Context, payment_id: int, transition: str, expected_state: str | None,
                        inputs: dict[str, str] | None = None) -> Any:
    """Apply a payment transition ("hold", "receive", "refund") through the workflow engine.

    The engine writes the status and stamps the manual's dates (each once);
    ``Conflict`` when the payment is no longer in ``expected_state`` or the
    transition does not start from its status, ``LookupError`` for another
    dealer's payment.
    """
    return await apply_transition(ctx, PAYMENT_MACHINE, payment_id, transition, expected_state, inputs)


# --- totals per period -----------------------------------------------------------------------------


@dataclass
class Desk:
    """Money in and out of one place (the cash desk or the bank account), per currency."""

    received: dict[str, Decimal] = field(default_factory=dict)
    refunded: dict[str, Decimal] = field(default_factory=dict)
    count: int = 0

    def net(self) -> dict[str, Decimal]:
        codes = sorted(set(self.received) | set(self.refunded))
        return {c: self.received.get(c, ZERO) - self.refunded.get(c, ZERO) for c in codes}


@dataclass
class Totals:
    """The cash desk and the bank account over a period, and the received amounts by method."""

    period: Period
    cash: Desk = field(default_factory=Desk)
    bank: Desk = field(default_factory=Desk)
    by_method: dict[str, dict[str, Decimal]] = field(default_factory=dict)  #: method -> currency -> received


def _add(into: dict[str, Decimal], currency: str, amount: Any) -> None:
    into[currency] = into.get(currency, ZERO) + _money(amount)


async def totals(dealer_id: int, period: Period, default_currency: str = "") -> Totals:
    """Money received and refunded in ``period``, at the cash desk (cash, card) and on the bank account.

    A payment counts as received in the period its money arrived
    (``paid_at``), and stays counted there when it is refunded later; the
    refund counts in the period it was made (``refunded_at``), as money going
    out, when that money had been received (a refunded hold never reached the
    dealer). So a closed period's figures never change.
    """
    totals = Totals(period=period)
    received = await Payment.scoped(dealer_id).select(Payment.method, Payment.amount, Payment.currency).where(
        Payment.status.is_in(["received", "refunded"]) & (Payment.paid_at >= period.start)
        & (Payment.paid_at < period.end))
    for p in received:
        currency = p["currency"] or default_currency
        desk = totals.cash if DESK.get(p["method"]) == "cash" else totals.bank
        _add(desk.received, currency, p["amount"])
        desk.count += 1
        _add(totals.by_method.setdefault(p["method"], {}), currency, p["amount"])
    for p in await refunds(dealer_id, period):
        if p["paid_at"] is not None:
            desk = totals.cash if DESK.get(p["method"]) == "cash" else totals.bank
            _add(desk.refunded, p["currency"] or default_currency, p["amount"])
    return totals


async def refunds(dealer_id: int, period: Period) -> list[dict[str, Any]]:
    """The payments refunded in ``period``, newest first, each with its order's number."""
    rows = await Payment.scoped(dealer_id).select().where(
        (Payment.status == "refunded") & (Payment.refunded_at >= period.start)
        & (Payment.refunded_at < period.end)).order_by(Payment.refunded_at, ascending=False)
    numbers = {}
    if rows:
        numbers = {o["id"]: o["number"] for o in await Order.scoped(dealer_id).select(Order.id, Order.number).where(
            Order.id.is_in(sorted({r["order_id"] for r in rows})))}
    for r in rows:
        r["order_number"] = numbers.get(r["order_id"])
    return rows


def period_of(first: dt.date, last: dt.date) -> Period:
    """Whole days ``first`` .. ``last`` (both included) on the dealer's clock."""
    return Period(day_start(first), day_start(last + dt.timedelta(days=1)))
