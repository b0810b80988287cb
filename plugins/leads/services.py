"""The leads plugin's operations (its views and hooks use them; other plugins may, when they require leads)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from forecourt import (
    Context,
    Message,
    ValidationFailed,
    append_history,
    call_hook,
    create_entity,
    dealer_users,
    history_change,
    hook_implemented,
    now,
    parse_phone,
    read_id,
    transaction,
    update_entity,
)
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.leads.entity import ENTITY as ENTITY  # part of this public service API
from plugins.leads.fields import clean
from plugins.leads.listing import LIST_COLUMNS, PAGE_SIZE, search  # noqa: F401 - the list lives in listing.py
from plugins.leads.tables import Lead


async def get(dealer_id: int, lead_id: int) -> dict[str, Any] | None:
    return await Lead.scoped(dealer_id).select().where(Lead.id == lead_id).first()


def clean_or_raise(raw: dict[str, Any], language: str = "") -> dict[str, Any]:
    """The lead's column values from a form, or :class:`ValidationFailed` with every problem."""
    values, errors = clean(raw, language)
    if errors:
        raise ValidationFailed(errors)
    return values


async def create(ctx: Context, raw: dict[str, Any], language: str = "", assign_to_me: bool = True,
                 assignee: dict[str, Any] | None = None, extra: dict[str, Any] | None = None) -> Lead:
    """A new lead in status New. Leads made by a user are theirs; web and import leads go to ``assignee``
    (``{"id", "name"}``, e.g. whose turn it is) or start unassigned. ``extra``: columns no form has
    (``client_ip``, ``external_ref``), written in the same insert."""
    return await insert(ctx, clean_or_raise(raw, language), raw, assign_to_me=assign_to_me, assignee=assignee,
                        extra=extra)


async def insert(ctx: Context, values: dict[str, Any], raw: dict[str, Any] | None = None, *,
                 assign_to_me: bool = True, assignee: dict[str, Any] | None = None,
                 extra: dict[str, Any] | None = None, before: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
                 | None = None, after: Callable[[Lead], Awaitable[None]] | None = None) -> Lead:
    """:func:`create` with values already read (:func:`plugins.leads.fields.read`).

    ``before(values)`` runs in the insert's transaction before the row is
    written and returns columns to add (e.g. whose turn it is); ``after(row)``
    runs in the same transaction after it (its history, its reminder): all of
    it is written, or none of it.
    """
    raw = raw or {}
    values = dict(values)
    moment = now()
    values.update(created_at=moment, updated_at=moment, created_by=ctx.user_id, **(extra or {}))
    if assign_to_me and ctx.user_id is not None:
        values.update(assignee_id=ctx.user_id, assignee_name=ctx.user_name)
    elif assignee is not None:
        values.update(assignee_id=assignee["id"], assignee_name=assignee["name"])
    customer = str(raw.get("customer_id") or "").strip()
    if customer:
        customer_id = read_id(customer)
        found = await customer_of(ctx, customer_id) if customer_id is not None else None
        if found is None:
            raise ValidationFailed({"customer_id": _("This customer was not found among your dealer's customers.")})
        values["customer_id"] = found["id"]
    return await create_entity(ctx, Lead, ENTITY, values, extra=after, complete=before)


async def customer_of(ctx: Context, customer_id: int) -> dict[str, Any] | None:
    """The dealer's customer ``customer_id`` (through the customers plugin), or None (not theirs, or customers off)."""
    if not hook_implemented("customers_get", ctx):
        return None
    return await call_hook("customers_get", ctx=ctx, customer_id=customer_id)


