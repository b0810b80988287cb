"""Cross-dealer search and transfer (manual 000).

A customer who pre-ordered at dealer A walks into dealer B. B searches the
whole base with surname + first name (required) and the e-mail or (part of)
the mobile number (one of them required); values must match what the
customer entered, whatever the case or phone formatting. Results show only
what B needs to recognise the customer and which dealer has the lead —
never A's comments or history. From a result, B records the contract as
signed with B, then transfers the lead to B; the transfer is refused unless
the status is Contract signed. Both steps go to the history on both sides,
and A's assignee gets a reminder. Nothing else of A's lead is writable by B.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import (
    Conflict,
    Context,
    ValidationFailed,
    append_history,
    apply_transition,
    create_reminder,
    dealer_names,
    digits,
    enabled_modules,
    flash,
    fold,
    now,
    page,
    requires,
    transaction,
    upper_bound,
)
from forecourt import gettext as _
from plugins.leads import services
from plugins.leads.machine import LEAD
from plugins.leads.tables import Lead

FOUND_COLUMNS = (Lead.id, Lead.dealer_id, Lead.surname, Lead.first_name, Lead.model, Lead.status, Lead.created_at,
                 Lead.phone, Lead.email)


def _masked(phone: str) -> str:
    """Enough of a phone to recognise it ("… 45 67"), not enough to harvest it."""
    tail = digits(phone)[-4:]
    return f"… {tail[:2]} {tail[2:]}" if tail else ""


async def find_everywhere(surname: str, first_name: str, email: str = "", phone: str = "") -> list[dict[str, Any]]:
    """Leads of every dealer whose name and e-mail or phone (part) match what the customer entered."""
    errors = {}
    if not surname.strip():
        errors["surname"] = _("Enter the surname.")
    if not first_name.strip():
        errors["first_name"] = _("Enter the first name.")
    fragment = digits(phone)
    if not email.strip() and len(fragment) < 4:
        errors["contact"] = _("Enter the e-mail or at least the last 4 digits of the mobile number.")
    if errors:
        raise ValidationFailed(errors)
    query = Lead.unscoped_select(*FOUND_COLUMNS).where(Lead.name_key == fold(f"{surname} {first_name}"))
    contact = []
    if email.strip():
        contact.append(Lead.email_key == email.strip().lower())
    if len(fragment) >= 4:
        rev = fragment[::-1]
        contact.append((Lead.phone_rev >= rev) & (Lead.phone_rev < upper_bound(rev)))
    query = query.where(contact[0] | contact[1] if len(contact) == 2 else contact[0])
    rows = await query.order_by(Lead.created_at, ascending=False).limit(20)
    names = await dealer_names([r["dealer_id"] for r in rows])
    return [{"id": r["id"], "dealer_id": r["dealer_id"], "dealer": names.get(r["dealer_id"], ""),
             "surname": r["surname"], "first_name": r["first_name"], "model": r["model"], "status": r["status"],
             "created_at": r["created_at"], "phone": _masked(r["phone"]),
             "email": r["email"][:2] + "…@" + r["email"].split("@")[-1] if r["email"] else ""} for r in rows]


async def their_context(ctx: Context, dealer_id: int) -> Context:
    """Act on another dealer's lead as this user of this dealer (named so in that dealer's history)."""
    return Context(dealer_id=dealer_id, user_id=ctx.user_id, user_name=f"{ctx.user_name} ({ctx.dealer_name})",
                   role=ctx.role, dealer_name="", modules=await enabled_modules(dealer_id),
                   permissions=ctx.permissions, locale=ctx.locale)


async def _foreign_lead(lead_id: int) -> dict[str, Any]:
    row = await Lead.unscoped_select(Lead.id, Lead.dealer_id, Lead.status, Lead.surname, Lead.first_name,
                                     Lead.assignee_id).where(Lead.id == lead_id).first()
    if row is None:
        raise NotFoundException()
    return row


async def move_lead(row: dict[str, Any], dealer_id: int, assignee_id: int | None, assignee_name: str,
                expect_status: str | None = None) -> None:
    """Move a lead to ``dealer_id`` (its customer link stays behind: customers are per dealer).

    Only if it is still where (and, if given, in the status) it was read; Conflict otherwise.
    """
    where = (Lead.id == row["id"]) & (Lead.dealer_id == row["dealer_id"]) & (Lead.status == row["status"])
    if expect_status is not None:
        where = where & (Lead.status == expect_status)
    moved = await Lead.update({Lead.dealer_id: dealer_id, Lead.assignee_id: assignee_id,
                               Lead.assignee_name: assignee_name, Lead.customer_id: None,
                               Lead.updated_at: now()}).where(where).returning(Lead.id)
    if not moved:
        raise Conflict(_("Someone else changed this meanwhile. Nothing was saved; look at it again."))


async def sign_for_us(ctx: Context, lead_id: int) -> None:
    """Record that the contract was signed with *our* dealer on another dealer's lead."""
    row = await _foreign_lead(lead_id)
    if row["dealer_id"] == ctx.dealer_id:
        raise Conflict(_("This lead is already yours: record the contract on its card."))
    theirs = await their_context(ctx, row["dealer_id"])
    state = row["status"]
    if state == "new":  # the customer is here: that is the contact
        state = (await apply_transition(theirs, LEAD, lead_id, "contact_ok", "new",
                                        {"note": _("Customer came to %(dealer)s") % {"dealer": ctx.dealer_name}})
                 ).to_state
    await apply_transition(theirs, LEAD, lead_id, "contract_signed", state,
                           {"note": _("Contract signed with %(dealer)s") % {"dealer": ctx.dealer_name}})


