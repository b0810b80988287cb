"""Demo dealers, users and (through the ``demo_data`` hook) plugin data."""

from __future__ import annotations

from core import accounts, db, modules
from core.context import system_context
from core.locks import exclusive
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
    """Create (or find) the demo data; return (login, password, what) rows to print.

    Idempotent and safe to run from several processes at once: one seeder at a
    time (:func:`core.locks.exclusive`), and each dealer — its row, users and
    every plugin's ``demo_data`` — in one transaction, so a seed stopped midway
    leaves that dealer as it was and the next run seeds it whole. Plugins'
    ``demo_data`` add only what is missing, so a plugin installed later gets
    its demo data on the next run.
    """
    async with exclusive("demo"):
        return await _seed(registry, settings)


async def _seed(registry: Registry, settings: Settings) -> list[tuple[str, str, str]]:
    logins = [("admin", DEMO_PASSWORD, "platform admin")]
    await _user("admin", "platform_admin", None, "Platform administrator", "en")
    for slug, name, city, lang in DEMO_DEALERS:
        async with db.transaction():
            logins += await _seed_dealer(registry, settings, slug, name, city, lang)
    return logins


async def _seed_dealer(registry: Registry, settings: Settings, slug: str, name: str, city: str,
                       lang: str) -> list[tuple[str, str, str]]:
    logins = []
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
    # a task step: no time limit (seeding may take a while) and no isolation: a failure stops
    # `forecourt demo` loudly, and the dealer's transaction then leaves nothing half-seeded
    await registry.call("demo_data", modules=enabled, dealer=dealer, users=users, ctx=ctx)
    # lines a plugin asked to have printed with the logins (a quick link's address): see the demo_data hookspec
    return logins + [(str(text), "", str(what)) for text, what in ctx.extra.get("demo_logins", ())]
