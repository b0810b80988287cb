"""Leads from other systems: a JSON intake API and ADF/XML (the car trade's lead format), per-source keys.

A dealer administrator makes a key per sender (a lead portal, the brand's
website) under Leads -> Settings; the key is shown once and only its SHA-256
is kept (it is 256 random bits, so a fast hash is enough), and it can be
revoked. The sender posts to ``/leads/api/intake`` (JSON) or
``/leads/api/intake/adf`` (ADF/XML) with ``Authorization: Bearer <key>``.
The lead arrives as New in the key's dealer (assigned in turn when the dealer
wants that), its history says which key brought it, and a sender's retry
with the same ``external_id`` finds the lead it already made instead of
making a second one. Answers are JSON: 201 with the lead's id, 200 for a
retry, 401 for a missing or revoked key, 422 with a message per field.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from litestar import MediaType, Request, Response, post

from forecourt import (
    Context,
    Message,
    ValidationFailed,
    append_history,
    create_reminder,
    dealers_with_module,
    enabled_modules,
    now,
    system_context,
)
from forecourt import gettext as _
from plugins.leads import rotation, services
from plugins.leads.tables import IntakeKey, Lead

PREFIX = "fcl_"
API = {"public": True, "exclude_from_csrf": True}  #: no session and no CSRF: the key is the credential
FIELDS = ("surname", "first_name", "email", "phone", "model", "version", "trim", "city", "price", "note",
          "request_type", "source")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def new_key(ctx: Context, name: str) -> str:
    """Make a key for a sender; returns the key itself, which is never shown again."""
    name = name.strip()[:100]
    if not name:
        raise ValidationFailed({"name": _("Say who will send leads with this key.")})
    token = PREFIX + secrets.token_urlsafe(32)
    await IntakeKey.scoped(ctx.dealer_id).insert(name=name, token_hash=_hash(token), prefix=token[:10],
                                                 created_at=now(), created_by=ctx.user_id)
    return token


async def revoke(ctx: Context, key_id: int) -> bool:
    done = await IntakeKey.scoped(ctx.dealer_id).update({IntakeKey.revoked_at: now()}).where(
        (IntakeKey.id == key_id) & IntakeKey.revoked_at.is_null()).returning(IntakeKey.id)
    return bool(done)


async def keys(dealer_id: int) -> list[dict[str, Any]]:
    return await IntakeKey.scoped(dealer_id).select(
        IntakeKey.id, IntakeKey.name, IntakeKey.prefix, IntakeKey.created_at, IntakeKey.last_used_at,
        IntakeKey.revoked_at).order_by(IntakeKey.created_at, ascending=False)


async def _key(request: Request) -> dict[str, Any] | None:
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else request.headers.get("x-api-key", "")
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    # the one query over every dealer's keys: the key itself says whose it is
    return await IntakeKey.unscoped_select().where(
        (IntakeKey.token_hash == _hash(token)) & IntakeKey.revoked_at.is_null()).first()


def parse_adf(body: bytes) -> dict[str, str]:
    """The lead fields of an ADF/XML ``<prospect>``; ValueError when it is not ADF."""
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise ValueError(str(exc)) from None
    prospect = root if root.tag == "prospect" else root.find("prospect")
    if root.tag not in ("adf", "prospect") or prospect is None:
        raise ValueError("no <adf><prospect>")

    def text(path: str) -> str:
        found = prospect.find(path)
        return (found.text or "").strip() if found is not None and found.text else ""

    names = {(n.get("part") or "full").lower(): (n.text or "").strip()
             for n in prospect.iterfind("customer/contact/name")}
    first, last = names.get("first", ""), names.get("last", "")
    if not last and names.get("full"):
        first, _sep, last = names["full"].rpartition(" ")
    ref, vehicle = prospect.find("id"), prospect.find("vehicle")
    make, model = text("vehicle/make"), text("vehicle/model")
    return {
        "surname": last, "first_name": first, "email": text("customer/contact/email"),
        "phone": text("customer/contact/phone"), "model": f"{make} {model}".strip(), "trim": text("vehicle/trim"),
        "price": text("vehicle/price"), "note": text("customer/comments"),
        "request_type": "used_car" if vehicle is not None and vehicle.get("status") == "used" else "new_car",
        "external_id": (ref.text or "").strip() if ref is not None and ref.text else "",
    }


async def receive(key: dict[str, Any], data: dict[str, Any]) -> tuple[int, bool]:
    """Make the lead for ``key``'s dealer (or find the one a retry already made): ``(id, made now)``."""
    dealer_id = key["dealer_id"]
    dealer = next((d for d in await dealers_with_module("leads") if d["id"] == dealer_id), None)
    if dealer is None:
        raise PermissionError
    ctx = system_context(dealer_id, await enabled_modules(dealer_id), dealer["name"], dealer["language"])
    ref = str(data.get("external_id") or "").strip()[:100]
    if ref:
        found = await Lead.scoped(dealer_id).select(Lead.id).where(Lead.external_ref == ref).first()
        if found:
            return found["id"], False
    values = {k: str(data.get(k) or "") for k in FIELDS}
    values["source"] = values["source"] or "import"
    values["request_type"] = values["request_type"] or "new_car"
    services.clean_or_raise(values, dealer["language"])  # nobody's turn is used up by a refused lead
    turn = await rotation.next_assignee(ctx)
    row = await services.create(ctx, values, dealer["language"], assign_to_me=False, assignee=turn,
                                extra={"external_ref": ref})
    await append_history(ctx, services.ENTITY, row.id, "event",
                         Message("Received through the intake key “%(name)s”", name=key["name"]), {"external_id": ref})
    await IntakeKey.scoped(dealer_id).update({IntakeKey.last_used_at: now()}).where(IntakeKey.id == key["id"])
    if turn is not None:
        await create_reminder(ctx, Message("New lead from %(source)s: %(name)s", source=key["name"],
                                           name=f"{row.first_name} {row.surname}".strip()), now(), user_id=turn["id"],
            url=f"/leads/{row.id}", entity=services.ENTITY, entity_id=row.id, source="leads")
    return row.id, True


def _json(status: int, **body: Any) -> Response:
    return Response(content={"status": status, **body}, status_code=status, media_type=MediaType.JSON)


async def _answer(request: Request, data: dict[str, Any] | None, problem: str = "") -> Response:
    key = await _key(request)
    if key is None:
        return _json(401, error=_("A valid intake key is required (Authorization: Bearer …)."))
    if data is None:
        return _json(400, error=problem)
    try:
        lead_id, made = await receive(key, data)
    except PermissionError:
        return _json(403, error=_("The Leads module is switched off for this dealer."))
    except ValidationFailed as exc:
        return _json(422, error=_("Some of the data is not valid"), errors=exc.errors)
    return _json(201 if made else 200, id=lead_id, created=made)


@post("/api/intake", opt=API)
async def intake_json(request: Request) -> Response:
    """One lead as a JSON object: surname, first_name, email and/or phone, model, … (see docs/guide-leads.md)."""
    try:
        data = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        return await _answer(request, None, _("Send one lead as a JSON object."))
    return await _answer(request, data)


@post("/api/intake/adf", opt=API)
async def intake_adf(request: Request) -> Response:
    """One lead as ADF/XML (``<adf><prospect>…</prospect></adf>``)."""
    try:
        data: dict[str, Any] | None = parse_adf(await request.body())
    except ValueError:
        data = None
    return await _answer(request, data, _("Send one lead as ADF/XML: <adf><prospect>…</prospect></adf>."))


ROUTES = [intake_json, intake_adf]
