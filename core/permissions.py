"""Permissions: the core's own, plus those plugins declare through a hook."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from core.i18n import gettext, lazy_gettext


@dataclass(frozen=True)
class Permission:
    """``key`` is ``"<plugin>.<what>"``; ``roles`` hold it by default."""

    key: str
    label: Any
    roles: tuple[str, ...] = ("manager", "dealer_admin")


CORE_PERMISSIONS = (
    Permission("core.users", lazy_gettext("Manage the dealer's users"), ("dealer_admin",)),
    Permission("core.modules", lazy_gettext("Switch the dealer's modules on and off"), ("dealer_admin",)),
    Permission("core.reasons", lazy_gettext("Edit the dealer's reason lists"), ("dealer_admin",)),
    Permission("core.platform", lazy_gettext("Manage dealers and platform users"), ()),
)


def role_permissions(perms: Iterable[Permission]) -> dict[str, frozenset[str]]:
    """Map each role to the permission keys it holds."""
    table: dict[str, set[str]] = {}
    for perm in perms:
        for role in perm.roles:
            table.setdefault(role, set()).add(perm.key)
    return {role: frozenset(keys) for role, keys in table.items()}


def requires(permission: str):
    """A Litestar guard: the user must hold ``permission`` (403 otherwise)."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        ctx = connection.scope.get("state", {}).get("ctx")
        if ctx is None or not ctx.can(permission):
            # the page's own title, in the reader's language: the error page then shows its hint instead
            raise PermissionDeniedException(detail=gettext("You do not have access to this page"))

    guard.__name__ = f"requires_{permission.replace('.', '_')}"
    return guard


async def plugin_enabled_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """404 for every route of a plugin the current dealer has not enabled.

    Public routes of a plugin (no login) name their dealer themselves and must
    check it with :func:`core.modules.enabled_modules`.
    """
    plugin = handler.opt.get("plugin")
    if plugin is None or handler.opt.get("public"):
        return
    ctx = connection.scope.get("state", {}).get("ctx")
    if ctx is None or plugin not in ctx.modules:
        raise NotFoundException()
