from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from fc_deals.tables import Deal
from forecourt import (
    ValidationFailed,
    create_entity,
    flash,
    now,
    page,
    timeline_panel,
    update_entity,
    workflow_panel,
)
from forecourt import gettext as _

COLUMNS = {c._meta.name for c in Deal._meta.columns} - {"id", "dealer_id"}


async def _card(request: Request, deal_id: int, values=None, errors=None, status=200) -> Response:
    ctx = request.state.ctx
    row = await Deal.scoped(ctx.dealer_id).select().where(Deal.id == deal_id).first()
    if row is None:
        raise NotFoundException()
    return await page(request, "deals/card.html", {
        "deal": row, "values": values or row, "errors": errors or {},
        "workflow": await workflow_panel(request, "deals.deal", row),
        "timeline": await timeline_panel(request, "deals.deal", deal_id),
    }, status_code=status)


@get("/")
async def list_deals(request: Request, status: FromQuery[str] = "") -> Response:
    query = Deal.scoped(request.state.ctx.dealer_id).select().order_by(Deal.id, ascending=False)
    if status:
        query = query.where(Deal.status == status)
    return await page(request, "deals/list.html", {"deals": await query, "status": status})


@post("/")
async def create_deal(request: Request) -> Response:
    data = {k: v for k, v in (await request.form()).items() if k in COLUMNS}  # naive on purpose, as edit_deal
    title = (data.pop("title", "") or "").strip()
    if str(data.get("customer_id", "")).isdigit():
        data["customer_id"] = int(data["customer_id"])
    if not title:
        raise ValidationFailed({"title": _("Enter a title.")})
    row = await create_entity(request.state.ctx, Deal, "deals.deal",
                              {"title": title, "created_at": now(), **data})
    return flash(Redirect(f"/deals/{row.id}", status_code=303), _("Deal saved."))


@get("/{deal_id:int}")
async def show_deal(request: Request, deal_id: FromPath[int]) -> Response:
    return await _card(request, deal_id)


@post("/{deal_id:int}")
async def edit_deal(request: Request, deal_id: FromPath[int]) -> Response:
    """Deliberately naive: passes every submitted column on, so the core's protection is what stops misuse."""
    data = {k: v for k, v in (await request.form()).items() if k in COLUMNS}
    try:
        row = await update_entity(request.state.ctx, Deal, "deals.deal", deal_id, data)
    except ValidationFailed as exc:
        return await _card(request, deal_id, {**data}, exc.errors, 422)
    if row is None:
        raise NotFoundException()
    return flash(Redirect(f"/deals/{deal_id}", status_code=303), _("Deal saved."))


ROUTES = [list_deals, create_deal, show_deal, edit_deal]
