"""Who is acting, for which dealer: passed to every dealer-scoped hook."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("manager", "storekeeper", "dealer_admin", "platform_admin")


@dataclass(frozen=True)
class Context:
    """The acting user and dealer. ``modules`` are the dealer's enabled plugins.

    A platform admin without a dealer has ``dealer_id=None`` and no modules.
    System work (jobs, demo seeding) uses a context with ``user_id=None``.
    """

    dealer_id: int | None
    user_id: int | None = None
    user_name: str = ""
    role: str = ""
    dealer_name: str = ""
    modules: frozenset[str] = frozenset()
    permissions: frozenset[str] = frozenset()
    locale: str = "en"
    #: the dealer's own language (its country: e.g. how local phone numbers are read)
    dealer_language: str = ""
    #: the dealer's IANA time zone ("" = UTC): what its staff see and type
    timezone: str = ""
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def is_platform_admin(self) -> bool:
        return self.role == "platform_admin"

    def can(self, permission: str) -> bool:
        """Platform admins and system work (jobs, seeding) hold every permission."""
        return self.is_platform_admin or self.role == "system" or permission in self.permissions

    def has_module(self, plugin: str) -> bool:
        return plugin in self.modules


def system_context(dealer_id: int, modules: frozenset[str], dealer_name: str = "",
                   dealer_language: str = "", timezone: str = "") -> Context:
    """A context for work no user triggered (jobs, seeding)."""
    return Context(dealer_id=dealer_id, modules=modules, dealer_name=dealer_name, role="system",
                   dealer_language=dealer_language, timezone=timezone)
