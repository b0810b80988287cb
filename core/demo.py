"""Demo dealers, users and (through the ``demo_data`` hook) plugin data."""

from __future__ import annotations

import inspect

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
#: login prefix and what ``forecourt demo`` prints for each role
ROLE_LOGINS = {"manager": ("manager", "sales manager"), "storekeeper": ("storekeeper", "storekeeper"),
               "dealer_admin": ("admin", "dealer administrator")}
PEOPLE = {
    "praha": {"manager": "Petr Svoboda", "storekeeper": "Tomáš Dvořák", "dealer_admin": "Jana Nováková"},
    "moskva": {"manager": "Сергей Петров", "storekeeper": "Андрей Смирнов",
               "dealer_admin": "Ольга Иванова"},
}


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
    await _user("admin", "platform_admin", None, "Platform administrator", "en")
    for slug, name, city, lang in DEMO_DEALERS:
        dealer = await Dealer.objects().where(Dealer.slug == slug).first()
        if dealer is None:
            dealer = await accounts.create_dealer(
                name, slug, city, lang, modules.defaults(registry, settings.default_modules)
            )
        users = {}
        for role in ROLES:
            prefix, what = ROLE_LOGINS[role]
            login = f"{prefix}.{slug}"
            users[role] = await _user(login, role, dealer.id, PEOPLE[slug][role], lang)
            logins.append((login, DEMO_PASSWORD, f"{what} at {name}"))
        enabled = accounts.parse_modules(dealer.modules)
        ctx = system_context(dealer.id, enabled, dealer.name, dealer.language)
        kwargs = {"dealer": dealer, "users": users, "ctx": ctx}
        for impl in registry._impls("demo_data", enabled):
            # No timeout and no isolation: seeding may take a while, and a
            # failure must stop `forecourt demo` loudly rather than half-seed.
            result = impl.function(*[kwargs[name] for name in impl.argnames])
            if inspect.isawaitable(result):
                await result
    return logins
