"""Guards every route passes: login (unless public) and the forced password change.

Guards are ``async def`` although they never await: Litestar runs a plain
``def`` guard in a worker thread, a thread hop per guard per request.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler


class PasswordChangeRequired(Exception):
    """The user must set a new password before doing anything else."""


async def login_required(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    if handler.opt.get("public"):
        return
    ctx = connection.scope.get("state", {}).get("ctx")
    if ctx is None:
        raise NotAuthorizedException(detail="Please log in.")
    if ctx.extra.get("must_change_password") and not handler.opt.get("allow_password_change"):
        raise PasswordChangeRequired()
