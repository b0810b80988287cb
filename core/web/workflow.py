"""Pages and fragments every status machine gets from its declaration.

* the actions panel a card embeds (``await workflow_panel(request, key, row)``):
  the current state and one form per transition allowed now;
* ``POST /workflow/<machine>/<id>/<transition>``: applies it (the form
  carries the state it was shown in ``_state``); errors come back on the
  transition's own page with the input kept, a conflict (someone moved the
  row meanwhile) too: with the status it has now, the user's input, and a
  link to the card, so the user can look and send it again;
* ``GET /workflow/<machine>``: the machine drawn as a diagram;
* the timeline panel (``await timeline_panel(request, entity, id)``) with
  comments that can be edited, and its htmx fragment ``GET /timeline/...``:
  for any declared entity (:mod:`core.entities`), with or without a machine.

Every route answers 404 unless the machine's (entity's) plugin is enabled
for the user's dealer and the row belongs to that dealer.
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from markupsafe import Markup

from core import entities
from core.errors import Conflict, Forbidden, ValidationFailed, Veto
from core.i18n import gettext as _
from core.web.diagram import describe, draw
from core.web.forms import form, local_path
from core.web.render import flash, page, render_panel
from core.workflow import comments, engine, machine, reasons, timeline


def _machine_for(request: Request, key: str, need: str = "view") -> machine.Machine:
    found = machine.get(key)
    ctx = request.state.ctx
    if found is None or ctx is None or not ctx.has_module(found.plugin):
        raise NotFoundException()
    _check(ctx, found, need)
    return found


def _check(ctx: Any, m: machine.Machine, need: str) -> None:
    """The machine's view (or edit) permission, as the plugin's own pages ask for it: 403 otherwise."""
    wanted = m.view_permission if need == "view" else m.edit_permission or m.view_permission
    if wanted and not ctx.can(wanted):
        raise Forbidden(_("You do not have access to this page"))


async def _row(request: Request, m: machine.Machine | entities.Entity, entity_id: int) -> dict[str, Any]:
    table = m.table
    row = await table.scoped(request.state.ctx.dealer_id).select().where(
        table._meta.primary_key == entity_id).first()
    if row is None:
        raise NotFoundException()
    return row


def _card_url(m: machine.Machine, entity_id: int) -> str:
    return m.url(entity_id)


async def _reason_choices(
    request: Request, m: machine.Machine, t: machine.Transition
) -> tuple[dict[str, list[str]], dict[str, dict[str, Any]]]:
    """The reasons each reason input offers, and for each detail input the reasons that make it required.

    The second map (``{detail input: {"reason": reason input, "reasons": [...]}}``) lets the form say
    beforehand "required for “Bought another car”" instead of calling the input optional.
    """
    dealer_id = request.state.ctx.dealer_id
    choices: dict[str, list[str]] = {}
    needs: dict[str, dict[str, Any]] = {}
    for inp in t.inputs:
        if inp.kind != "reason":
            continue
        offered, detailed = await reasons.offered_and_detailed(
            dealer_id, machine.reason_list_key(m, t, inp), inp.reasons, inp.detailed if inp.detail else ())
        choices[inp.name] = offered
        if inp.detail and detailed:
            needs[inp.detail] = {"reason": inp.name, "reasons": detailed}
    return choices, needs


async def workflow_panel(request: Request, key: str, row: dict[str, Any], next_url: str = "") -> Markup:
    """The state badge and the allowed transitions of ``row``, ready to put on a card."""
    m = _machine_for(request, key)
    ctx = request.state.ctx
    offered = machine.available(ctx, m, row)
    choices, needs = {}, {}
    for t in offered:
        choices[t.key], needs[t.key] = await _reason_choices(request, m, t)
    return await render_panel(request, "core/workflow/_actions.html", {
        "machine": m, "row": row, "state": m.state(row[m.field]), "transitions": offered,
        "choices": choices, "needs": needs, "next": next_url or request.url.path, "values": {}, "errors": {},
        "other": machine.OTHER,
    })


async def _transition_page(request: Request, m: machine.Machine, row: dict[str, Any], t: machine.Transition,
                           values: dict[str, str], errors: dict[str, str], status: int,
                           conflict: bool = False) -> Response:
    """The transition's form for ``row`` as it is now, with ``values`` (what the user sent) in its fields.

    ``conflict``: the row moved while the user was typing. The form then
    carries the status the row has now, so sending it again is a decision
    taken in view of that status; if the transition no longer starts from
    it, the page keeps the typed input to copy and offers the card instead.
    """
    choices, needs = await _reason_choices(request, m, t)
    refused = machine.refusal(request.state.ctx, m, t, row) if conflict else None
    return await page(request, "core/workflow/transition.html", {
        "machine": m, "row": row, "t": t, "state": m.state(row[m.field]), "values": values,
        "errors": errors, "choices": choices, "needs": needs, "other": machine.OTHER,
        "next": local_path(values.get("next"), _card_url(m, row["id"])), "card": _card_url(m, row["id"]),
        "conflict": conflict, "refused": refused,
    }, status_code=status)


@get("/workflow/{key:str}/{entity_id:int}/{transition:str}")
async def transition_form(
    request: Request, key: FromPath[str], entity_id: FromPath[int], transition: FromPath[str]
) -> Response:
    m = _machine_for(request, key, "edit")
    t = m.transition(transition)
    if t is None:
        raise NotFoundException()
    row = await _row(request, m, entity_id)
    why_not = machine.refusal(request.state.ctx, m, t, row)
    if why_not:
        raise Conflict(why_not)
    return await _transition_page(request, m, row, t, {"_state": row[m.field],
                                                        "next": request.query_params.get("next", "")}, {}, 200)


@post("/workflow/{key:str}/{entity_id:int}/{transition:str}")
async def apply_transition(
    request: Request, key: FromPath[str], entity_id: FromPath[int], transition: FromPath[str]
) -> Response:
    m = _machine_for(request, key, "edit")
    t = m.transition(transition)
    if t is None:
        raise NotFoundException()
    data = await form(request)
    back = local_path(data.get("next"), _card_url(m, entity_id))
    if not data.get("_state"):
        raise ValidationFailed({"_state": _("The form is incomplete. Reload the page and try again.")})
    try:
        await engine.apply(request.state.ctx, m, entity_id, t.key, data["_state"], data)
    except LookupError:
        raise NotFoundException() from None
    except (ValidationFailed, Veto) as exc:
        row = await _row(request, m, entity_id)
        errors = exc.errors if isinstance(exc, ValidationFailed) else {"_": exc.message}
        return await _transition_page(request, m, row, t, data, errors, 422)
    except Conflict as exc:  # moved meanwhile: the same form on the row as it is now, the input kept
        row = await _row(request, m, entity_id)
        return await _transition_page(request, m, row, t, {**data, "_state": row[m.field]},
                                      {"_": exc.message}, 409, conflict=True)
    return flash(Redirect(back, status_code=303),
                 _("Done: %(action)s → %(state)s") % {"action": t.label, "state": m.state(t.target).label})


@get("/workflow/{key:str}")
async def diagram(request: Request, key: FromPath[str]) -> Response:
    m = _machine_for(request, key)
    return await page(request, "core/workflow/diagram.html",
                      {"machine": m, "svg": Markup(draw(m)), "described": describe(m)})


# --- timeline and comments --------------------------------------------------------------------------


def _entity(request: Request, key: str, need: str = "view") -> entities.Entity:
    """The declared entity ``key`` (its table, its card), if its plugin is on for the dealer and this user may.

    The entity's view (edit) permission is asked for as the plugin's card asks for it: 403 otherwise.
    """
    found = entities.get(key)
    ctx = request.state.ctx
    if found is None or ctx is None or not ctx.has_module(found.plugin):
        raise NotFoundException()
    wanted = found.view_permission if need == "view" else found.edit_permission or found.view_permission
    if wanted and not ctx.can(wanted):
        raise Forbidden(_("You do not have access to this page"))
    return found


async def timeline_panel(request: Request, entity: str, entity_id: int) -> Markup:
    """The entity's merged timeline with a comment box, ready to put on a card (one read of its history)."""
    ctx = request.state.ctx
    shown = await timeline.read(ctx, entity, entity_id)
    return await render_panel(request, "core/_timeline.html", {
        "entity": entity, "entity_id": entity_id, "entries": shown.entries, "edits": shown.edits,
        "next": request.url.path if request.headers.get("hx-request") != "true" else "",
        "editing": int(request.query_params.get("edit", "0") or 0),
    })


