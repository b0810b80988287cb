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

The base is the dealers that have leads switched on: a dealer without the
module neither finds nor is found. An id proves nothing (ids are
sequential): each result carries a proof signed for this user, this lead and
the name and contact that matched (:mod:`core.signing`, 30 minutes), and
both actions act only on a lead whose proof verifies and whose name and
contact still match it.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import (
    Conflict,
    Context,
    Forbidden,
    Message,
    ValidationFailed,
    append_history,
    apply_transition,
    create_reminder,
    dealer_names,
    dealers_with_module,
    digits,
    enabled_modules,
    flash,
    fold,
    now,
    page,
    requires,
    search_text,
    sign_proof,
    transaction,
    verify_proof,
)
from forecourt import gettext as _
from plugins.leads import search, services
from plugins.leads.machine import LEAD
from plugins.leads.tables import Lead

FOUND_COLUMNS = (Lead.id, Lead.dealer_id, Lead.surname, Lead.first_name, Lead.model, Lead.status, Lead.created_at,
                 Lead.phone, Lead.email, Lead.name_key, Lead.email_key, Lead.phone_rev)
PROOF = "leads.found"
PROOF_MAX_AGE = 30 * 60  #: seconds a search result may be acted on


def _matched(lead: dict[str, Any], email: str, fragment: str) -> str:
    """What of the lead the search matched: "e" (its e-mail) or "p" (its phone ends with the digits); "" if none."""
    if email and lead["email_key"] == email:
        return "e"
    if len(fragment) >= 4 and (lead["phone_rev"] or "").startswith(fragment[::-1]):
        return "p"
    return ""


def _proof(ctx: Context, lead: dict[str, Any], email: str, fragment: str) -> str:
    """A proof that ``ctx``'s user found ``lead`` by its name and the contact they typed."""
    how = _matched(lead, email, fragment)
    return sign_proof(PROOF, {"u": ctx.user_id, "d": ctx.dealer_id, "l": lead["id"], "n": lead["name_key"], "m": how,
                        "c": email if how == "e" else fragment})


async def _proven_lead(ctx: Context, lead_id: int, proof: str) -> dict[str, Any]:
    """The other dealer's lead ``proof`` was made for, by this user, still matching what was searched.

    Anything else (no proof, another user's or lead's, expired, the lead's name or contact changed
    since, its dealer switched leads off) is refused with 403: the same answer for a lead that
    does not exist, so ids cannot be probed.
    """
    data = verify_proof(PROOF, proof, PROOF_MAX_AGE)
    refused = Forbidden(_("Find the lead with the search first: the result you acted on is no longer valid."))
    if not isinstance(data, dict) or (data.get("u"), data.get("d"), data.get("l")) != (
            ctx.user_id, ctx.dealer_id, lead_id):
        raise refused
    row = await Lead.unscoped_select(Lead.id, Lead.dealer_id, Lead.status, Lead.surname, Lead.first_name,
                                     Lead.assignee_id, Lead.name_key, Lead.email_key, Lead.phone_rev, Lead.price
                                     ).where(Lead.id == lead_id).first()
    contact = str(data.get("c") or "")
    if row is None or row["name_key"] != data.get("n") or not data.get("m") or _matched(
            row, contact if data["m"] == "e" else "", contact if data["m"] == "p" else "") != data["m"]:
        raise refused
    if not await dealers_with_module("leads", among=[row["dealer_id"]]):
        raise refused
    return row


def _masked(phone: str) -> str:
    """Enough of a phone to recognise it ("… 45 67"), not enough to harvest it."""
    tail = digits(phone)[-4:]
    return f"… {tail[:2]} {tail[2:]}" if tail else ""


async def find_everywhere(ctx: Context, surname: str, first_name: str, email: str = "",
                          phone: str = "") -> list[dict[str, Any]]:
    """Leads of every dealer with leads on whose name and e-mail or phone (part) match what the customer entered.

    Each result of another dealer carries ``proof``, the only thing the actions on it accept.
    """
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
        contact.append(search.phone_ending(fragment))
    query = query.where(contact[0] | contact[1] if len(contact) == 2 else contact[0])
    rows = await query.order_by(Lead.created_at, ascending=False).limit(40)
    base = {d["id"]: d["name"] for d in await dealers_with_module("leads", among=[r["dealer_id"] for r in rows])}
    email_key = email.strip().lower()
    return [{"id": r["id"], "dealer_id": r["dealer_id"], "dealer": base[r["dealer_id"]],
             "surname": r["surname"], "first_name": r["first_name"], "model": r["model"], "status": r["status"],
             "created_at": r["created_at"], "phone": _masked(r["phone"]),
             "email": r["email"][:2] + "…@" + r["email"].split("@")[-1] if r["email"] else "",
             "proof": _proof(ctx, r, email_key, fragment) if r["dealer_id"] != ctx.dealer_id else ""}
            for r in rows if r["dealer_id"] in base][:20]



async def their_context(ctx: Context, dealer_id: int) -> Context:
    """Act on another dealer's lead as this user of this dealer (named so in that dealer's history)."""
    return Context(dealer_id=dealer_id, user_id=ctx.user_id, user_name=f"{ctx.user_name} ({ctx.dealer_name})",
                   role=ctx.role, dealer_name="", modules=await enabled_modules(dealer_id),
                   permissions=ctx.permissions, locale=ctx.locale)