async def assign(ctx: Context, lead_id: int, user_id: int | None, users: dict[int, str] | None = None) -> None:
    """Make ``user_id`` responsible for the lead (``None``: unassigned); the change goes to the history.

    ``users`` (id -> name of the dealer's users) spares the lookup when several leads are assigned.
    """
    lead = await get(ctx.dealer_id, lead_id)
    if lead is None:
        raise LookupError(lead_id)
    if users is None:
        users = {u["id"]: u["name"] for u in await dealer_users(ctx.dealer_id)}
    if user_id is not None and user_id not in users:
        raise ValidationFailed({"assignee": _("Choose one of the dealer's users.")})
    name = users.get(user_id, "") if user_id is not None else ""

    async def recorded(_row: Lead) -> None:  # also when it stays with the same person: someone decided so
        await append_history(ctx, ENTITY, lead_id, "change", Message("Assigned"),
                             {"changes": [history_change(_l("Assignee"), lead["assignee_name"], name)]})

    if await update_entity(ctx, Lead, ENTITY, lead_id, {"assignee_id": user_id, "assignee_name": name,
                                                         "updated_at": now()}, extra=recorded) is None:
        raise LookupError(lead_id)


async def assign_many(ctx: Context, lead_ids: list[int], user_id: int | None) -> int:
    """Assign several of the dealer's leads at once: all or none (an id that is not the dealer's: LookupError)."""
    wanted = list(dict.fromkeys(lead_ids))
    users = {u["id"]: u["name"] for u in await dealer_users(ctx.dealer_id)}
    async with transaction():
        for lead_id in wanted:
            await assign(ctx, lead_id, user_id, users)
    return len(wanted)


def can_create_customer(ctx: Context) -> bool:
    """Whether the customers plugin's ``customers_create`` service is on for this dealer."""
    return hook_implemented("customers_create", ctx)


async def create_customer(ctx: Context, lead_id: int) -> dict[str, Any] | None:
    """A potential customer from the lead's contact data, linked to the lead (None: customers is off).

    Goes through the customers plugin's ``customers_create`` hook (leads does not require customers);
    its ``ValidationFailed`` or ``Forbidden`` reach the caller, and then nothing is written.
    """
    lead = await get(ctx.dealer_id, lead_id)
    if lead is None:
        raise LookupError(lead_id)
    if not can_create_customer(ctx):
        return None
    values = {"name": f"{lead['first_name']} {lead['surname']}".strip(), "phone": lead["phone"],
              "email": lead["email"], "intended_model": lead["model"], "source": "lead"}
    customer = await call_hook("customers_create", ctx=ctx, values=values)
    if customer:
        linked = f"#{customer['number']} {customer['name']}"

        async def recorded(_row: Lead) -> None:  # the link and its history row together
            await append_history(ctx, ENTITY, lead_id, "change", Message("Customer created from the lead"), {
                "changes": [history_change(_l("Customer"), "", linked)]})

        await update_entity(ctx, Lead, ENTITY, lead_id, {"customer_id": customer["id"], "updated_at": now()},
                            extra=recorded)
    return customer


async def matches(ctx: Context, *, phone: str = "", email: str = "", surname: str = "",
                  exclude_id: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """Existing leads of the dealer (and customers, when that plugin is on) with this phone or e-mail."""
    conditions = []
    parsed = parse_phone(phone, ctx.dealer_language) if phone else None
    if parsed:
        conditions.append(Lead.phone_rev == parsed.digits[::-1])
    if email.strip():
        conditions.append(Lead.email_key == email.strip().lower())
    leads: list[dict[str, Any]] = []
    if conditions:
        where = conditions[0]
        for condition in conditions[1:]:
            where = where | condition
        query = Lead.scoped(ctx.dealer_id).select(Lead.id, Lead.surname, Lead.first_name, Lead.phone, Lead.email,
                                                  Lead.status, Lead.model).where(where)
        if exclude_id:
            query = query.where(Lead.id != exclude_id)
        leads = await query.limit(5)
    customers: list[dict[str, Any]] = []
    if hook_implemented("customers_matches", ctx):
        customers = await call_hook("customers_matches", ctx=ctx, phone=phone, email=email,
                                             name=surname)
    return {"leads": leads, "customers": customers}


async def for_customer(dealer_id: int, customer_id: int) -> list[dict[str, Any]]:
    return await Lead.scoped(dealer_id).select(*LIST_COLUMNS).where(Lead.customer_id == customer_id).order_by(
        Lead.created_at, ascending=False)
