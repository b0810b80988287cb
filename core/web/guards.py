"""Guards every route passes: login (unless public) and the forced password change.

Guards are ``async def`` although they never await: Litestar runs a plain
``def`` guard in a worker thread, a thread hop per guard per request.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.handlers.base import BaseRouteHandler

from core.fields import MAX_ID


class PasswordChangeRequired(Exception):
    """The user must set a new password before doing anything else."""


async def login_required(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Every route's first guard: ids in the path a key column can hold, then a login (unless public).

    A path id beyond what a ``Serial`` key holds (2,147,483,647) names no row
    on any engine: 404, before PostgreSQL is asked (it would refuse the value).
    """
    for value in connection.path_params.values():
        if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= MAX_ID:
            raise NotFoundException()
    if handler.opt.get("public"):
        return
    ctx = connection.scope.get("state", {}).get("ctx")
    if ctx is None:
        raise NotAuthorizedException(detail="Please log in.")
    if ctx.extra.get("must_change_password") and not handler.opt.get("allow_password_change"):
        raise PasswordChangeRequired()
