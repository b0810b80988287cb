"""Hooks the customers plugin offers to other plugins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from forecourt import HookKind, HookScope, hookspec

if TYPE_CHECKING:
    from forecourt import Context
    from plugins.customers.services import HeldRecords


@hookspec(HookKind.CONTRIBUTION, HookScope.DEALER)
def customers_held_records(ctx: Context, customer_id: int) -> list[HeldRecords | dict[str, Any]]:
    """Return what you keep about a customer, or ``[]`` when you hold nothing for ``customer_id``.

    Called when a customer's delete page is shown and again when the delete
    is sent. Each item is a ``HeldRecords`` (from ``plugins.customers.services``)
    or a dict with the same keys: ``plugin``, ``label``, ``count``, ``url``,
    ``kept``. The page lists them under one of two headings:

    * ``"kept": True`` — your records stay, only unlinked from the customer
      (your ``customers_delete_records`` unlinks them). They never stop a
      delete.
    * ``"kept": False`` (the default) — your records are deleted with the
      customer. The delete is refused until the dealer's administrator ticks
      "Also delete these records".

    :param ctx: the acting user's context.
    :param customer_id: the customer about to be deleted, of ``ctx``'s dealer.
    """


@hookspec(HookKind.TASK, HookScope.DEALER)
def customers_delete_records(ctx: Context, customer_id: int) -> None:
    """Delete or unlink your records about a customer that is being deleted, as you declared them.

    Called inside the delete's transaction, once the delete is allowed:
    delete the records you reported with ``"kept": False`` and unlink those
    reported as kept. Raising rolls the whole delete back.

    :param ctx: the acting user's context.
    :param customer_id: the customer being deleted.
    """


@hookspec(HookKind.NOTIFICATION, HookScope.DEALER)
def customers_blacklist_changed(ctx: Context, customer_id: int, blacklisted: bool, reason: str) -> None:
    """A customer was put on or taken off the blacklist (committed) — e.g. the orders plugin re-marks their orders.

    :param ctx: the acting user's context.
    :param customer_id: the customer.
    :param blacklisted: ``True``: now on the blacklist; ``False``: taken off it.
    :param reason: the reason the user typed (as typed), ``""`` when taken off.
    """


@hookspec(HookKind.CONTRIBUTION, HookScope.DEALER)
def customers_matches(ctx: Context, phone: str, email: str, name: str) -> list[dict[str, Any]]:
    """Return the dealer's existing customers with this phone, e-mail or name (any formatting).

    Implemented by the customers plugin itself, so that plugins that do not
    require customers (leads' duplicate check) can ask through the hook
    (``hook_implemented("customers_matches", ctx)`` first). Each dict has
    ``id``, ``number``, ``name``, ``phone``, ``email``, ``url``.

    :param ctx: the acting user's context.
    :param phone: a phone number as typed (``""``: not asked).
    :param email: an e-mail address (``""``: not asked).
    :param name: a surname or name (``""``: not asked).
    """


@hookspec(HookKind.SERVICE, HookScope.DEALER)
def customers_get(ctx: Context, customer_id: int) -> dict[str, Any] | None:
    """The dealer's customer ``customer_id`` as ``{"id", "number", "name", "url", "blacklisted"}``, or ``None``.

    Implemented by the customers plugin itself, so that a plugin that does
    not require customers can check an id it was sent before linking a row
    to it (an id from a form is no proof that it is this dealer's customer).
    ``None`` for another dealer's, an unknown or an invalid (hidden) customer,
    and where the dealer has customers off.

    :param ctx: the acting user's context.
    :param customer_id: the id to check.
    """


@hookspec(HookKind.SERVICE, HookScope.DEALER)
def customers_create(ctx: Context, values: dict[str, Any]) -> dict[str, Any] | None:
    """Create a potential, warm customer and return ``{"id", "number", "name", "url"}``.

    Implemented by the customers plugin itself, so that a plugin that does not
    require customers can create one where the dealer has customers on (leads:
    "Create a customer from this lead"): ask ``hook_implemented("customers_create",
    ctx)``, then ``await call_hook("customers_create", ctx=ctx, values=...)``.
    Raises ``Forbidden`` without ``customers.edit`` and ``ValidationFailed``
    (field -> message) for data the customer form would refuse; the write is
    committed when it returns.

    :param ctx: the acting user's context.
    :param values: may hold ``name``, ``phone``, ``email``, ``intended_model`` and ``source``
        (default ``"other"``).
    """


@hookspec(HookKind.SERVICE, HookScope.DEALER)
def customers_blacklist(ctx: Context, customer_ids: list[int]) -> dict[int, str] | None:
    """Which of these customers of the dealer are on the blacklist: ``{customer id: reason}``.

    Implemented by the customers plugin itself, so that a plugin that links
    rows to customers can mark those of blacklisted customers (the orders
    list highlights their orders) with one query for a whole page of rows.
    Ids of other dealers' or unknown customers are simply not in the
    answer; ``None`` where the dealer has customers off.

    :param ctx: the acting user's context.
    :param customer_ids: the customer ids to look up (at most a page's worth; duplicates are fine).
    """
