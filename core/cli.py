"""``forecourt demo | serve | migrate | createuser | plugins | jobs | metrics``."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import os
import sys

from core.errors import PluginError, ValidationFailed


def _boot():
    """Every command starts as the app does (:func:`core.startup.boot`); a broken plugin stops it, named."""
    from core.startup import boot

    try:
        return boot()
    except PluginError as exc:
        sys.exit(f"forecourt: cannot start: {exc}")


def _setup():
    rt = _boot()
    return rt.settings, rt.registry


def app_factory():
    """Entry for uvicorn workers (``--factory``), also when uvicorn or another server is run directly."""
    from core.app import create_app
    from core.logscrub import install as scrub_secrets

    scrub_secrets()  # no log record of this process carries a quick link's token (see core/logscrub.py)
    return create_app()


def cmd_plugins(_: argparse.Namespace) -> int:
    registry = _boot().registry
    if not registry.plugins:
        print("No plugins installed.")
        return 0
    print(f"{'name':<14} {'version':<9} {'requires':<22} {'package':<22} hooks")
    for name, plugin in registry.plugins.items():
        m = plugin.manifest
        print(f"{name:<14} {m.version:<9} {','.join(m.requires) or '-':<22} "
              f"{plugin.distribution or '-':<22} {', '.join(plugin.hooks) or '-'}")
    return 0


def cmd_migrate(_: argparse.Namespace) -> int:
    from core.migrations import migrate

    _setup()

    async def run() -> int:
        todo = await migrate()
        print(f"Applied {len(todo)} migration(s)." if todo else "Nothing to migrate.")
        return 0

    return asyncio.run(run())


def _serve(host: str, port: int, workers: int = 1) -> int:
    from core.server import serve

    return serve(host, port, workers)


async def _connections_problem(settings, workers: int) -> str:
    """Why ``workers`` processes with their pools would not fit the PostgreSQL server ("" if they do)."""
    from core import db

    if settings.is_sqlite or settings.db_pgbouncer:  # pgbouncer has its own limit, of its own pools
        return ""
    import asyncpg

    conn = await asyncpg.connect(**db.engine().config)  # type: ignore[attr-defined]
    try:
        limit = int(await conn.fetchval("SHOW max_connections"))
        reserved = int(await conn.fetchval("SHOW superuser_reserved_connections"))
    finally:
        await conn.close()
    needed, spare = workers * settings.db_pool, 5  # a few for the CLI, cron's `jobs run-due`, psql
    if needed + spare <= limit - reserved:
        return ""
    return (f"{workers} worker(s) x FORECOURT_DB_POOL={settings.db_pool} = {needed} connections (+{spare} spare) "
            f"do not fit the server's max_connections={limit} (of which {reserved} reserved). Lower "
            "FORECOURT_DB_POOL or --workers, raise max_connections, or put pgbouncer in front "
            "(FORECOURT_DB_PGBOUNCER=1).")


def cmd_serve(args: argparse.Namespace) -> int:
    from core.migrations import pending

    settings, _ = _setup()
    todo = asyncio.run(pending())
    if todo:
        print("forecourt: cannot serve: these migrations are not applied yet:", file=sys.stderr)
        for name in todo:
            print(f"  {name}", file=sys.stderr)
        print("Run `forecourt migrate` first.", file=sys.stderr)
        return 2
    if problem := asyncio.run(_connections_problem(settings, args.workers)):
        print(f"forecourt: cannot serve: {problem}", file=sys.stderr)
        return 2
    return _serve(args.host, args.port, args.workers)


def cmd_demo(args: argparse.Namespace) -> int:
    from core import demo
    from core.migrations import migrate

    settings, registry = _setup()  # machines installed: seeding writes as the app does

    async def prepare():
        await migrate()
        return await demo.seed(registry, settings)

    logins = asyncio.run(prepare())
    if args.no_serve:
        print(f"Demo data ready ({len(logins)} logins).")
        return 0
    print(f"\nForecourt demo on http://{args.host}:{args.port}  (database: {settings.database_url})")
    print("Log in with any of these (password for all: " + demo.DEMO_PASSWORD + "):")
    for login, _password, what in logins:
        shown = f"http://{args.host}:{args.port}{login}" if login.startswith("/") else login  # a plugin's path
        print(f"  {shown:<22} {what}")
    print()
    return _serve(args.host, args.port)


def cmd_createuser(args: argparse.Namespace) -> int:
    from core import accounts
    from core.tables import Dealer

    _setup()
    password = args.password or os.environ.get("FORECOURT_PASSWORD") or getpass.getpass()

    async def run() -> int:
        dealer_id = None
        if args.dealer:
            row = await Dealer.select(Dealer.id).where(Dealer.slug == args.dealer).first()
            if row is None:
                print(f"forecourt: no dealer with short name {args.dealer!r}", file=sys.stderr)
                return 2
            dealer_id = row["id"]
        try:
            user = await accounts.create_user(
                login=args.login, password=password, role=args.role, dealer_id=dealer_id,
                email=args.email, full_name=args.name or "",
                must_change_password=not args.no_change,
            )
        except ValidationFailed as exc:
            for field, message in exc.errors.items():
                print(f"forecourt: {field}: {message}", file=sys.stderr)
            return 2
        print(f"Created {user.role} {user.login}.")
        return 0

    return asyncio.run(run())


def cmd_jobs(args: argparse.Namespace) -> int:
    from core import db, jobs

    _setup()

    async def run() -> int:
        async with db.lifespan_pool():
            if args.action == "list":
                for key, job in jobs.jobs().items():
                    print(f"{key:<32} every {job.every}  {job.title}")
                return 0
            ran = await jobs.run_due()
            for key, dealer_id, result in ran:
                print(f"{key} for dealer {dealer_id}: {result}")
            print(f"{len(ran)} job run(s).")
            return 0

    return asyncio.run(run())


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-11-30") from None


def cmd_metrics(args: argparse.Namespace) -> int:
    """Print a dealer's figures for a period: what every enabled plugin declares through ``report_metrics``."""
    from core import db, metrics
    from core.accounts import parse_modules
    from core.context import system_context
    from core.i18n import set_locale
    from core.tables import Dealer
    from core.timeutil import set_zone, zone

    _setup()
    last = args.to or dt.date.today()
    first = getattr(args, "from") or last - dt.timedelta(days=29)
    if first > last:
        print("forecourt: --from must not be after --to", file=sys.stderr)
        return 2

    async def run() -> int:
        async with db.lifespan_pool():
            dealer = await Dealer.select().where(Dealer.slug == args.dealer).first()
            if dealer is None:
                print(f"forecourt: no dealer with short name {args.dealer!r}", file=sys.stderr)
                return 2
            ctx = system_context(dealer["id"], parse_modules(dealer["modules"]), dealer["name"], dealer["language"],
                                 dealer["timezone"])
            set_locale(dealer["language"])
            set_zone(dealer["timezone"])  # the period's days are the dealer's days
            figures = await metrics.compute(ctx, metrics.Period.days(first, last, zone(dealer["timezone"])))
            print(f"{dealer['name']}: {first} to {last}")
            for figure in figures:
                value = figure.value
                shown = "failed (see the admin's hook failures)" if value is None else _figure(value.total)
                print(f"{figure.metric.key:<32} {shown:>12}  {figure.metric.label}")
                if args.by_user and value is not None:
                    for user, part in sorted(value.by_user.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)):
                        print(f"    {'nobody' if user is None else f'user {user}':<28} {_figure(part):>12}")
            return 0

    return asyncio.run(run())


