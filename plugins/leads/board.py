"""Sales opportunities (manual 004): qualified leads as a board with a column per stage, and as a list.

Moving a card is a transition of the lead machine: the buttons on a card are
exactly the transitions allowed from its stage (a lost deal asks for its
reason on the transition's own page). Works without JavaScript.
"""

from __future__ import annotations

from litestar import Request, Response, get

from forecourt import page, requires
from plugins.leads.machine import LEAD
from plugins.leads.tables import Lead

STAGES = ("qualified", "test_drive", "offer", "negotiation")
CLOSED = ("won", "lost")
PER_COLUMN = 100


@get("/board", guards=[requires("leads.view")])
async def board(request: Request) -> Response:
    ctx = request.state.ctx
    view = "list" if request.query_params.get("view") == "list" else "board"
    columns = []
    for stage in STAGES:
        rows = await Lead.scoped(ctx.dealer_id).select(
            Lead.id, Lead.surname, Lead.first_name, Lead.model, Lead.price, Lead.assignee_name, Lead.status,
            Lead.updated_at).where(Lead.status == stage).order_by(Lead.updated_at, ascending=False).limit(PER_COLUMN)
        moves = [t for t in LEAD.transitions if stage in t.sources and t.target in (*STAGES, *CLOSED)]
        columns.append({"state": LEAD.state(stage), "rows": rows, "moves": moves})
    closed = {s: await Lead.scoped(ctx.dealer_id).count().where(Lead.status == s) for s in CLOSED}
    return await page(request, "leads/board.html", {"columns": columns, "closed": closed, "view": view,
                                                    "machine": LEAD, "can_edit": ctx.can("leads.edit")})


ROUTES = [board]
