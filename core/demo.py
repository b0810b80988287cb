"""Demo dealers, users and (through the ``demo_data`` hook) plugin data."""

from __future__ import annotations

from core import accounts, modules
from core.context import system_context
from core.plugins import Registry
from core.settings import Settings
from core.tables import Dealer, User

DEMO_PASSWORD = "demo-2026"
DEMO_DEALERS = [
    ("praha", "Autosalon Praha", "Praha", "cs"),
    ("moskva", "АвтоЦентр Москва", "Москва", "ru"),
]
ROLES = ("manager", "storekeeper", "dealer_admin")


async def _user(login: str, role: str, dealer_id: int | None, name: str, lang: str) -> int:
    existing = await User.select(User.id).where(User.login == login).first()
    if existing:
        return existing["id"]
    user = await accounts.create_user(
        login=login, password=DEMO_PASSWORD, role=role, dealer_id=dealer_id, full_name=name,
        email=f"{login}@demo.forecourt.test", must_change_password=False, language=lang,
    )
    return user.id


async def seed(registry: Registry, settings: Settings) -> list[tuple[str, str, str]]:
    """Create (or find) the demo data; return (login, password, what) rows to print."""
    logins = [("admin", DEMO_PASSWORD, "platform admin")]
    await _user("admin", "platform_admin", None, "Platform Admin", "en")
    for slug, name, city, lang in DEMO_DEALERS:
        dealer = await Dealer.objects().where(Dealer.slug == slug).first()
        if dealer is None:
            dealer = await accounts.create_dealer(
                name, slug, city, lang, modules.defaults(registry, settings.default_modules)
            )
        users = {}
        for role in ROLES:
            login = f"{role.split('_')[-1] if role != 'dealer_admin' else 'admin'}.{slug}"
            users[role] = await _user(login, role, dealer.id, f"{role.title()} {city}", lang)
            logins.append((login, DEMO_PASSWORD, f"{role} at {name}"))
        enabled = accounts.parse_modules(dealer.modules)
        ctx = system_context(dealer.id, enabled, dealer.name)
        for impl in registry._impls("demo_data", enabled):
            await registry._call(impl, {"dealer": dealer, "users": users, "ctx": ctx})
    return logins