def _figure(value: float | int | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}" if isinstance(value, float) else str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="forecourt", description="Forecourt CRM for car dealers")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="migrate, seed demo data and serve")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-serve", action="store_true", help="only migrate and seed, then stop")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("serve", help="serve the app (refuses with pending migrations)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.set_defaults(func=cmd_serve)
    sub.add_parser("migrate", help="apply pending migrations").set_defaults(func=cmd_migrate)
    p = sub.add_parser("createuser", help="create a user")
    p.add_argument("login")
    p.add_argument("--role", default="platform_admin",
                   choices=["manager", "storekeeper", "dealer_admin", "platform_admin"])
    p.add_argument("--dealer", help="dealer short name (not for platform admins)")
    p.add_argument("--email")
    p.add_argument("--name")
    p.add_argument("--password", help="default: $FORECOURT_PASSWORD or a prompt")
    p.add_argument("--no-change", action="store_true", help="do not force a change at first login")
    p.set_defaults(func=cmd_createuser)
    sub.add_parser("plugins", help="list installed plugins").set_defaults(func=cmd_plugins)
    p = sub.add_parser("jobs", help="scheduled jobs: run the due ones once (for cron), or list them")
    p.add_argument("action", choices=["run-due", "list"])
    p.set_defaults(func=cmd_jobs)
    p = sub.add_parser("metrics", help="a dealer's figures for a period, from every enabled plugin")
    p.add_argument("dealer", help="dealer short name")
    p.add_argument("--from", type=_day, help="first day (default: 29 days before --to)")
    p.add_argument("--to", type=_day, help="last day (default: today, UTC)")
    p.add_argument("--by-user", action="store_true", help="break each figure down by user")
    p.set_defaults(func=cmd_metrics)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
