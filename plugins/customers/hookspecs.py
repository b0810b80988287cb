"""Hooks the customers plugin offers to other plugins."""

from __future__ import annotations

from typing import Any

from forecourt import hookspec


@hookspec
def customers_held_records(ctx: Any, customer_id: int) -> list[Any]:
    """Return what you keep about a customer: ``{"plugin", "label", "count", "url"}`` dicts (or
    :class:`plugins.customers.services.HeldRecords`).

    Called, in the acting user's context and only for plugins the dealer has
    enabled, before a customer is deleted: while any plugin returns records,
    the delete is refused and the list is shown (a dealer admin may confirm a
    cascade, see ``customers_delete_records``). Return ``[]`` when you hold
    nothing for ``customer_id``.
    """


@hookspec
def customers_delete_records(ctx: Any, customer_id: int) -> None:
    """Delete (or detach) your records about a customer that is being deleted.

    Called inside the delete's transaction after a dealer administrator
    confirmed the cascade listed by ``customers_held_records``, in their
    context, only for enabled plugins. Raising rolls the whole delete back.
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
