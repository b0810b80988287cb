"""Status machines over real HTTP: the deals test plugin declares one; the core does the rest."""

import datetime as dt
import re

from fc_deals.tables import Deal, Heard

from core.tables import History, HookFailure

OFFERED = re.compile(r'data-transition="([a-z_]+)"')


async def new_deal(client, title="Škoda Octavia for Novák", **extra) -> int:
    r = await client.post("/deals/", data={"title": title, **extra})
    assert r.status_code == 303, r.text[:500]
    return int(r.headers["location"].rsplit("/", 1)[1])


async def offered(client, deal_id) -> list[str]:
    r = await client.get(f"/deals/{deal_id}")
    assert r.status_code == 200
    panel = r.text.split('class="workflow"', 1)[1].split("</div>\n</div>", 1)[0]
    return OFFERED.findall(panel)


async def act(client, deal_id, transition, state, **inputs):
    return await client.post(f"/workflow/deals.deal/{deal_id}/{transition}",
                             data={"_state": state, "next": f"/deals/{deal_id}", **inputs})


async def status(dealer_id, deal_id) -> str:
    return (await Deal.scoped(dealer_id).get(deal_id)).status


async def test_card_offers_exactly_the_allowed_actions(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    manager = await client_as(dealer, "manager")
    deal_id = await new_deal(manager)
    assert await status(dealer.id, deal_id) == "new"  # the machine's initial state
    assert await offered(manager, deal_id) == ["contact", "postpone", "refuse"]
    assert (await act(manager, deal_id, "contact", "new")).status_code == 303
    # sign's guard wants an amount, so it is not offered yet
    assert await offered(manager, deal_id) == ["postpone", "refuse"]
    assert (await manager.post(f"/deals/{deal_id}", data={"amount": "420000"})).status_code == 303
    assert await offered(manager, deal_id) == ["postpone", "sign", "refuse"]
    assert (await act(manager, deal_id, "sign", "contacted")).status_code == 303
    assert await offered(manager, deal_id) == []  # closing needs deals.close
    admin = await client_as(dealer, "dealer_admin")
    assert await offered(admin, deal_id) == ["close"]
    assert (await act(manager, deal_id, "close", "signed")).status_code == 422  # not for a manager
    assert (await act(admin, deal_id, "close", "signed")).status_code == 303
    page = await admin.get(f"/deals/{deal_id}")
    assert await offered(admin, deal_id) == [] and "This is a final status." in page.text


async def test_guard_refuses_with_its_message_and_writes_nothing(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    manager = await client_as(dealer, "manager")
    deal_id = await new_deal(manager)
    await act(manager, deal_id, "contact", "new")
    r = await act(manager, deal_id, "sign", "contacted")
    assert r.status_code == 422 and "Enter the deal&#39;s amount before signing." in r.text
    assert await status(dealer.id, deal_id) == "contacted"
    assert (await Deal.scoped(dealer.id).get(deal_id)).signed_at is None


async def test_stale_form_is_refused_and_nothing_is_written(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    first = await client_as(dealer, "manager")
    second = await client_as(dealer, "dealer_admin")
    deal_id = await new_deal(first)
    assert (await act(first, deal_id, "contact", "new")).status_code == 303
    history_before = await History.count().where(History.dealer_id == dealer.id)
    # the second user's page still shows "new"
    r = await act(second, deal_id, "refuse", "new", reason="Too expensive", note="call later")
    assert r.status_code == 409
    assert "Someone else changed this meanwhile" in r.text and "Contacted" in r.text
    assert await status(dealer.id, deal_id) == "contacted"
    assert await History.count().where(History.dealer_id == dealer.id) == history_before
    # a transition not allowed from the current state is refused too
    assert (await act(second, deal_id, "wake", "contacted")).status_code == 409


async def test_a_conflict_keeps_the_input_and_offers_it_again_on_the_current_status(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    first = await client_as(dealer, "manager")
    second = await client_as(dealer, "dealer_admin")
    deal_id = await new_deal(first)
    assert (await act(first, deal_id, "contact", "new")).status_code == 303
    # the second user typed a refusal on a card that still said "new"
    r = await act(second, deal_id, "refuse", "new", reason="Too expensive", note="He found a cheaper one")
    assert r.status_code == 409 and "Someone else changed this meanwhile" in r.text
    assert '>He found a cheaper one</textarea>' in r.text and "<option selected>Too expensive</option>" in r.text
    assert 'data-state="contacted"' in r.text  # the status as it is now
    assert f'href="/deals/{deal_id}"' in r.text  # the card, to see what changed
    form = r.text.split(f'action="/workflow/deals.deal/{deal_id}/refuse"', 1)[1].split("</form>", 1)[0]
    assert 'name="_state" value="contacted"' in form and 'type="submit"' in form
    assert await status(dealer.id, deal_id) == "contacted"
    # sent again as the page offers it, it applies to the status the user now saw
    data = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    r = await second.post(f"/workflow/deals.deal/{deal_id}/refuse",
                          data={**data, "reason": "Too expensive", "note": "He found a cheaper one"})
    assert r.status_code == 303 and await status(dealer.id, deal_id) == "refused"


async def test_a_conflict_on_a_transition_no_longer_possible_keeps_the_text_to_copy(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    first = await client_as(dealer, "manager")
    second = await client_as(dealer, "manager")
    deal_id = await new_deal(first)
    assert (await act(first, deal_id, "postpone", "new", until="2030-01-01")).status_code == 303
    r = await act(second, deal_id, "refuse", "new", reason="Too expensive", note="Typed for nothing")
    assert r.status_code == 409 and '>Typed for nothing</textarea>' in r.text
    assert 'data-state="postponed"' in r.text and "not available in the status “Postponed”" in r.text
    form = r.text.split(f'action="/workflow/deals.deal/{deal_id}/refuse"', 1)[1].split("</form>", 1)[0]
    assert 'type="submit"' not in form and f'href="/deals/{deal_id}">Back to the card</a>' in form
    assert await status(dealer.id, deal_id) == "postponed"


async def test_required_inputs_reasons_and_other(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    manager = await client_as(dealer, "manager")
    deal_id = await new_deal(manager)
    r = await act(manager, deal_id, "refuse", "new")
    assert r.status_code == 422
    assert "Fill in “Reason”." in r.text and "Fill in “Note”." in r.text
    r = await act(manager, deal_id, "refuse", "new", reason="Made up", note="x")
    assert r.status_code == 422 and "Choose one of the reasons offered." in r.text
    r = await act(manager, deal_id, "refuse", "new", reason="__other__", note="kept note")
    assert r.status_code == 422 and "Describe the reason." in r.text
    assert 'kept note' in r.text  # the user's input is kept
    assert await status(dealer.id, deal_id) == "new"
    r = await act(manager, deal_id, "refuse", "new", reason="__other__", reason_other="Moved abroad",
                  note="Customer emigrates")
    assert r.status_code == 303
    assert await status(dealer.id, deal_id) == "refused"
    row = await History.select().where((History.entity == "deals.deal") & (History.entity_id == deal_id)
                                       & (History.kind == "transition")).first()
    assert '"reason": "Moved abroad"' in row["payload"] and row["summary"] == "Refuse"


async def test_input_written_to_its_column_and_dates_validated(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    manager = await client_as(dealer, "manager")
    deal_id = await new_deal(manager)
    r = await act(manager, deal_id, "postpone", "new", until="next spring")
    assert r.status_code == 422 and "Enter a date like 2026-12-31." in r.text
    assert (await act(manager, deal_id, "postpone", "new", until="2027-03-01")).status_code == 303
    deal = await Deal.scoped(dealer.id).get(deal_id)
    assert deal.status == "postponed" and deal.postponed_until == dt.date(2027, 3, 1)


async def test_no_route_alters_a_stamped_timestamp(make_dealer, client_as, forecourt_registry):
    """Every route of the app that accepts a write is tried with the protected fields in the body."""
    from core.app import create_app

    dealer = await make_dealer(modules=["deals"])
    admin = await client_as(dealer, "dealer_admin")
    deal_id = await new_deal(admin, amount="1000")
    await act(admin, deal_id, "contact", "new")
    stamped = (await Deal.scoped(dealer.id).get(deal_id)).contacted_at
    assert stamped is not None
    forged = {"contacted_at": "2001-01-01T00:00:00+00:00", "signed_at": "2001-01-01T00:00:00+00:00",
              "status": "won", "title": "forged", "amount": "1"}
    # creating a row with protected fields is refused and creates nothing
    count = await Deal.scoped(dealer.id).count()
    assert (await admin.post("/deals/", data={"title": "x", **forged})).status_code == 422
    assert await Deal.scoped(dealer.id).count() == count

    app = create_app(registry=forecourt_registry)
    tried = 0
    for route in app.routes:
        for method in sorted(getattr(route, "methods", set()) - {"GET", "HEAD", "OPTIONS"}):
            if route.path in ("/logout", "/login") or ("{" not in route.path and not route.path.startswith("/deals")):
                continue
            paths = [route.path]
            for name, value in (("{deal_id:int}", str(deal_id)), ("{entity_id:int}", str(deal_id)),
                                ("{key:str}", "deals.deal"), ("{entity:str}", "deals.deal"),
                                ("{dealer_id:int}", str(dealer.id))):
                paths = [p.replace(name, value) for p in paths]
            if "{transition:str}" in route.path:
                paths = [p.replace("{transition:str}", t) for p in paths
                         for t in ("contact", "postpone", "wake", "sign", "refuse", "close")]
            for path in paths:
                if "{" in path:
                    continue
                state = await status(dealer.id, deal_id)
                r = await admin.request(method, path, data={**forged, "_state": state, "until": "2030-01-01",
                                                            "reason": "Too expensive", "note": "n", "text": "t"})
                assert r.status_code < 500, f"{method} {path}: {r.status_code}"  # forged input is a 4xx at worst
                tried += 1
    assert tried >= 8
    deal = await Deal.scoped(dealer.id).get(deal_id)
    assert deal.contacted_at == stamped
    assert deal.signed_at is None or deal.signed_at > stamped  # only ever stamped by the engine, now
    assert deal.title != "forged"


async def test_raising_on_status_change_keeps_the_transition(make_dealer, client_as, platform_admin, login):
    dealer = await make_dealer(modules=["deals"])
    manager = await client_as(dealer, "manager")
    deal_id = await new_deal(manager, title="explode on change")
    assert (await act(manager, deal_id, "contact", "new")).status_code == 303
    assert await status(dealer.id, deal_id) == "contacted"
    failure = await HookFailure.select().where(
        (HookFailure.dealer_id == dealer.id) & (HookFailure.hook == "on_status_changed")).first()
    assert failure["plugin"] == "deals" and "listener failed on purpose" in failure["error"]
    admin = await login(platform_admin)
    assert "listener failed on purpose" in (await admin.get("/admin/hook-failures")).text


async def test_disabled_plugin_machine_routes_are_404(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    manager = await client_as(dealer, "manager")
    deal_id = await new_deal(manager)
    other = await make_dealer(modules=["notes"])
    stranger = await client_as(other, "manager")
    for path in ("/workflow/deals.deal", f"/timeline/deals.deal/{deal_id}", f"/workflow/deals.deal/{deal_id}/contact"):
        assert (await stranger.get(path)).status_code == 404
    assert (await act(stranger, deal_id, "contact", "new")).status_code == 404
    other_deals = await make_dealer(modules=["deals"])
    neighbour = await client_as(other_deals, "manager")
    assert (await act(neighbour, deal_id, "contact", "new")).status_code == 404  # not their row
    assert await status(dealer.id, deal_id) == "new"


async def test_diagram_page_draws_every_state(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    manager = await client_as(dealer, "manager")
    r = await manager.get("/workflow/deals.deal")
    assert r.status_code == 200 and "<svg" in r.text
    states = re.findall(r'<g class="state" data-state="(\w+)"', r.text)
    assert states == ["new", "contacted", "postponed", "signed", "refused", "won"]
    assert re.findall(r'data-state="(\w+)" data-terminal="true"', r.text) == ["refused", "won"]
    assert r.text.count('data-transition="postpone"') == 2  # from new and from contacted


async def test_hook_register_status_machines(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    manager = await client_as(dealer, "manager")
    r = await manager.get("/deals/")
    select = r.text.split('id="f-status"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r'<option value="(\w+)"', select)
    assert options == ["new", "contacted", "postponed", "signed", "refused", "won"]


async def test_hook_validate_transition(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    manager = await client_as(dealer, "manager")
    deal_id = await new_deal(manager)
    r = await act(manager, deal_id, "refuse", "new", reason="Too expensive", note="veto me")
    assert r.status_code == 422 and "The deals plugin refuses this refusal." in r.text
    assert await status(dealer.id, deal_id) == "new"
    assert await History.count().where((History.dealer_id == dealer.id) & (History.entity_id == deal_id)
                                       & (History.kind == "transition")) == 0


async def test_a_transitions_effect_is_written_with_it_or_not_at_all(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    manager, admin = await client_as(dealer, "manager"), await client_as(dealer, "dealer_admin")
    effects = Heard.scoped(dealer.id).select(Heard.detail).where(Heard.hook == "effect:close")
    for amount, closes in (("13", False), ("14", True)):
        deal_id = await new_deal(manager, amount=amount)
        await act(manager, deal_id, "contact", "new")
        await act(manager, deal_id, "sign", "contacted")
        r = await act(admin, deal_id, "close", "signed")
        if closes:  # the effect saw the row as it was before the change, inside the transition
            assert r.status_code == 303 and await status(dealer.id, deal_id) == "won"
            assert [h["detail"] for h in await effects] == [f"{deal_id}:signed"]
        else:  # its veto rolled back the status, the stamps, the history row and its own write
            assert r.status_code == 422 and "Unlucky amount" in r.text
            assert await status(dealer.id, deal_id) == "signed" and await effects == []
            assert await History.count().where((History.dealer_id == dealer.id) & (History.entity_id == deal_id)
                                               & (History.kind == "transition")) == 2


async def test_hook_on_status_changed(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    manager = await client_as(dealer, "manager")
    deal_id = await new_deal(manager, amount="5")
    await act(manager, deal_id, "contact", "new")
    await act(manager, deal_id, "sign", "contacted")
    heard = await Heard.scoped(dealer.id).select(Heard.hook, Heard.detail).order_by(Heard.id)
    assert [(h["hook"], h["detail"]) for h in heard] == [
        ("on_status_changed", f"{deal_id}:new->contacted"),
        ("on_status_changed", f"{deal_id}:contacted->signed"),
        ("deals_contract_signed", str(deal_id)),  # the transition's own notification
    ]


async def test_hook_on_entity_updated(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    manager = await client_as(dealer, "manager")
    deal_id = await new_deal(manager, amount="5")
    assert (await manager.post(f"/deals/{deal_id}", data={"amount": "7"})).status_code == 303
    assert (await manager.post(f"/deals/{deal_id}", data={"amount": "7"})).status_code == 303  # no change: no call
    heard = await Heard.scoped(dealer.id).select(Heard.hook, Heard.detail).where(Heard.hook == "on_entity_updated")
    assert [h["detail"] for h in heard] == [f"{deal_id}:amount=5->7"]


async def test_hook_timeline_entries(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    manager = await client_as(dealer, "manager")
    deal_id = await new_deal(manager)
    await act(manager, deal_id, "contact", "new")
    r = await manager.get(f"/timeline/deals.deal/{deal_id}")
    assert f"Deals plugin heard {deal_id}:new-&gt;contacted" in r.text
    assert "Contact succeeded" in r.text


async def test_comments_keep_their_edit_history(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    manager = await client_as(dealer, "manager")
    deal_id = await new_deal(manager)
    r = await manager.post(f"/timeline/deals.deal/{deal_id}/comments", data={"text": "Wants a red one"})
    assert r.status_code == 303
    card = await manager.get(f"/deals/{deal_id}")
    comment_id = int(re.search(r"/comments/(\d+)", card.text).group(1))
    for text in ("Wants a blue one", "Wants a blue one, 4x4"):
        r = await manager.post(f"/timeline/deals.deal/{deal_id}/comments/{comment_id}", data={"text": text})
        assert r.status_code == 303
    card = await manager.get(f"/deals/{deal_id}")
    assert "Wants a blue one, 4x4" in card.text and "edited" in card.text
    assert "<s>Wants a red one</s>" in card.text and "<s>Wants a blue one</s>" in card.text
    assert (await manager.post(f"/timeline/deals.deal/{deal_id}/comments", data={"text": "  "})).status_code == 422
    # someone else's comment: only its author or the dealer's administrator may edit it
    storekeeper = await client_as(dealer, "storekeeper")
    r = await storekeeper.post(f"/timeline/deals.deal/{deal_id}/comments/{comment_id}", data={"text": "mine now"})
    assert r.status_code == 403 and "Only the author" in r.text
    admin = await client_as(dealer, "dealer_admin")
    r = await admin.post(f"/timeline/deals.deal/{deal_id}/comments/{comment_id}", data={"text": "Blue, 4x4, LPG"})
    assert r.status_code == 303


async def test_dealer_admin_edits_the_reason_list(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals"])
    other = await make_dealer(modules=["deals"])
    admin = await client_as(dealer, "dealer_admin")
    home = await admin.get("/")
    assert f"/admin/dealers/{dealer.id}/reasons" in home.text
    page = await admin.get(f"/admin/dealers/{dealer.id}/reasons")
    assert "Too expensive" in page.text and "Bought elsewhere" in page.text  # seeded defaults
    key = "deals.deal.refuse.reason"
    assert (await admin.post(f"/admin/dealers/{dealer.id}/reasons",
                             data={"list_key": key, "label": "No credit approval"})).status_code == 303
    dup = await admin.post(f"/admin/dealers/{dealer.id}/reasons", data={"list_key": key, "label": "Too expensive"})
    assert dup.status_code == 422 and "already in the list" in dup.text
    page = await admin.get(f"/admin/dealers/{dealer.id}/reasons")
    too_expensive = re.search(r'name="reason_id" value="(\d+)">\s*<input type="hidden" name="active" value="0">',
                              page.text.split("Too expensive", 1)[1]).group(1)
    await admin.post(f"/admin/dealers/{dealer.id}/reasons",
                     data={"list_key": key, "reason_id": too_expensive, "active": "0"})
    manager = await client_as(dealer, "manager")
    deal_id = await new_deal(manager)
    card = await manager.get(f"/deals/{deal_id}")
    assert "No credit approval" in card.text and ">Too expensive<" not in card.text
    r = await act(manager, deal_id, "refuse", "new", reason="Too expensive", note="x")
    assert r.status_code == 422  # hidden reasons are no longer accepted
    assert (await act(manager, deal_id, "refuse", "new", reason="No credit approval", note="x")).status_code == 303
    # the other dealer keeps the defaults; managers cannot edit lists
    other_manager = await client_as(other, "manager")
    other_deal = await new_deal(other_manager)
    assert ">Too expensive<" in (await other_manager.get(f"/deals/{other_deal}")).text
    assert (await manager.get(f"/admin/dealers/{dealer.id}/reasons")).status_code == 403