@get("/timeline/{entity:str}/{entity_id:int}")
async def timeline_fragment(request: Request, entity: FromPath[str], entity_id: FromPath[int]) -> Response:
    await _row(request, _entity(request, entity), entity_id)
    return Response(await timeline_panel(request, entity, entity_id), media_type=MediaType.HTML)


@post("/timeline/{entity:str}/{entity_id:int}/comments")
async def add_comment(request: Request, entity: FromPath[str], entity_id: FromPath[int]) -> Response:
    found = _entity(request, entity, "edit")
    await _row(request, found, entity_id)
    data = await form(request)
    await comments.add(request.state.ctx, entity, entity_id, data.get("text", ""))
    return flash(Redirect(local_path(data.get("next"), found.card_url(entity_id)), status_code=303),
                 _("Comment added."))


@post("/timeline/{entity:str}/{entity_id:int}/comments/{comment_id:int}")
async def edit_comment(request: Request, entity: FromPath[str], entity_id: FromPath[int],
                       comment_id: FromPath[int]) -> Response:
    found = _entity(request, entity, "edit")
    await _row(request, found, entity_id)
    data = await form(request)
    if await comments.edit(request.state.ctx, entity, entity_id, comment_id, data.get("text", "")) is None:
        raise NotFoundException()
    return flash(Redirect(local_path(data.get("next"), found.card_url(entity_id)), status_code=303),
                 _("Comment saved. Its earlier text is kept in the history."))


ROUTES = [transition_form, apply_transition, diagram, timeline_fragment, add_comment, edit_comment]
