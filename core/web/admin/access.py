"""Who may administer which dealer."""

from __future__ import annotations

from litestar.exceptions import NotFoundException, PermissionDeniedException

from core.context import Context
from core.db import valid_id
from core.i18n import _
from core.tables import Dealer


async def dealer_for_admin(ctx: Context, dealer_id: int, permission: str) -> Dealer:
    """The dealer row if ``ctx`` may administer it (platform admin: any dealer)."""
    if not valid_id(dealer_id):
        raise NotFoundException()
    if not ctx.is_platform_admin:
        if ctx.dealer_id != dealer_id:
            raise NotFoundException()
        if not ctx.can(permission):
            raise PermissionDeniedException(detail=_("Only the dealer's administrator may do this."))
    dealer = await Dealer.objects().get(Dealer.id == dealer_id)
    if dealer is None:
        raise NotFoundException()
    return dealer
