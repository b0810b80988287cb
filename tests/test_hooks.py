"""One test per core hookspec, through the partner-style test plugins."""

import datetime as dt
import os
import re
import subprocess
import sys

from fc_notes.tables import Event, Note

from core import demo
from core.plugins import registry
from core.settings import Settings
from core.tables import Dealer, HookFailure


async def events(dealer_id: int) -> list[tuple[str, str]]:
    rows = await Event.scoped(dealer_id).select(Event.hook, Event.detail).order_by(Event.id)
    return [(r["hook"], r["detail"]) for r in rows]


async def test_hook_register_routes(make_dealer, client_as):
    dealer = await make_dealer(modules=["notes"])
    manager = await client_as(dealer, "manager")
    r = await manager.get("/notes/")
    assert r.status_code == 200 and "<h1>Notes</h1>" in r.text


async def test_hook_register_permissions(make_dealer, client_as):
    dealer = await make_dealer(modules=["notes"])
    storekeeper = await client_as(dealer, "storekeeper")
    r = await storekeeper.post("/notes/", data={"title": "Not mine to write"})
    assert r.status_code == 403
    assert await Note.scoped(dealer.id).count() == 0
    manager = await client_as(dealer, "manager")
    assert (await manager.post("/notes/", data={"title": "Mine"})).status_code == 302
    assert await Note.scoped(dealer.id).count() == 1


async def test_hook_prepare_jinja_env(make_dealer, client_as):
    dealer = await make_dealer(modules=["notes"])
    manager = await client_as(dealer, "manager")
    await manager.post("/notes/", data={"title": "quiet"})
    note = await Note.scoped(dealer.id).objects().first()
    r = await manager.get(f"/notes/{note.id}")
    assert '<h1 class="note-title">QUIET!</h1>' in r.text


async def test_hook_nav_items(make_dealer, client_as):
    dealer = await make_dealer(modules=["extra"])
    manager = await client_as(dealer, "manager")
    home = await manager.get("/")
    nav = re.search(r'<nav class="main-nav".*?</nav>', home.text, re.S).group(0)
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert hrefs.index("/") < hrefs.index("/notes/") < hrefs.index("/extra/")  # sorted by order
    assert f"/admin/dealers/{dealer.id}/modules" not in hrefs  # managers do not manage modules
    admin = await client_as(dealer, "dealer_admin")
    assert f"/admin/dealers/{dealer.id}/modules" in (await admin.get("/")).text


async def test_hook_platform_nav_items(make_dealer, client_as, login, platform_admin):
    admin = await login(platform_admin)
    page = await admin.get("/admin/dealers")
    nav = re.search(r'<nav class="main-nav".*?</nav>', page.text, re.S).group(0)
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert "/admin/dealers" in hrefs and "/reports/platform" in hrefs  # the reports plugin's, sorted in
    assert hrefs.index("/reports/platform") < hrefs.index("/admin/dealers")
    dealer = await make_dealer(modules=["reports"])
    staff = await client_as(dealer, "dealer_admin")
    assert "/reports/platform" not in (await staff.get("/")).text  # a dealer's staff are not asked


async def test_hook_page_slots(make_dealer, client_as):
    dealer = await make_dealer(modules=["notes"])
    manager = await client_as(dealer, "manager")
    home = await manager.get("/")
    assert "notes-widget" in home.text
    assert 'hx-get="/notes/widget"' in home.text  # a lazily loaded widget
    assert home.text.index("notes-widget") < home.text.index('hx-get="/notes/widget"')
    widget = await manager.get("/notes/widget", headers={"hx-request": "true"})
    assert widget.text == "<p class='notes-count'>0</p>"


async def test_hook_demo_data(forecourt_registry):
    settings = Settings(default_modules=("notes",))
    await demo.seed(forecourt_registry, settings)
    await demo.seed(forecourt_registry, settings)  # idempotent
    for slug, *_ in demo.DEMO_DEALERS:
        dealer = await Dealer.objects().get(Dealer.slug == slug)
        assert await Note.scoped(dealer.id).count() == 1