async def transfer_to_us(ctx: Context, lead_id: int) -> None:
    """Move another dealer's lead to ours; refused unless its status is Contract signed."""
    row = await _foreign_lead(lead_id)
    if row["dealer_id"] == ctx.dealer_id:
        raise Conflict(_("This lead is already yours."))
    if row["status"] != "contract_signed":
        raise Conflict(_("A lead can be transferred only once its status is “Contract signed”; it is “%(state)s”.")
                       % {"state": LEAD.state(row["status"]).label})
    theirs = await their_context(ctx, row["dealer_id"])
    names = await dealer_names([row["dealer_id"], ctx.dealer_id])
    async with transaction():
        await move_lead(row, ctx.dealer_id, ctx.user_id, ctx.user_name, expect_status="contract_signed")
        await append_history(theirs, services.ENTITY, lead_id, "event",
                             _("Transferred to %(dealer)s") % {"dealer": names.get(ctx.dealer_id, "")}, {})
        await append_history(ctx, services.ENTITY, lead_id, "event",
                             _("Transferred from %(dealer)s") % {"dealer": names.get(row["dealer_id"], "")}, {})
    if row["assignee_id"]:
        await create_reminder(theirs, _("%(name)s signed with %(dealer)s; the lead was transferred there.") % {
            "name": f"{row['first_name']} {row['surname']}", "dealer": names.get(ctx.dealer_id, "")},
            now(), user_id=row["assignee_id"], source="leads")


@get("/search-all", guards=[requires("leads.view")])
async def search_all(request: Request) -> Response:
    q = {k: str(request.query_params.get(k, "") or "").strip()[:100] for k in ("surname", "first_name", "email",
                                                                               "phone")}
    results, errors = [], {}
    if any(q.values()):
        try:
            results = await find_everywhere(**q)
        except ValidationFailed as exc:
            errors = exc.errors
    return await page(request, "leads/search_all.html", {"q": q, "results": results, "errors": errors,
                                                          "searched": any(q.values()) and not errors},
                      status_code=422 if errors else 200)


@post("/found/{lead_id:int}/contract", guards=[requires("leads.edit")])
async def record_contract(request: Request, lead_id: FromPath[int]) -> Response:
    await sign_for_us(request.state.ctx, lead_id)
    back = str((await request.form()).get("next") or "")
    return flash(Redirect(back if back.startswith("/leads/search-all") else "/leads/search-all", status_code=303),
                 _("Contract recorded. You can now transfer the lead to your dealer."))


@post("/found/{lead_id:int}/transfer", guards=[requires("leads.edit")])
async def transfer(request: Request, lead_id: FromPath[int]) -> Response:
    await transfer_to_us(request.state.ctx, lead_id)
    return flash(Redirect(f"/leads/{lead_id}", status_code=303), _("The lead is now yours."))


ROUTES = [search_all, record_contract, transfer]