async def move_lead(row: dict[str, Any], receiver: Context, assignee_id: int | None, assignee_name: str,
                    expect_status: str | None = None) -> None:
    """Move a lead to ``receiver``'s dealer (its customer link stays behind: customers are per dealer).

    Only if it is still where (and, if given, in the status) it was read; Conflict otherwise.
    A price is a number in its dealer's currency: between dealers of different
    currencies it is not carried over (it would be read in the wrong one); the
    receiver's history keeps it with its currency. Join the caller's transaction.
    """
    where = (Lead.id == row["id"]) & (Lead.dealer_id == row["dealer_id"]) & (Lead.status == row["status"])
    if expect_status is not None:
        where = where & (Lead.status == expect_status)
    currency = {d["id"]: d["currency"] for d in await dealers_with_module(
        "leads", among=[row["dealer_id"], receiver.dealer_id])}
    other_currency = currency.get(row["dealer_id"]) != currency.get(receiver.dealer_id)
    values = {Lead.dealer_id: receiver.dealer_id, Lead.assignee_id: assignee_id, Lead.assignee_name: assignee_name,
              Lead.customer_id: None, Lead.updated_at: now()}
    if other_currency:
        values[Lead.price] = None
    moved = await Lead.update(values).where(where).returning(Lead.id)
    if not moved:
        raise Conflict(_("Someone else changed this meanwhile. Nothing was saved; look at it again."))
    price = row.get("price")
    if other_currency and price is not None:
        await append_history(receiver, services.ENTITY, row["id"], "event", Message(
            "The price %(price)s %(currency)s was not carried over: it is in another currency.",
            price=str(price), currency=currency.get(row["dealer_id"], "")))


async def sign_for_us(ctx: Context, lead_id: int, proof: str) -> None:
    """Record that the contract was signed with *our* dealer on another dealer's lead found by the search."""
    row = await _proven_lead(ctx, lead_id, proof)
    if row["dealer_id"] == ctx.dealer_id:
        raise Conflict(_("This lead is already yours: record the contract on its card."))
    theirs = await their_context(ctx, row["dealer_id"])
    state = row["status"]
    if state == "new":  # the customer is here: that is the contact
        state = (await apply_transition(theirs, LEAD, lead_id, "contact_ok", "new")).to_state
    await apply_transition(theirs, LEAD, lead_id, "contract_signed", state)
    await append_history(theirs, services.ENTITY, lead_id, "event",
                         Message("Contract signed with %(dealer)s", dealer=ctx.dealer_name))


async def transfer_to_us(ctx: Context, lead_id: int, proof: str) -> None:
    """Move another dealer's lead found by the search to ours; refused unless its status is Contract signed."""
    row = await _proven_lead(ctx, lead_id, proof)
    if row["dealer_id"] == ctx.dealer_id:
        raise Conflict(_("This lead is already yours."))
    if row["status"] != "contract_signed":
        raise Conflict(_("A lead can be transferred only once its status is “Contract signed”; it is “%(state)s”.")
                       % {"state": LEAD.state(row["status"]).label})
    theirs = await their_context(ctx, row["dealer_id"])
    names = await dealer_names([row["dealer_id"], ctx.dealer_id])
    async with transaction():
        await move_lead(row, ctx, ctx.user_id, ctx.user_name, expect_status="contract_signed")
        await append_history(theirs, services.ENTITY, lead_id, "event",
                             Message("Transferred to %(dealer)s", dealer=names.get(ctx.dealer_id, "")), {})
        await append_history(ctx, services.ENTITY, lead_id, "event",
                             Message("Transferred from %(dealer)s", dealer=names.get(row["dealer_id"], "")), {})
        if row["assignee_id"]:
            await create_reminder(theirs, Message("%(name)s signed with %(dealer)s; the lead was transferred there.",
                                                  name=f"{row['first_name']} {row['surname']}",
                                                  dealer=names.get(ctx.dealer_id, "")),
                                  now(), user_id=row["assignee_id"], source="leads")


@get("/search-all", guards=[requires("leads.view")])
async def search_all(request: Request) -> Response:
    q = {k: search_text(request.query_params.get(k, ""), 100) for k in ("surname", "first_name", "email", "phone")}
    results, errors = [], {}
    if any(q.values()):
        try:
            results = await find_everywhere(request.state.ctx, **q)
        except ValidationFailed as exc:
            errors = exc.errors
    return await page(request, "leads/search_all.html", {"q": q, "results": results, "errors": errors,
                                                          "searched": any(q.values()) and not errors},
                      status_code=422 if errors else 200)


@post("/found/{lead_id:int}/contract", guards=[requires("leads.edit")])
async def record_contract(request: Request, lead_id: FromPath[int]) -> Response:
    data = await request.form()
    await sign_for_us(request.state.ctx, lead_id, str(data.get("proof") or ""))
    back = str(data.get("next") or "")
    return flash(Redirect(back if back.startswith("/leads/search-all") else "/leads/search-all", status_code=303),
                 _("Contract recorded. You can now transfer the lead to your dealer."))


@post("/found/{lead_id:int}/transfer", guards=[requires("leads.edit")])
async def transfer(request: Request, lead_id: FromPath[int]) -> Response:
    await transfer_to_us(request.state.ctx, lead_id, str((await request.form()).get("proof") or ""))
    return flash(Redirect(f"/leads/{lead_id}", status_code=303), _("The lead is now yours."))


ROUTES = [search_all, record_contract, transfer]
