"""Hooks the customers plugin offers to other plugins."""

from __future__ import annotations

from typing import Any

from forecourt import hookspec


@hookspec
def customers_held_records(ctx: Any, customer_id: int) -> list[Any]:
    """Return what you keep about a customer: ``{"plugin", "label", "count", "url", "kept"}`` dicts (or
    :class:`plugins.customers.services.HeldRecords`).

    Called, in the acting user's context and only for plugins the dealer has
    enabled, when a customer's delete page is shown and again when the delete
    is sent. The page lists what you return, under one of two headings:

    * ``"kept": True`` — your records stay, only unlinked from the customer
      (your ``customers_delete_records`` unlinks them). They never stop a
      delete.
    * ``"kept": False`` (the default) — your records are deleted with the
      customer. The delete is refused until the dealer's administrator ticks
      "Also delete these records".

    Return ``[]`` when you hold nothing for ``customer_id``.
    """


@hookspec
def customers_delete_records(ctx: Any, customer_id: int) -> None:
    """Delete or unlink your records about a customer that is being deleted, as you declared them.

    Called inside the delete's transaction, in the acting user's context,
    for every enabled plugin, once the delete is allowed: delete the records
    you reported with ``"kept": False`` and unlink those reported as kept.
    Raising rolls the whole delete back.
    """


@hookspec
def customers_blacklist_changed(ctx: Any, customer_id: int, blacklisted: bool, reason: str) -> None:
    """A customer was put on or taken off the blacklist (committed).

    Called after the commit, isolated, only for enabled plugins — e.g. the
    orders plugin re-marks the customer's orders.
    """


@hookspec
def customers_matches(ctx: Any, phone: str, email: str, name: str) -> list[Any]:
    """Return existing customers with this phone, e-mail or name (any formatting) as dicts.

    Implemented by the customers plugin itself, so that plugins that do not
    require customers (leads' duplicate check) can ask through the hook and
    get ``[]`` when the dealer has customers off. Each dict has ``id``,
    ``number``, ``name``, ``phone``, ``email``, ``url``.
    """


@hookspec(firstresult=True)
def customers_get(ctx: Any, customer_id: int) -> Any:
    """The dealer's customer ``customer_id`` as ``{"id", "number", "name", "url"}``, or ``None``.

    Implemented by the customers plugin itself, so that a plugin that does
    not require customers can check an id it was sent before linking a row
    to it (an id from a form is no proof that it is this dealer's customer).
    Called in the acting user's context, where the dealer has customers on;
    ``None`` for another dealer's, an unknown or an invalid (hidden) customer.
    """


@hookspec
def customers_create(ctx: Any, values: dict[str, Any]) -> Any:
    """Create a potential customer and return ``{"id", "number", "name", "url"}``.

    Implemented by the customers plugin itself, so that a plugin that does not
    require customers can create one where the dealer has customers on (leads:
    "Create a customer from this lead"); call it through
    ``registry().caller("customers_create", ctx.modules)`` — errors must reach
    you. ``values`` may hold ``name``, ``phone``, ``email``,
    ``intended_model`` and ``source`` (default ``"other"``); the customer is
    potential and warm. Called in the acting user's context: raises
    :class:`forecourt.Forbidden` without ``customers.edit`` and
    :class:`forecourt.ValidationFailed` (field -> message) for data the
    customer form would refuse. The write is committed when it returns.
    """
