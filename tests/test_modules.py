"""The per-dealer module switchboard, over HTTP against the real server."""

from fc_notes.tables import Event, Note

from core.tables import Dealer, ModuleChange


async def modules_of(dealer_id: int) -> set[str]:
    row = await Dealer.select(Dealer.modules).where(Dealer.id == dealer_id).first()
    return {m for m in row["modules"].split(",") if m}


async def test_disable_hides_and_404s_for_one_dealer_only(make_dealer, client_as):
    a = await make_dealer(modules=["notes"])
    b = await make_dealer(modules=["notes"])
    admin_a = await client_as(a, "dealer_admin")
    manager_a = await client_as(a, "manager")
    manager_b = await client_as(b, "manager")
    created = await manager_a.post("/notes/", data={"title": "Keep me"})
    assert created.status_code == 302

    r = await admin_a.post(f"/admin/dealers/{a.id}/modules/notes/disable")
    assert r.status_code == 302
    assert "notes" not in await modules_of(a.id)

    home_a = await manager_a.get("/")
    assert 'href="/notes/"' not in home_a.text
    assert "notes-widget" not in home_a.text
    assert (await manager_a.get("/notes/")).status_code == 404
    # the other dealer still uses it
    home_b = await manager_b.get("/")
    assert 'href="/notes/"' in home_b.text and "notes-widget" in home_b.text
    assert (await manager_b.get("/notes/")).status_code == 200

    # disabling drops no data; re-enabling restores it
    assert await Note.scoped(a.id).count() == 1
    r = await admin_a.post(f"/admin/dealers/{a.id}/modules/notes/enable")
    assert r.status_code == 302
    listing = await manager_a.get("/notes/")
    assert listing.status_code == 200 and "Keep me" in listing.text
    changes = await ModuleChange.select(ModuleChange.plugin, ModuleChange.enabled).where(
        ModuleChange.dealer_id == a.id).order_by(ModuleChange.id)
    assert [(c["plugin"], c["enabled"]) for c in changes] == [("notes", False), ("notes", True)]


async def test_enable_shows_and_enables_the_requires_closure(make_dealer, client_as):
    dealer = await make_dealer(modules=[])
    admin = await client_as(dealer, "dealer_admin")
    board = await admin.get(f"/admin/dealers/{dealer.id}/modules")
    assert board.status_code == 200 and "Needs: Notes" in board.text
    confirm = await admin.post(f"/admin/dealers/{dealer.id}/modules/extra/enable")
    assert confirm.status_code == 200
    assert "will be switched on too" in confirm.text and "Notes" in confirm.text
    assert await modules_of(dealer.id) == set()
    done = await admin.post(f"/admin/dealers/{dealer.id}/modules/extra/enable",
                            data={"confirm": "1"})
    assert done.status_code == 302
    assert await modules_of(dealer.id) == {"notes", "extra"}


async def test_disable_refused_while_a_dependent_is_enabled(make_dealer, client_as):
    dealer = await make_dealer(modules=["extra"])
    admin = await client_as(dealer, "dealer_admin")
    r = await admin.post(f"/admin/dealers/{dealer.id}/modules/notes/disable")
    assert r.status_code == 409
    assert "cannot be switched off" in r.text and "Extra" in r.text
    assert await modules_of(dealer.id) == {"notes", "extra"}


async def test_only_admins_reach_the_switchboard(make_dealer, client_as, login, platform_admin):
    dealer = await make_dealer(modules=["notes"])
    other = await make_dealer(modules=["notes"])
    manager = await client_as(dealer, "manager")
    assert (await manager.get(f"/admin/dealers/{dealer.id}/modules")).status_code == 403
    assert (await manager.post(f"/admin/dealers/{dealer.id}/modules/notes/disable")).status_code == 403
    admin = await client_as(dealer, "dealer_admin")
    # another dealer's switchboard does not exist for this admin
    assert (await admin.get(f"/admin/dealers/{other.id}/modules")).status_code == 404
    assert (await admin.post(f"/admin/dealers/{other.id}/modules/notes/disable")).status_code == 404
    assert "notes" in await modules_of(other.id)
    # the platform admin manages any dealer
    platform = await login(platform_admin)
    r = await platform.post(f"/admin/dealers/{other.id}/modules/notes/disable")
    assert r.status_code == 302
    assert "notes" not in await modules_of(other.id)


