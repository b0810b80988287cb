"""The leads plugin (first part): intake, list, the machine of manuals 000/001, postpone, customer panel."""

import datetime as dt
import os
import re
import subprocess
import sys

from core.tables import History, Reminder
from plugins.leads.tables import Lead

VALID = {"surname": "Novák", "first_name": "Jan", "phone": "+420 601 234 567", "model": "Peugeot 408",
         "source": "phone", "request_type": "pre_order"}


async def new_lead(client, **values) -> int:
    r = await client.post("/leads/", data={**VALID, "confirm_duplicate": "1", **values})
    assert r.status_code == 303, r.text[:800]
    return int(r.headers["location"].rsplit("/", 1)[1])


def proof_in(html: str, lead_id: int) -> str:
    """The proof the search result of ``lead_id`` carries (its action forms post it back)."""
    row = html.split(f'data-found="{lead_id}"', 1)[1].split("</tr>", 1)[0]
    found = re.search(r'name="proof" value="([^"]+)"', row)
    assert found, row
    return found.group(1)


async def act(client, lead_id, transition, state, **inputs):
    return await client.post(f"/workflow/leads.lead/{lead_id}/{transition}",
                             data={"_state": state, "next": f"/leads/{lead_id}", **inputs})


async def test_required_fields_with_clear_messages(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    r = await manager.post("/leads/", data={"first_name": "Kept"})
    assert r.status_code == 422
    for message in ("Enter the customer&#39;s surname.", "Enter what the customer is interested in",
                    "Enter a phone number or an e-mail address.", "Choose where the lead came from.",
                    "Choose the type of request."):
        assert message in r.text
    assert 'value="Kept"' in r.text
    assert await Lead.scoped(dealer.id).count() == 0
    lead_id = await new_lead(manager, phone="", email="jan@example.com")
    lead = await Lead.scoped(dealer.id).get(lead_id)
    assert lead.status == "new" and lead.assignee_id == dealer.users["manager"].id  # made by a user: theirs


async def test_hook_leads_contract_signed_fires_once_after_the_commit(make_dealer, client_as):
    from fc_deals.tables import Heard

    dealer = await make_dealer(modules=["leads", "deals"])
    manager = await client_as(dealer, "manager")
    lead_id = await new_lead(manager)
    assert (await act(manager, lead_id, "contact_ok", "new")).status_code == 303
    assert not await Heard.scoped(dealer.id).exists().where(Heard.hook == "leads_contract_signed")
    assert (await act(manager, lead_id, "contract_signed", "awaiting_visit")).status_code == 303
    heard = await Heard.scoped(dealer.id).select(Heard.detail).where(Heard.hook == "leads_contract_signed")
    assert [h["detail"] for h in heard] == [f"{lead_id}:awaiting_visit->contract_signed"]


async def test_contract_only_after_contact_and_stamps_are_final(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    lead_id = await new_lead(manager)
    card = await manager.get(f"/leads/{lead_id}")
    offered = re.findall(r'data-transition="(\w+)"', card.text.split('class="workflow"')[1].split("</section>")[0])
    assert "contract_signed" not in offered and "contact_ok" in offered
    assert (await act(manager, lead_id, "contract_signed", "new")).status_code == 409  # no contact yet
    assert (await act(manager, lead_id, "contact_ok", "new")).status_code == 303
    lead = await Lead.scoped(dealer.id).get(lead_id)
    assert lead.status == "awaiting_visit" and lead.contacted_at is not None
    contacted = lead.contacted_at
    assert (await act(manager, lead_id, "contract_signed", "awaiting_visit")).status_code == 303
    lead = await Lead.scoped(dealer.id).get(lead_id)
    assert lead.status == "contract_signed" and lead.contract_signed_at is not None
    # the card's edit form takes version, trim and city only; stamps and status cannot be sent in
    r = await manager.post(f"/leads/{lead_id}", data={"version": "GT", "contacted_at": "2001-01-01T00:00:00",
                                                      "status": "new", "contract_signed_at": "2001-01-01"})
    assert r.status_code == 303
    lead = await Lead.scoped(dealer.id).get(lead_id)
    assert lead.version == "GT" and lead.contacted_at == contacted and lead.status == "contract_signed"
    change = next(e for e in re.findall(r'<li class="timeline-entry.*?</li>', (await manager.get(f"/leads/{lead_id}"))
                                        .text, re.S) if "Details changed" in e)
    assert "Version:  → GT" in change  # the edit is in the history, before → after


async def test_contact_and_contract_comments_stay_editable_with_their_history(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    lead_id = await new_lead(manager)
    assert (await act(manager, lead_id, "contact_failed", "new", reason="No answer", note="Voicemail only",
                      next_attempt="2026-01-01T09:30")).status_code == 303
    assert (await act(manager, lead_id, "contact_ok", "new", note="Comes on Saturday")).status_code == 303
    assert (await act(manager, lead_id, "contract_signed", "awaiting_visit", note="Deposit paid")).status_code == 303
    stamped = (await Lead.scoped(dealer.id).get(lead_id)).contract_signed_at
    card = (await manager.get(f"/leads/{lead_id}")).text
    entries = re.findall(r'<li class="timeline-entry.*?</li>\n', card, re.S)
    failed = next(e for e in entries if "Contact failed" in e)
    assert "No answer" in failed and "Voicemail only" in failed and "/comments/" in failed  # editable in place
    assert "T09:30" not in failed and "9:30" in failed  # the next attempt, formatted for the reader
    contract = next(e for e in entries if "Deposit paid" in e)
    comment_id = int(re.search(r"/comments/(\d+)", contract).group(1))
    for text in ("Deposit paid in cash", "Deposit paid by card"):
        r = await manager.post(f"/timeline/leads.lead/{lead_id}/comments/{comment_id}", data={"text": text})
        assert r.status_code == 303
    card = (await manager.get(f"/leads/{lead_id}")).text
    assert "Deposit paid by card" in card and "<s>Deposit paid</s>" in card and "<s>Deposit paid in cash</s>" in card
    edits = await History.select(History.payload).where(
        (History.entity_id == lead_id) & (History.kind == "comment_edit") & (History.dealer_id == dealer.id))
    assert len(edits) == 2
    lead = await Lead.scoped(dealer.id).get(lead_id)
    assert lead.contract_signed_at == stamped and lead.status == "contract_signed"  # the note, not the stamp
    # a colleague may read the note but not rewrite it
    other = await client_as(dealer, "storekeeper")
    r = await other.post(f"/timeline/leads.lead/{lead_id}/comments/{comment_id}", data={"text": "mine"})
    assert r.status_code == 403, r.status_code


async def test_failed_contact_needs_reason_and_note_and_reminds_the_assignee(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    lead_id = await new_lead(manager)
    r = await act(manager, lead_id, "contact_failed", "new")
    assert r.status_code == 422
    assert "Fill in “Reason”." in r.text and "Fill in “Comment”." in r.text
    r = await act(manager, lead_id, "contact_failed", "new", reason="No answer", note="voicemail",
                  next_attempt="2026-01-01T09:30")
    assert r.status_code == 303
    assert (await Lead.scoped(dealer.id).get(lead_id)).status == "new"
    reminder = await Reminder.select().where(
        (Reminder.dealer_id == dealer.id) & (Reminder.entity_id == lead_id)).first()
    assert reminder["user_id"] == dealer.users["manager"].id and reminder["url"] == f"/leads/{lead_id}"
    history = await History.select().where((History.entity == "leads.lead") & (History.entity_id == lead_id))
    assert any(h["summary"] == "Contact failed" and "No answer" in h["payload"] for h in history)
    assert "Try again to reach Jan Novák" in (await manager.get("/")).text


async def test_postponed_lead_comes_back_on_its_date(make_dealer, client_as, forecourt_env):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    due = await new_lead(manager)
    later = await new_lead(manager, phone="+420 601 234 568")
    today = dt.datetime.now(dt.UTC).date()
    assert (await act(manager, due, "postpone", "new", until=str(today), note="after holiday")).status_code == 303
    assert (await act(manager, later, "postpone", "new", until=str(today + dt.timedelta(days=9)),
                      note="later")).status_code == 303
    out = subprocess.run([sys.executable, "-m", "core.cli", "jobs", "run-due"], env={**os.environ, **forecourt_env},
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert f"leads.wake_postponed for dealer {dealer.id}: 1 lead(s) back to New" in out.stdout
    assert (await Lead.scoped(dealer.id).get(due)).status == "new"
    assert (await Lead.scoped(dealer.id).get(later)).status == "postponed"
    assert "Postponed lead Novák is back" in (await manager.get("/")).text


async def test_list_filters_search_and_scope(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    mine = await new_lead(manager, surname="Smirnov", phone="+7 916 123-45-67")
    admin = await client_as(dealer, "dealer_admin")
    theirs = await new_lead(admin, surname="Müller", phone="+420 777 888 999")
    assert (await manager.post(f"/leads/{theirs}/assign", data={"assignee": ""})).status_code == 303

    async def listed(**params) -> set[int]:
        r = await manager.get("/leads/", params=params)
        return {int(x) for x in re.findall(r'data-lead="(\d+)"', r.text)}

    assert await listed() == {mine, theirs}
    assert await listed(q="smirnov") == {mine} and await listed(q="MULLER") == {theirs}
    assert await listed(q="+7 (916) 123-45-67") == {mine} and await listed(q="4567") == {mine}
    assert await listed(assignee="none") == {theirs}
    assert await listed(assignee=str(dealer.users["manager"].id)) == {mine}
    other = await make_dealer(modules=["leads"])
    stranger = await client_as(other, "manager")
    assert (await stranger.get(f"/leads/{mine}")).status_code == 404
    assert "Smirnov" not in (await stranger.get("/leads/")).text


async def test_hook_customers_matches_offer_existing_leads_and_customers_as_duplicates(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads", "customers"])
    manager = await client_as(dealer, "manager")
    r = await manager.post("/customers/", data={"name": "Jan Novák", "phone": "+420 601 234 567", "source": "phone"})
    customer_id = int(r.headers["location"].rsplit("/", 1)[1])
    r = await manager.post("/leads/", data={**VALID, "phone": "00420601234567"})
    assert r.status_code == 409 and f'href="/customers/{customer_id}"' in r.text
    r = await manager.post("/leads/", data={**VALID, "customer_id": str(customer_id)})
    assert r.status_code == 303
    lead_id = int(r.headers["location"].rsplit("/", 1)[1])
    r = await manager.post("/leads/", data=VALID)
    assert r.status_code == 409 and f'href="/leads/{lead_id}"' in r.text  # now the lead is known too
    # the customer card shows the customer's leads while leads is on for the dealer
    card = await manager.get(f"/customers/{customer_id}")
    assert 'data-plugin="leads"' in card.text and f'data-lead="{lead_id}"' in card.text
    assert "Lead: Peugeot 408" in card.text  # leads adds its entries to the customer's timeline
    admin = await client_as(dealer, "dealer_admin")
    await admin.post(f"/admin/dealers/{dealer.id}/modules/leads/disable")
    card = await manager.get(f"/customers/{customer_id}")
    assert card.status_code == 200 and 'data-plugin="leads"' not in card.text
    assert (await manager.get(f"/leads/{lead_id}")).status_code == 404
    r = await manager.post("/customers/", data={"name": "Other", "phone": "+420 601 999 999", "source": "phone"})
    assert r.status_code == 303  # customers works on without leads


async def test_hook_customers_delete_records_keeps_a_deleted_customers_leads_unlinked(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads", "customers"])
    manager = await client_as(dealer, "manager")
    admin = await client_as(dealer, "dealer_admin")
    r = await manager.post("/customers/", data={"name": "Jan Novák", "phone": "+420 601 234 567", "source": "phone"})
    customer_id = int(r.headers["location"].rsplit("/", 1)[1])
    lead_id = await new_lead(manager, customer_id=str(customer_id))
    page = await admin.get(f"/customers/{customer_id}/delete")
    assert "Leads: 1" in page.text.split('data-held="kept"')[1] and 'name="cascade"' not in page.text
    r = await admin.post(f"/customers/{customer_id}/delete", data={"confirm": "1"})
    assert r.status_code == 303  # kept leads never stand in the way of a delete
    lead = await Lead.scoped(dealer.id).get(lead_id)
    assert lead is not None and lead.customer_id is None


async def test_cross_dealer_search_shows_little_and_transfer_needs_a_signed_contract(make_dealer, client_as):
    a = await make_dealer(modules=["leads"])
    b = await make_dealer(modules=["leads"])
    a_manager = await client_as(a, "manager")
    b_manager = await client_as(b, "manager")
    lead_id = await new_lead(a_manager, surname="Smirnov", first_name="Ivan", phone="+7 916 123-45-67",
                             email="ivan@mail.example")
    await a_manager.post(f"/timeline/leads.lead/{lead_id}/comments", data={"text": "A's secret comment"})

    r = await b_manager.get("/leads/search-all", params={"surname": "Smirnov", "first_name": ""})
    assert r.status_code == 422 and "Enter the first name." in r.text
    r = await b_manager.get("/leads/search-all", params={"surname": "smirnov", "first_name": "IVAN"})
    assert r.status_code == 422 and "last 4 digits" in r.text
    r = await b_manager.get("/leads/search-all", params={"surname": "SMIRNOV", "first_name": "ivan", "phone": "4567"})
    assert r.status_code == 200 and f'data-found="{lead_id}"' in r.text and a.name in r.text
    assert "A&#39;s secret comment" not in r.text and "123-45-67" not in r.text  # only enough to recognise
    wrong = await b_manager.get("/leads/search-all", params={"surname": "Smirnov", "first_name": "Ivan",
                                                            "email": "other@mail.example"})
    assert f'data-found="{lead_id}"' not in wrong.text
    # B sees nothing of A's lead otherwise, and cannot transfer before the contract
    assert (await b_manager.get(f"/leads/{lead_id}")).status_code == 404
    assert (await b_manager.get(f"/timeline/leads.lead/{lead_id}")).status_code == 404
    proof = {"proof": proof_in(r.text, lead_id)}
    r = await b_manager.post(f"/leads/found/{lead_id}/transfer", data=proof)
    assert r.status_code == 409 and "only once its status is" in r.text
    assert (await Lead.unscoped_select(Lead.dealer_id).where(Lead.id == lead_id).first())["dealer_id"] == a.id

    assert (await b_manager.post(f"/leads/found/{lead_id}/contract", data=proof)).status_code == 303
    lead = await Lead.scoped(a.id).get(lead_id)
    assert lead.status == "contract_signed" and lead.contract_signed_at is not None
    assert (await b_manager.post(f"/leads/found/{lead_id}/transfer", data=proof)).status_code == 303
    moved = await Lead.scoped(b.id).get(lead_id)
    assert moved is not None and moved.assignee_id == b.users["manager"].id
    card = await b_manager.get(f"/leads/{lead_id}")
    assert card.status_code == 200 and "Transferred from" in card.text
    assert "A&#39;s secret comment" not in card.text  # A's comments and history stay A's
    assert (await a_manager.get(f"/leads/{lead_id}")).status_code == 404
    history_a = await History.select(History.summary).where((History.dealer_id == a.id)
                                                            & (History.entity_id == lead_id))
    assert any(h["summary"].startswith("Transferred to") for h in history_a)
    assert f"signed with {b.name}" in (await a_manager.get("/")).text  # A's assignee is told


async def test_cross_dealer_actions_need_the_searchs_own_proof(make_dealer, client_as):
    """An id is no proof: only a result this user found, for this lead, still matching, can be acted on."""
    a = await make_dealer(modules=["leads"])
    b = await make_dealer(modules=["leads"])
    a_manager = await client_as(a, "manager")
    b_manager = await client_as(b, "manager")
    b_admin = await client_as(b, "dealer_admin")
    lead_id = await new_lead(a_manager, surname="Kuzmina", first_name="Olga", phone="+7 916 765-43-21",
                             email="olga@mail.example")
    other_id = await new_lead(a_manager, surname="Orlova", first_name="Anna", phone="+7 916 111-22-33")

    async def unchanged() -> bool:
        rows = await Lead.unscoped_select(Lead.id, Lead.dealer_id, Lead.status).where(
            Lead.id.is_in([lead_id, other_id]))
        return all(r["dealer_id"] == a.id and r["status"] == "new" for r in rows)

    # by id alone, with a forged, foreign or another lead's proof: refused, nothing written
    search = {"surname": "Kuzmina", "first_name": "Olga", "email": "olga@mail.example"}
    proof = proof_in((await b_manager.get("/leads/search-all", params=search)).text, lead_id)
    admins_proof = proof_in((await b_admin.get("/leads/search-all", params=search)).text, lead_id)
    tampered = proof[:-6] + ("B" if proof[-6] != "B" else "C") + proof[-5:]  # inside the signature
    for target, body in [(lead_id, {}), (lead_id, {"proof": "forged"}), (lead_id, {"proof": tampered}),
                         (lead_id, {"proof": admins_proof}), (other_id, {"proof": proof}),
                         (999_999_999, {"proof": proof})]:
        for action in ("contract", "transfer"):
            r = await b_manager.post(f"/leads/found/{target}/{action}", data=body)
            assert r.status_code == 403, (target, body, action, r.status_code)
            assert "Find the lead with the search first" in r.text
    assert await unchanged()
    assert await History.count().where(History.entity_id.is_in([lead_id, other_id])
                                       & (History.dealer_id == b.id)) == 0

    # a proof stops working once the lead no longer matches it (A corrected the e-mail)
    await Lead.scoped(a.id).update({Lead.email_key: "olga.k@mail.example"}).where(Lead.id == lead_id)
    assert (await b_manager.post(f"/leads/found/{lead_id}/contract", data={"proof": proof})).status_code == 403
    assert await unchanged()
    await Lead.scoped(a.id).update({Lead.email_key: "olga@mail.example"}).where(Lead.id == lead_id)
    assert (await b_manager.post(f"/leads/found/{lead_id}/contract", data={"proof": proof})).status_code == 303


async def test_a_dealer_without_leads_is_not_part_of_the_cross_dealer_base(make_dealer, client_as):
    a = await make_dealer(modules=["leads"])
    b = await make_dealer(modules=["leads"])
    a_manager = await client_as(a, "manager")
    b_manager = await client_as(b, "manager")
    lead_id = await new_lead(a_manager, surname="Belova", first_name="Irina", phone="+7 916 222-33-44")
    search = {"surname": "Belova", "first_name": "Irina", "phone": "3344"}
    found = await b_manager.get("/leads/search-all", params=search)
    proof = proof_in(found.text, lead_id)
    a_admin = await client_as(a, "dealer_admin")
    assert (await a_admin.post(f"/admin/dealers/{a.id}/modules/leads/disable")).status_code in (302, 303)
    r = await b_manager.get("/leads/search-all", params=search)
    assert r.status_code == 200 and f'data-found="{lead_id}"' not in r.text
    for action in ("contract", "transfer"):
        assert (await b_manager.post(f"/leads/found/{lead_id}/{action}", data={"proof": proof})).status_code == 403
    assert (await Lead.unscoped_select(Lead.status).where(Lead.id == lead_id).first())["status"] == "new"


PRE_ORDER = {"version": "1.6 PureTech 180 EAT8", "trim": "GT", "surname": "Petrova", "first_name": "Anna",
             "phone": "+7 903 111-22-33", "email": "anna@mail.example", "consent": "1"}


async def test_public_pre_order_form(make_dealer, anon, client_as):
    dealer = await make_dealer(modules=["leads"])
    closed = await make_dealer(modules=[])
    form = await anon.get("/leads/pre-order", headers={"accept-language": "ru"})
    assert form.status_code == 200 and f'value="{dealer.id}"' in form.text and f'value="{closed.id}"' not in form.text
    assert 'lang="ru"' in form.text
    r = await anon.post("/leads/pre-order", data={**PRE_ORDER, "dealer": str(dealer.id), "consent": ""})
    assert r.status_code == 422 and 'value="Petrova"' in r.text
    r = await anon.post("/leads/pre-order", data={**PRE_ORDER, "dealer": str(closed.id)})
    assert r.status_code == 422  # a dealer without leads accepts no pre-orders
    r = await anon.post("/leads/pre-order", data={**PRE_ORDER, "dealer": str(dealer.id), "website": "http://spam"})
    assert r.status_code in (200, 201) and await Lead.scoped(dealer.id).count() == 0  # the honeypot
    r = await anon.post("/leads/pre-order", data={**PRE_ORDER, "dealer": str(dealer.id)},
                        headers={"accept-language": "ru"})
    assert r.status_code in (200, 201) and "Спасибо" in r.text
    lead = await Lead.scoped(dealer.id).objects().first()
    assert lead.status == "new" and lead.assignee_id is None and lead.source == "website"
    assert lead.model == "Peugeot 408" and lead.trim == "GT" and float(lead.price) == 3590000
    manager = await client_as(dealer, "manager")
    assert f'data-lead="{lead.id}"' in (await manager.get("/leads/", params={"assignee": "none"})).text
    for _ in range(5):  # a flood from one address is stopped
        r = await anon.post("/leads/pre-order", data={**PRE_ORDER, "dealer": str(dealer.id)})
    assert r.status_code == 429 and await Lead.scoped(dealer.id).count() == 5


async def test_home_widget_shows_my_new_leads_and_the_unassigned(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    mine = await new_lead(manager, surname="Veselý")
    nobodys = await new_lead(manager, surname="Nikdo", phone="+420 601 234 599")
    await manager.post(f"/leads/{nobodys}/assign", data={"assignee": ""})
    home = await manager.get("/")
    assert "My new leads" in home.text and f'href="/leads/{mine}">Veselý Jan' in home.text
    assert "1 new lead has nobody yet" in home.text
    assert "Waiting more than a day" not in home.text
    await Lead.scoped(dealer.id).update({Lead.created_at: Lead.created_at - dt.timedelta(days=2)}).where(
        Lead.id == mine)
    late = (await manager.get("/")).text.split("Waiting more than a day for a first contact")[-1]
    assert f'data-lead="{mine}"' in late.split("</section>")[0]
    admin = await client_as(dealer, "dealer_admin")
    await admin.post(f"/admin/dealers/{dealer.id}/modules/leads/disable")
    assert "My new leads" not in (await manager.get("/")).text


async def test_watched_lead_comes_back_on_matching_stock_only(make_dealer, client_as):
    without = await make_dealer(modules=["leads"])
    plain = await client_as(without, "manager")
    lonely = await new_lead(plain)
    card = await plain.get(f"/leads/{lonely}")
    assert 'data-transition="watch"' not in card.text  # no stock module on: nothing to watch
    assert (await act(plain, lonely, "watch", "new", model="Peugeot 408")).status_code == 422

    dealer = await make_dealer(modules=["leads", "orders"])
    manager = await client_as(dealer, "manager")
    lead_id = await new_lead(manager)
    assert 'data-transition="watch"' in (await manager.get(f"/leads/{lead_id}")).text
    r = await act(manager, lead_id, "watch", "new", model="", trim="GT")
    assert r.status_code == 422 and "Fill in “Model”." in r.text
    r = await act(manager, lead_id, "watch", "new", model="peugeot 408", fuel="Hybrid", max_price="4 000 000")
    assert r.status_code == 303
    assert (await Lead.scoped(dealer.id).get(lead_id)).status == "watching"
    # the real stock: a storekeeper adds the car to the catalogue and receives it into a warehouse
    keeper = await client_as(dealer, "storekeeper")
    assert (await keeper.post("/orders/catalogue/warehouses", data={"name": "Main"})).status_code == 303
    warehouse = (await keeper.get("/orders/catalogue/warehouses")).text.split('data-warehouse="')[1].split('"')[0]

    async def arrives(sku: str, **car: str) -> None:
        r = await keeper.post("/orders/catalogue/", data={"kind": "vehicle", "sku": sku, "name": car["model"],
                                                          "active": "1", "base_price": car.pop("price"), **car})
        assert r.status_code == 303, r.text[:500]
        r = await keeper.post(r.headers["location"] + "/stock", data={"warehouse_id": warehouse, "quantity": "1"})
        assert r.status_code == 303

    # a car that does not fit the filter changes nothing
    for i, car in enumerate(({"model": "Peugeot 408", "fuel": "diesel", "price": "3500000"},
                             {"model": "Peugeot 408", "fuel": "hybrid", "price": "4190000"},
                             {"model": "Peugeot 2008", "fuel": "hybrid", "price": "3000000"})):
        await arrives(f"CAR-{i}", **car)
        assert (await Lead.scoped(dealer.id).get(lead_id)).status == "watching"
    await arrives("CAR-GT", model="PEUGEOT 408", trim="GT", fuel="hybrid", colour="Obsession Blue", price="3990000")
    assert (await Lead.scoped(dealer.id).get(lead_id)).status == "new"
    assert "A car for Jan Novák is in stock: PEUGEOT 408 GT Obsession Blue" in (await manager.get("/")).text


async def test_qualified_lead_becomes_an_opportunity_moved_on_the_board(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    lead_id = await new_lead(manager, model="Peugeot 5008")
    r = await act(manager, lead_id, "qualify", "new", sub_category="", model="")
    assert r.status_code == 422
    assert "Fill in “Request sub-category”." in r.text and "Fill in “Vehicle model”." in r.text
    r = await act(manager, lead_id, "qualify", "new", sub_category="Company car", model="Peugeot 5008 GT")
    assert r.status_code == 303
    lead = await Lead.scoped(dealer.id).get(lead_id)
    assert lead.status == "qualified" and lead.model == "Peugeot 5008 GT"

    board = await manager.get("/leads/board")
    column = board.text.split('data-stage="qualified"')[1].split("</section>")[0]
    assert f'data-opportunity="{lead_id}"' in column
    assert "→ Test drive" in column and "→ Offer" in column and "Lost…" in column and "→ Won" not in column
    for transition, state in (("to_test_drive", "qualified"), ("to_offer", "test_drive"),
                              ("to_negotiation", "offer")):
        r = await manager.post(f"/workflow/leads.lead/{lead_id}/{transition}",
                               data={"_state": state, "next": "/leads/board"})
        assert r.status_code == 303 and r.headers["location"] == "/leads/board"
    board = await manager.get("/leads/board")
    assert f'data-opportunity="{lead_id}"' in board.text.split('data-stage="negotiation"')[1]
    assert (await act(manager, lead_id, "lost", "negotiation")).status_code == 422  # a lost deal needs its reason
    assert (await act(manager, lead_id, "won", "negotiation")).status_code == 303
    listing = await manager.get("/leads/board", params={"view": "list"})
    assert f'data-opportunity="{lead_id}"' not in listing.text and "Won: 1" in listing.text


async def test_discard_reasons_marked_by_the_dealer_need_a_model(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    lead_id = await new_lead(manager)
    r = await act(manager, lead_id, "discard", "new", reason="Bought another car", note="at the competitor")
    assert r.status_code == 422 and "The reason “Bought another car” needs “Which model”." in r.text
    other = await new_lead(manager, phone="+420 601 234 570")
    assert (await act(manager, other, "discard", "new", reason="Duplicate", note="twice")).status_code == 303
    # the dealer admin marks "Duplicate" as needing the model too
    admin = await client_as(dealer, "dealer_admin")
    page = await admin.get(f"/admin/dealers/{dealer.id}/reasons")
    block = page.text.split('data-list="leads.lead.discard.reason"')[1].split("</section>")[0]
    duplicate_id = re.search(r'Duplicate</span>.*?name="reason_id" value="(\d+)"', block, re.S).group(1)
    r = await admin.post(f"/admin/dealers/{dealer.id}/reasons", data={
        "list_key": "leads.lead.discard.reason", "reason_id": duplicate_id, "needs_detail": "1"})
    assert r.status_code == 303
    r = await act(manager, lead_id, "discard", "new", reason="Duplicate", note="again")
    assert r.status_code == 422 and "needs “Which model”" in r.text
    r = await act(manager, lead_id, "discard", "new", reason="Bought another car", model="Škoda Octavia",
                  note="at the competitor")
    assert r.status_code == 303 and (await Lead.scoped(dealer.id).get(lead_id)).status == "discarded"


async def test_switched_off_leads_vanish_for_that_dealer_only(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads", "customers"])
    other = await make_dealer(modules=["leads", "customers"])
    manager = await client_as(dealer, "manager")
    r = await manager.post("/customers/", data={"name": "Jan Novák", "phone": "+420 601 234 567", "source": "phone"})
    customer_id = int(r.headers["location"].rsplit("/", 1)[1])
    lead_id = await new_lead(manager, customer_id=str(customer_id))
    card = (await manager.get(f"/customers/{customer_id}")).text
    assert f'href="/leads/{lead_id}"' in card
    admin = await client_as(dealer, "dealer_admin")
    assert (await admin.post(f"/admin/dealers/{dealer.id}/modules/leads/disable")).status_code in (302, 303)

    for path in ("/leads/", f"/leads/{lead_id}", "/leads/new", "/leads/board", "/leads/search-all",
                 f"/timeline/leads.lead/{lead_id}", "/workflow/leads.lead"):
        assert (await manager.get(path)).status_code == 404, path
    assert (await act(manager, lead_id, "contact_ok", "new")).status_code == 404
    assert (await manager.post("/leads/", data={**VALID, "confirm_duplicate": "1"})).status_code == 404
    home = (await manager.get("/")).text
    assert 'href="/leads/"' not in home and "My new leads" not in home
    card = (await manager.get(f"/customers/{customer_id}")).text
    assert f'href="/leads/{lead_id}"' not in card  # the panel and the timeline entries are gone
    assert (await Lead.scoped(dealer.id).get(lead_id)).status == "new"  # switching off keeps the data
    # the other dealer keeps its leads
    elsewhere = await client_as(other, "manager")
    assert (await elsewhere.get("/leads/")).status_code == 200 and 'href="/leads/"' in (await elsewhere.get("/")).text


async def test_hook_customers_create_makes_a_customer_from_a_lead_where_customers_is_on(make_dealer, client_as):
    from plugins.customers.tables import Customer

    dealer = await make_dealer(modules=["leads", "customers"])
    manager = await client_as(dealer, "manager")
    lead_id = await new_lead(manager, surname="Dvořák", first_name="Petr", email="petr@example.com")
    card = (await manager.get(f"/leads/{lead_id}")).text
    assert f'action="/leads/{lead_id}/customer"' in card
    r = await manager.post(f"/leads/{lead_id}/customer")
    assert r.status_code == 303
    lead = await Lead.scoped(dealer.id).get(lead_id)
    customer = await Customer.scoped(dealer.id).get(lead.customer_id)
    assert customer.name == "Petr Dvořák" and customer.email == "petr@example.com" and customer.status == "potential"
    assert customer.intended_model == "Peugeot 408" and customer.source == "lead"
    card = (await manager.get(f"/leads/{lead_id}")).text
    assert f'href="/customers/{customer.id}"' in card and f'action="/leads/{lead_id}/customer"' not in card
    assert "Customer created from the lead" in card
    assert f'href="/leads/{lead_id}"' in (await manager.get(f"/customers/{customer.id}")).text  # and back
    # data the customer form refuses gives its message and writes nothing
    bad = await new_lead(manager, phone="", email="only-mail@example.com")  # customers need a phone
    before = await Customer.scoped(dealer.id).count()
    r = await manager.post(f"/leads/{bad}/customer")
    assert r.status_code == 422 and "Enter a phone number." in r.text
    assert await Customer.scoped(dealer.id).count() == before
    assert (await Lead.scoped(dealer.id).get(bad)).customer_id is None
    # without customers there is no such button, and the route answers 404
    alone = await make_dealer(modules=["leads"])
    solo = await client_as(alone, "manager")
    solo_lead = await new_lead(solo)
    assert "/customer\"" not in (await solo.get(f"/leads/{solo_lead}")).text
    assert (await solo.post(f"/leads/{solo_lead}/customer")).status_code == 404


async def test_a_lead_is_handed_over_to_the_customers_preferred_dealer(make_dealer, client_as):
    a = await make_dealer(modules=["leads"])
    b = await make_dealer(modules=["leads"])
    closed = await make_dealer(modules=["customers"])
    a_manager = await client_as(a, "manager")
    lead_id = await new_lead(a_manager, surname="Horák", first_name="Eva")
    await a_manager.post(f"/timeline/leads.lead/{lead_id}/comments", data={"text": "A's own remark"})
    card = (await a_manager.get(f"/leads/{lead_id}")).text
    offered = card.split('id="f-preferred"')[1].split("</select>")[0]
    assert f'value="{b.id}"' in offered and f'value="{a.id}"' not in offered and f'value="{closed.id}"' not in offered
    for wrong in (str(closed.id), str(a.id), "", "x"):
        r = await a_manager.post(f"/leads/{lead_id}/hand-over", data={"preferred_dealer": wrong})
        assert r.status_code == 422 and "Choose one of the dealers offered." in r.text, wrong
    assert (await Lead.scoped(a.id).get(lead_id)) is not None

    r = await a_manager.post(f"/leads/{lead_id}/hand-over", data={"preferred_dealer": str(b.id)})
    assert r.status_code == 303
    assert (await a_manager.get(f"/leads/{lead_id}")).status_code == 404
    moved = await Lead.scoped(b.id).get(lead_id)
    assert moved.status == "new" and moved.assignee_id is None
    b_manager = await client_as(b, "manager")
    card = (await b_manager.get(f"/leads/{lead_id}")).text
    assert f"Handed over by {a.name}" in card and "A&#39;s own remark" not in card
    home = (await b_manager.get("/")).text
    assert "Eva Horák prefers your dealer" in home and "1 new lead has nobody yet" in home
    # a closed lead stays where it was closed
    done = await new_lead(b_manager, phone="+420 601 777 111")
    assert (await act(b_manager, done, "discard", "new", reason="Duplicate", note="twice")).status_code == 303
    r = await b_manager.post(f"/leads/{done}/hand-over", data={"preferred_dealer": str(a.id)})
    assert r.status_code == 409 and (await Lead.scoped(b.id).get(done)) is not None


async def test_list_sorts_by_age_or_name_and_pages_in_that_order(make_dealer, client_as):
    from plugins.leads import services

    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    ids = {}
    for n, surname in enumerate(("Dvořák", "černý", "Adam")):
        ids[surname] = await new_lead(manager, surname=surname, phone=f"+420 601 000 10{n}")

    def order(text):
        return [int(i) for i in re.findall(r'data-lead="(\d+)"', text)]

    assert order((await manager.get("/leads/")).text) == [ids["Adam"], ids["černý"], ids["Dvořák"]]
    assert order((await manager.get("/leads/", params={"sort": "old"})).text) == [
        ids["Dvořák"], ids["černý"], ids["Adam"]]
    by_name = await manager.get("/leads/", params={"sort": "name"})
    assert order(by_name.text) == [ids["Adam"], ids["černý"], ids["Dvořák"]]  # accents and case folded
    assert '<option value="name" selected>' in by_name.text
    seen, token = [], ""
    while True:  # one row a page: the keyset follows the chosen order
        rows, token = await services.search(dealer.id, sort="name", after=token, limit=1)
        seen += [r["id"] for r in rows]
        if not token:
            break
    assert seen == [ids["Adam"], ids["černý"], ids["Dvořák"]]


async def test_new_leads_show_their_wait_and_late_ones_are_escalated_once(make_dealer, client_as, forecourt_env):
    from core.context import system_context
    from plugins.leads import jobs

    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    fresh = await new_lead(manager)
    late = await new_lead(manager, surname="Pozdní", first_name="Petr", phone="+420 601 234 570")
    await Lead.scoped(dealer.id).update({Lead.created_at: Lead.created_at - dt.timedelta(days=2, hours=1)}).where(
        Lead.id == late)
    listing = (await manager.get("/leads/")).text
    row = listing.split(f'data-lead="{late}"')[1].split("</tr>")[0]
    assert "waiting 2 days" in row
    out = subprocess.run([sys.executable, "-m", "core.cli", "jobs", "run-due"], env={**os.environ, **forecourt_env},
                         capture_output=True, text=True, timeout=120)
    assert f"leads.escalate_late for dealer {dealer.id}: 1 late lead(s) escalated" in out.stdout, out.stdout
    admin = await client_as(dealer, "dealer_admin")
    assert "Nobody has reached Petr Pozdní for more than a day" in (await admin.get("/")).text
    ctx = system_context(dealer.id, frozenset(dealer.modules))
    assert await jobs.escalate_late(ctx) == "0 late lead(s) escalated"  # once per lead
    assert (await Lead.scoped(dealer.id).get(fresh)).escalated_at is None
    assert (await act(manager, late, "contact_ok", "new")).status_code == 303
    card = (await manager.get(f"/leads/{late}")).text
    assert "waiting" not in card.split('class="contacted-at"')[1].split("</dd>")[0]


async def test_web_pre_orders_go_to_the_managers_in_turn_when_the_dealer_wants(make_dealer, client_as, anon):
    from core import accounts
    from forecourt.testing import TEST_PASSWORD

    dealer = await make_dealer(modules=["leads"])
    second = await accounts.create_user(login=f"m2-{dealer.slug}", password=TEST_PASSWORD, role="manager",
                                        dealer_id=dealer.id, must_change_password=False, full_name="Second Manager")
    first = dealer.users["manager"]
    manager = await client_as(dealer, "manager")
    assert (await manager.get("/leads/settings")).status_code == 403  # the dealer administrator's choice
    admin = await client_as(dealer, "dealer_admin")
    assert 'href="/leads/settings"' in (await admin.get("/leads/")).text
    r = await admin.post("/leads/settings", data={"round_robin": "1"})
    assert r.status_code == 303 and "checked" in (await admin.get("/leads/settings")).text
    for n in range(3):
        r = await anon.post("/leads/pre-order", data={**PRE_ORDER, "dealer": str(dealer.id), "surname": f"Turn{n}",
                                                      "phone": f"+7 903 111-22-0{n}"})
        assert r.status_code in (200, 201)
    rows = await Lead.scoped(dealer.id).select(Lead.surname, Lead.assignee_id).order_by(Lead.id)
    assert [r["assignee_id"] for r in rows] == [first.id, second.id, first.id]
    assert "New pre-order from the website: Anna Turn0" in (await manager.get("/")).text
    await admin.post("/leads/settings", data={})  # and back off: web leads arrive unassigned again
    await anon.post("/leads/pre-order", data={**PRE_ORDER, "dealer": str(dealer.id), "surname": "Nobody",
                                              "phone": "+7 903 111-22-09"})
    assert (await Lead.scoped(dealer.id).select(Lead.assignee_id).where(Lead.surname == "Nobody").first()
            )["assignee_id"] is None


async def test_the_list_hears_of_leads_that_arrive_while_it_is_open(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    await new_lead(manager)
    page = (await manager.get("/leads/")).text
    poll = re.search(r'hx-get="(/leads/news\?since=[^"]+)"', page).group(1).replace("&amp;", "&")
    assert 'hx-swap="innerHTML"' in page.split('id="lead-news"')[1].split(">")[0]  # the live region stays
    quiet = await manager.get(poll, headers={"hx-request": "true"})
    assert quiet.status_code == 200 and "arrived" not in quiet.text and 'id="lead-news"' not in quiet.text
    # what the page shows (nothing new) is still true: nothing is swapped in to be announced again
    assert (await manager.get(poll + "&shown=0", headers={"hx-request": "true"})).status_code == 204
    await new_lead(manager, phone="+420 601 234 588")
    await new_lead(manager, phone="+420 601 234 589")
    news = await manager.get(poll + "&shown=0", headers={"hx-request": "true"})
    assert "2 new leads arrived." in news.text and 'name="shown" value="2"' in news.text
    assert (await manager.get(poll + "&shown=2", headers={"hx-request": "true"})).status_code == 204
    assert (await manager.get("/leads/news", params={"since": "garbage"})).status_code == 200
    other = await make_dealer(modules=["leads"])
    assert "arrived" not in (await (await client_as(other, "manager")).get(poll)).text  # only this dealer's


async def test_the_list_downloads_as_csv_with_its_filters(make_dealer, client_as):
    import csv
    import io

    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    await new_lead(manager, surname="Beneš", note="x")
    await new_lead(manager, surname="=HYPERLINK(\"http://evil\")", phone="+420 601 234 591")
    other = await new_lead(manager, surname="Zeman", phone="+420 601 234 592")
    assert (await act(manager, other, "contact_ok", "new")).status_code == 303
    page = (await manager.get("/leads/", params={"status": "new"})).text
    link = re.search(r'href="(/leads/export\.csv\?[^"]*)"', page).group(1).replace("&amp;", "&")
    r = await manager.get(link)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="leads.csv"' in r.headers["content-disposition"]
    assert r.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Surname", "First name", "E-mail"]
    surnames = [row[0] for row in rows[1:]]
    assert "Beneš" in surnames and "Zeman" not in surnames  # the list's filter applies
    assert "'=HYPERLINK(\"http://evil\")" in surnames  # a formula is not run by the spreadsheet
    assert all(row[6] == "New" for row in rows[1:])
    stranger = await client_as(await make_dealer(modules=["leads"]), "manager")
    assert "Beneš" not in (await stranger.get("/leads/export.csv")).content.decode("utf-8-sig")


async def test_the_card_points_to_other_records_with_the_same_contact(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads", "customers"])
    manager = await client_as(dealer, "manager")
    first = await new_lead(manager, surname="První", email="same@example.com")
    second = await new_lead(manager, surname="Druhý", phone="+420 777 000 111", email="same@example.com")
    r = await manager.post("/customers/", data={"name": "Jan Novák", "phone": "+420 601 234 567", "source": "phone"})
    customer_id = int(r.headers["location"].rsplit("/", 1)[1])
    card = (await manager.get(f"/leads/{first}")).text
    same = card.split('class="same-contact')[1].split("</div>")[0]
    assert f'href="/leads/{second}"' in same and f'href="/customers/{customer_id}"' in same
    assert f'href="/leads/{first}"' not in same  # not itself
    alone = await new_lead(manager, surname="Sám", phone="+420 777 999 888", email="")
    assert 'class="same-contact' not in (await manager.get(f"/leads/{alone}")).text


async def test_several_leads_are_assigned_at_once_from_the_list(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    admin = await client_as(dealer, "dealer_admin")
    one = await new_lead(admin, surname="Jedna")
    two = await new_lead(admin, surname="Dva", phone="+420 601 234 593")
    kept = await new_lead(admin, surname="Tři", phone="+420 601 234 594")
    page = (await admin.get("/leads/", params={"status": "new"})).text
    assert 'form="bulk-assign"' in page and 'action="/leads/assign-many"' in page
    manager = dealer.users["manager"].id
    r = await admin.post("/leads/assign-many", data={"ids": [str(one), str(two)], "assignee": str(manager),
                                                    "next": "/leads/?status=new"})
    assert r.status_code == 303 and r.headers["location"] == "/leads/?status=new"
    rows = {r["id"]: r["assignee_id"] for r in await Lead.scoped(dealer.id).select(Lead.id, Lead.assignee_id)}
    assert rows[one] == rows[two] == manager and rows[kept] == dealer.users["dealer_admin"].id
    assert "2 leads assigned." in (await admin.get("/leads/?status=new")).text
    # all or none: a lead of another dealer in the selection writes nothing
    stranger = await new_lead(await client_as(await make_dealer(modules=["leads"]), "manager"))
    r = await admin.post("/leads/assign-many", data={"ids": [str(kept), str(stranger)], "assignee": ""})
    assert r.status_code == 404
    assert (await Lead.scoped(dealer.id).get(kept)).assignee_id == dealer.users["dealer_admin"].id
    r = await admin.post("/leads/assign-many", data={"ids": [str(kept)], "assignee": "999999999"},
                         follow_redirects=True)
    assert "Choose one of the dealer&#39;s users." in r.text
    storekeeper = await client_as(dealer, "storekeeper")
    assert (await storekeeper.post("/leads/assign-many", data={"ids": [str(kept)]})).status_code == 403


async def test_hook_customers_get_links_a_lead_only_to_a_customer_of_its_own_dealer(make_dealer, client_as):
    a = await make_dealer(modules=["leads", "customers"])
    b = await make_dealer(modules=["leads", "customers"])
    b_manager = await client_as(b, "manager")
    r = await b_manager.post("/customers/", data={"name": "Cizí Zákazník", "phone": "+420 601 777 888",
                                                  "source": "phone"})
    theirs = int(r.headers["location"].rsplit("/", 1)[1])
    a_manager = await client_as(a, "manager")
    for forged in (str(theirs), "999999999", "abc"):
        r = await a_manager.post("/leads/", data={**VALID, "customer_id": forged})
        assert r.status_code == 422 and "not found among your dealer" in r.text, forged
    assert await Lead.scoped(a.id).count() == 0
    r = await a_manager.post("/customers/", data={"name": "Jan Novák", "phone": "+420 601 234 999", "source": "phone"})
    ours = int(r.headers["location"].rsplit("/", 1)[1])
    lead_id = await new_lead(a_manager, customer_id=str(ours))
    assert (await Lead.scoped(a.id).get(lead_id)).customer_id == ours


async def test_a_burst_of_pre_orders_from_one_address_stops_exactly_at_the_limit(make_dealer, anon):
    import asyncio

    dealer = await make_dealer(modules=["leads"])
    await anon.get("/leads/pre-order")
    answers = await asyncio.gather(*(anon.post("/leads/pre-order", data={**PRE_ORDER, "dealer": str(dealer.id),
                                                                          "surname": f"Burst{i}"})
                                     for i in range(20)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] * 5 + [429] * 15, codes
    assert await Lead.scoped(dealer.id).count() == 5
    assert all(int(a.headers["retry-after"]) > 3000 for a in answers if a.status_code == 429)


async def test_workflow_and_timeline_routes_ask_the_plugins_permissions(make_dealer, client_as):
    """The core's routes let in only whom the plugin's own card would: a storekeeper has no leads rights."""
    dealer = await make_dealer(modules=["leads", "customers"])
    manager = await client_as(dealer, "manager")
    storekeeper = await client_as(dealer, "storekeeper")
    lead_id = await new_lead(manager)
    assert (await storekeeper.get(f"/leads/{lead_id}")).status_code == 403
    assert (await storekeeper.get(f"/timeline/leads.lead/{lead_id}")).status_code == 403
    assert (await storekeeper.post(f"/timeline/leads.lead/{lead_id}/comments", data={"text": "x"})).status_code == 403
    assert (await storekeeper.get(f"/workflow/leads.lead/{lead_id}/discard")).status_code == 403
    r = await act(storekeeper, lead_id, "discard", "new", reason="Duplicate", note="x")
    assert r.status_code == 403
    assert (await storekeeper.get("/workflow/leads.lead")).status_code == 403
    assert (await Lead.scoped(dealer.id).get(lead_id)).status == "new"
    assert await History.count().where((History.entity_id == lead_id) & (History.dealer_id == dealer.id)
                                       & (History.kind == "comment")) == 0
    # customers: a storekeeper may see (customers.view) but not change (customers.edit)
    r = await manager.post("/customers/", data={"name": "Jan Novák", "phone": "+420 601 234 567", "source": "phone"})
    customer_id = int(r.headers["location"].rsplit("/", 1)[1])
    assert (await storekeeper.get(f"/timeline/customers.customer/{customer_id}")).status_code == 200
    r = await storekeeper.post(f"/workflow/customers.customer/{customer_id}/convert",
                               data={"_state": "potential", "next": f"/customers/{customer_id}"})
    assert r.status_code == 403
    r = await storekeeper.post(f"/timeline/customers.customer/{customer_id}/comments", data={"text": "x"})
    assert r.status_code == 403
    assert (await manager.post(f"/workflow/customers.customer/{customer_id}/convert",
                               data={"_state": "potential"})).status_code == 303


async def test_a_price_does_not_change_currency_when_its_lead_moves(make_dealer, client_as):
    """2,415,000 roubles are not 2,415,000 korunas: between currencies the price stays in the history only."""
    from core.tables import Dealer

    a = await make_dealer(modules=["leads"])
    b = await make_dealer(modules=["leads"])
    await Dealer.update({Dealer.currency: "RUB"}).where(Dealer.id == a.id)
    await Dealer.update({Dealer.currency: "CZK"}).where(Dealer.id == b.id)
    a_manager = await client_as(a, "manager")
    b_manager = await client_as(b, "manager")
    lead_id = await new_lead(a_manager, surname="Rublev", first_name="Oleg", phone="+7 916 333-44-55",
                             price="2415000")
    found = await b_manager.get("/leads/search-all", params={"surname": "Rublev", "first_name": "Oleg",
                                                             "phone": "4455"})
    proof = {"proof": proof_in(found.text, lead_id)}
    assert (await b_manager.post(f"/leads/found/{lead_id}/contract", data=proof)).status_code == 303
    assert (await b_manager.post(f"/leads/found/{lead_id}/transfer", data=proof)).status_code == 303
    assert (await Lead.scoped(b.id).get(lead_id)).price is None
    card = (await b_manager.get(f"/leads/{lead_id}")).text
    assert re.search(r"The price 2415000(\.00)? RUB was not carried over: it is in another currency", card), card
