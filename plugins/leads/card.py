"""The lead's card: what it shows, what it lets people change, and the actions on it.

Assigning, making a customer and handing the lead over answer on the card:
a refusal shows the card again with the error (422), a success redirects to it.
"""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import (
    FieldReader,
    ValidationFailed,
    dealer_users,
    flash,
    now,
    page,
    read_id,
    requires,
    timeline_panel,
    update_entity,
    workflow_panel,
)
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from forecourt.isolation import ISOLATION_GIVES
from plugins.leads import api, fields, handover, services
from plugins.leads.api.adf import DETAIL_LABELS
from plugins.leads.tables import Lead


async def _card(request: Request, lead_id: int, errors: dict[str, str] | None = None, status: int = 200) -> Response:
    ctx = request.state.ctx
    lead = await services.get(ctx.dealer_id, lead_id)
    if lead is None:
        raise NotFoundException()
    return await page(request, "leads/card.html", {
        "lead": lead, "fields": fields, "errors": errors or {}, "users": await dealer_users(ctx.dealer_id),
        "workflow": await workflow_panel(request, "leads.lead", lead) if ctx.can("leads.edit") else "",
        "timeline": await timeline_panel(request, services.ENTITY, lead_id),
        "same": await services.matches(ctx, phone=lead["phone"], email=lead["email"], exclude_id=lead_id),
        "can_edit": ctx.can("leads.edit"), "can_assign": ctx.can("leads.assign"),
        "can_create_customer": ctx.can("leads.edit") and services.can_create_customer(ctx),
        "dealers": await handover.other_dealers(ctx) if ctx.can("leads.edit") else [],
        "received": await api.record_of(ctx.dealer_id, lead_id), "detail_labels": DETAIL_LABELS,
    }, status_code=status)


@get("/{lead_id:int}", guards=[requires("leads.view")])
async def show_lead(request: Request, lead_id: FromPath[int]) -> Response:
    return await _card(request, lead_id)


@post("/{lead_id:int}", guards=[requires("leads.edit")])
async def edit_lead(request: Request, lead_id: FromPath[int]) -> Response:
    """What the card lets people change (manual 000): version, trim, city. Status moves only by the machine."""
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    form = FieldReader(data)
    values = {k: form.text(k, fields.LABELS[k], getattr(Lead, k)) for k in ("version", "trim", "city")}
    if form.errors:
        return await _card(request, lead_id, form.errors, 422)
    row = await update_entity(request.state.ctx, Lead, services.ENTITY, lead_id, {**values, "updated_at": now()},
                              history={"version": _l("Version"), "trim": _l("Trim"), "city": _l("City")})
    if row is None:
        raise NotFoundException()
    return flash(Redirect(f"/leads/{lead_id}", status_code=303), _("Lead saved."))


@post("/{lead_id:int}/assign", guards=[requires("leads.assign")])
async def assign_lead(request: Request, lead_id: FromPath[int]) -> Response:
    data = await request.form()
    try:
        await services.assign(request.state.ctx, lead_id, read_id(data.get("assignee")))
    except LookupError:
        raise NotFoundException() from None
    except ValidationFailed as exc:
        return await _card(request, lead_id, exc.errors, 422)
    return flash(Redirect(f"/leads/{lead_id}", status_code=303), _("Lead assigned."))


@post("/{lead_id:int}/customer", guards=[requires("leads.edit")])
async def create_customer(request: Request, lead_id: FromPath[int]) -> Response:
    """A potential customer from the lead's contact data (where the dealer has customers on)."""
    try:
        customer = await services.create_customer(request.state.ctx, lead_id)
    except LookupError:
        raise NotFoundException() from None
    except ValidationFailed as exc:
        return await _card(request, lead_id, exc.errors, 422)
    if customer is None:
        raise NotFoundException()
    return flash(Redirect(f"/leads/{lead_id}", status_code=303),
                 _("Customer #%(number)s created and linked to the lead.") % {"number": customer["number"]})


@post("/{lead_id:int}/hand-over", guards=[requires("leads.edit")],
      opt={ISOLATION_GIVES: "hands one of our leads to the customer's preferred dealer"})
async def hand_over_lead(request: Request, lead_id: FromPath[int]) -> Response:
    """The customer prefers another dealer: the lead moves there (see :mod:`plugins.leads.handover`)."""
    chosen = read_id((await request.form()).get("preferred_dealer"))
    try:
        name = await handover.hand_over(request.state.ctx, lead_id, chosen)
    except LookupError:
        raise NotFoundException() from None
    except ValidationFailed as exc:
        return await _card(request, lead_id, exc.errors, 422)
    return flash(Redirect("/leads/", status_code=303), _("The lead was handed over to %(dealer)s.") % {"dealer": name})


ROUTES = [show_lead, edit_lead, assign_lead, create_customer, hand_over_lead]