async def test_hook_validate_change(make_dealer, client_as):
    dealer = await make_dealer(modules=["notes"])
    manager = await client_as(dealer, "manager")
    r = await manager.post("/notes/", data={"title": "This is forbidden"})
    assert r.status_code == 422
    assert "may not say" in r.text and 'value="This is forbidden"' in r.text
    assert await Note.scoped(dealer.id).count() == 0
    assert await events(dealer.id) == []  # vetoed writes notify nobody


async def test_hook_on_entity_created(make_dealer, client_as):
    dealer = await make_dealer(modules=["notes"])
    manager = await client_as(dealer, "manager")
    await manager.post("/notes/", data={"title": "Hello"})
    note = await Note.scoped(dealer.id).objects().first()
    assert await events(dealer.id) == [("on_entity_created", f"notes.note:{note.id}")]


def test_hook_register_entities(forecourt_registry):
    """Every installed plugin's declarations are installed, each checked, with its table and card."""
    from fc_deals.tables import Deal

    from core import entities

    installed = entities.entities()
    assert {"notes.note", "deals.deal", "customers.customer", "leads.lead"} <= set(installed)
    assert installed["deals.deal"].table is Deal and installed["deals.deal"].card_url(7) == "/deals/7"
    assert installed["notes.note"].card_url(7) == "/notes/"  # no card: the plugin's start page
    assert entities.protected_fields("deals.deal") == {"status", "contacted_at", "signed_at"}  # from its machine


async def test_notifications_inside_a_callers_transaction_wait_for_its_commit(make_dealer):
    """A create inside someone else's transaction is heard after that one commits, and never if it rolls back."""
    from core.context import Context
    from forecourt import create_entity, now, transaction

    dealer = await make_dealer(modules=["notes"])
    ctx = Context(dealer_id=dealer.id, user_id=dealer.users["manager"].id, role="manager",
                  modules=frozenset(dealer.modules))
    try:
        async with transaction():
            await create_entity(ctx, Note, "notes.note", {"title": "Rolled back", "created_at": now()})
            raise LookupError("the caller gives up")
    except LookupError:
        pass
    assert await Note.scoped(dealer.id).count() == 0 and await events(dealer.id) == []
    async with transaction():
        async with transaction():  # a nested one joins the outer one: its commit is not the commit
            first = await create_entity(ctx, Note, "notes.note", {"title": "One", "created_at": now()})
        second = await create_entity(ctx, Note, "notes.note", {"title": "Two", "created_at": now()})
        assert await events(dealer.id) == []  # nothing heard before the commit
    assert await events(dealer.id) == [("on_entity_created", f"notes.note:{first.id}"),
                                       ("on_entity_created", f"notes.note:{second.id}")]


async def test_hook_on_entity_deleted(make_dealer):
    from core.context import Context
    from forecourt import create_entity, delete_entity, now

    dealer = await make_dealer(modules=["notes"])
    ctx = Context(dealer_id=dealer.id, user_id=dealer.users["manager"].id, role="manager",
                  modules=frozenset(dealer.modules))
    note = await create_entity(ctx, Note, "notes.note", {"title": "Bye", "created_at": now()})
    assert await delete_entity(ctx, Note, "notes.note", note.id)
    assert await Note.scoped(dealer.id).count() == 0
    assert ("on_entity_deleted", f"notes.note:{note.id}") in await events(dealer.id)
    assert not await delete_entity(ctx, Note, "notes.note", note.id)  # gone: nothing to delete, no call