async def test_unknown_module_is_a_clear_404(make_dealer, client_as):
    dealer = await make_dealer(modules=[])
    admin = await client_as(dealer, "dealer_admin")
    r = await admin.post(f"/admin/dealers/{dealer.id}/modules/warpdrive/enable")
    assert r.status_code == 404 and "not installed" in r.text


async def hook_events(dealer_id: int) -> list[tuple[str, str]]:
    rows = await Event.scoped(dealer_id).select(Event.hook, Event.detail).order_by(Event.id)
    return [(e["hook"], e["detail"]) for e in rows]


async def test_hook_on_plugin_enabled(make_dealer, client_as):
    dealer = await make_dealer(modules=[])
    admin = await client_as(dealer, "dealer_admin")
    r = await admin.post(f"/admin/dealers/{dealer.id}/modules/notes/enable")
    assert r.status_code in (200, 302, 303)
    assert await hook_events(dealer.id) == [("on_plugin_enabled", "notes")]
    # enabling again changes nothing and fires nothing
    await admin.post(f"/admin/dealers/{dealer.id}/modules/notes/enable")
    assert await hook_events(dealer.id) == [("on_plugin_enabled", "notes")]


async def test_hook_on_plugin_disabled(make_dealer, client_as):
    dealer = await make_dealer(modules=["notes"])
    admin = await client_as(dealer, "dealer_admin")
    await admin.post(f"/admin/dealers/{dealer.id}/modules/notes/disable")
    assert await hook_events(dealer.id) == [("on_plugin_disabled", "notes")]
    # once disabled, the plugin hears nothing more from this dealer
    await admin.post(f"/admin/dealers/{dealer.id}/modules/notes/disable")
    await admin.post(f"/admin/dealers/{dealer.id}/modules/extra/disable")
    assert await hook_events(dealer.id) == [("on_plugin_disabled", "notes")]


async def test_concurrent_switches_are_never_lost_and_keep_requirements(make_dealer, client_as, login):
    """Two admins switching at once: both changes stay, and no module is left on without what it needs."""
    import asyncio

    dealer = await make_dealer(modules=[])
    one = await client_as(dealer, "dealer_admin")
    two = await login(dealer.users["dealer_admin"])
    base = f"/admin/dealers/{dealer.id}/modules"
    for _round in range(12):
        answers = await asyncio.gather(one.post(f"{base}/notes/enable"), two.post(f"{base}/deals/enable"))
        assert [a.status_code for a in answers] == [302, 302]
        assert await modules_of(dealer.id) == {"notes", "deals"}
        answers = await asyncio.gather(one.post(f"{base}/notes/disable"), two.post(f"{base}/deals/disable"))
        assert await modules_of(dealer.id) == set()
    for _round in range(4):  # extra's hooks are slow on purpose: fewer rounds
        # switching notes off while extra (which needs notes) is switched on: never extra without notes
        answers = await asyncio.gather(one.post(f"{base}/extra/enable", data={"confirm": "1"}),
                                       two.post(f"{base}/notes/disable"))
        assert all(a.status_code < 500 for a in answers)
        now_on = await modules_of(dealer.id)
        assert now_on in ({"notes", "extra"}, set()), now_on
        await one.post(f"{base}/extra/disable")
        await one.post(f"{base}/notes/disable")
    changes = await ModuleChange.count().where(ModuleChange.dealer_id == dealer.id)
    assert changes >= 12 * 4 + 4 * 2  # every switch that happened is logged