async def test_raising_notification_keeps_the_write_and_is_shown_to_the_platform_admin(
    make_dealer, client_as, login, platform_admin
):
    dealer = await make_dealer(modules=["extra"])  # extra's on_entity_created raises
    manager = await client_as(dealer, "manager")
    r = await manager.post("/notes/", data={"title": "Survives"})
    assert r.status_code == 302
    assert await Note.scoped(dealer.id).count() == 1
    # the other plugin's implementation still ran
    assert [h for h, _ in await events(dealer.id)].count("on_entity_created") == 1
    failure = await HookFailure.objects().where(
        (HookFailure.dealer_id == dealer.id) & (HookFailure.hook == "on_entity_created")).first()
    assert failure is not None and failure.plugin == "extra"
    assert "extra refuses to hear" in failure.error
    page = await (await login(platform_admin)).get("/admin/hook-failures")
    assert page.status_code == 200 and "extra refuses to hear" in page.text
    assert (await manager.get("/admin/hook-failures")).status_code == 403


async def test_hanging_notification_is_timed_out_and_recorded(make_dealer, client_as):
    dealer = await make_dealer(modules=["notes"])
    admin = await client_as(dealer, "dealer_admin")
    # extra's on_plugin_enabled sleeps for a minute; the switch must still complete
    r = await admin.post(f"/admin/dealers/{dealer.id}/modules/extra/enable")
    assert r.status_code == 302
    failure = await HookFailure.objects().where(
        (HookFailure.dealer_id == dealer.id) & (HookFailure.hook == "on_plugin_enabled")).first()
    assert failure is not None and failure.plugin == "extra" and "timed out" in failure.error
    assert ("on_plugin_enabled", "extra") in await events(dealer.id)


async def test_dealer_scoped_hooks_skip_disabled_plugins(forecourt_registry):
    reg = registry()
    only_notes = reg.implementations("on_entity_created", frozenset({"notes"}))
    assert {i.plugin_name for i in only_notes} == {"notes"}
    assert reg.implementations("on_entity_created", frozenset()) == []
    everyone = {i.plugin_name for i in reg.implementations("on_entity_created", None)}
    assert {"notes", "extra"} <= everyone


async def test_plugin_defined_hookspec(make_dealer, client_as):
    dealer = await make_dealer(modules=["extra"])
    manager = await client_as(dealer, "manager")
    await manager.post("/notes/", data={"title": "Badged"})
    listing = await manager.get("/notes/")
    assert '<span class="badge badge-blue">extra</span>' in listing.text


async def test_hook_report_metrics_isolates_a_broken_metric(make_dealer, forecourt_env):
    from fc_extra.tables import Mark

    from core.context import system_context
    from forecourt import Period, compute_metrics

    dealer = await make_dealer(modules=["extra"])
    await Mark.scoped(dealer.id).insert(label="gold")
    ctx = system_context(dealer.id, frozenset(dealer.modules))
    today = dt.datetime.now(dt.UTC).date()
    figures = {f.metric.key: f for f in await compute_metrics(ctx, Period.days(today, today))}
    assert set(figures) == {"extra.marks", "extra.broken"}  # malformed declarations are dropped
    assert figures["extra.marks"].value.total == 1 and figures["extra.marks"].plugin == "extra"
    assert figures["extra.broken"].value is None  # a failure gives no figure, not an error
    failures = await HookFailure.select(HookFailure.hook, HookFailure.error).where(
        (HookFailure.dealer_id == dealer.id) & (HookFailure.plugin == "extra"))
    recorded = {(f["hook"], f["error"]) for f in failures}
    assert ("report_metrics:extra.broken", "RuntimeError: extra cannot count today") in recorded
    dropped = " ".join(error for hook, error in recorded if hook == "report_metrics")
    assert "metric key 'notes.stolen' must look like 'extra.<name>'" in dropped and "not a Metric" in dropped
    # only enabled plugins are asked
    other = await make_dealer(modules=["notes"])
    assert await compute_metrics(system_context(other.id, frozenset(other.modules)),
                                 Period.days(today, today)) == []
    out = subprocess.run([sys.executable, "-m", "core.cli", "metrics", dealer.slug, "--by-user"],
                         env={**os.environ, **forecourt_env}, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert re.search(r"extra\.marks\s+1\s+Marks", out.stdout)
    assert "extra.broken" in out.stdout and "failed" in out.stdout
