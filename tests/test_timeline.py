"""The timeline: one read of the history per render, and a timeline for any declared entity."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fc_notes.tables import Note
from test_machine import act, new_deal

from core.context import Context
from core.tables import History
from core.timeutil import now
from core.workflow import comments, timeline
from forecourt import create_entity


@contextmanager
def queries() -> Iterator[list[str]]:
    """The queries sent to the database meanwhile (either engine)."""
    engine = type(History._meta.db)
    original = engine.run_querystring
    seen: list[str] = []

    async def run_querystring(self, querystring, *args, **kwargs):
        seen.append(str(querystring))
        return await original(self, querystring, *args, **kwargs)

    engine.run_querystring = run_querystring
    try:
        yield seen
    finally:
        engine.run_querystring = original


async def test_a_timeline_reads_its_history_once(make_dealer, client_as):
    dealer = await make_dealer(modules=["deals", "notes"])
    admin = await client_as(dealer, "dealer_admin")
    deal_id = await new_deal(admin)
    await act(admin, deal_id, "postpone", "new", until="2030-01-01", note="call in spring")
    await admin.post(f"/timeline/deals.deal/{deal_id}/comments", data={"text": "first"})
    ctx = Context(dealer_id=dealer.id, user_id=dealer.users["dealer_admin"].id, role="dealer_admin",
                  modules=frozenset(dealer.modules))
    comment = next(c for c in await comments.for_entity(dealer.id, "deals.deal", deal_id) if c["text"] == "first")
    await comments.edit(ctx, "deals.deal", deal_id, comment["id"], "second")
    with queries() as sent:
        shown = await timeline.read(ctx, "deals.deal", deal_id)
    assert len([q for q in sent if "core_history" in q]) == 1
    assert len([q for q in sent if "core_comment" in q]) == 1
    assert [v["before"] for v in shown.edits[comment["id"]]] == ["first"]  # the versions from that same read
    kinds = [e.kind for e in shown.entries]
    assert kinds.count("transition") == 1 and "comment" in kinds  # postponed (with its note); the comment
    assert any(e.body == "call in spring" and e.comment_id for e in shown.entries)


async def test_an_entity_without_a_machine_has_a_timeline_and_comments(make_dealer, client_as):
    """``notes.note`` is declared (register_entities) and no machine drives it."""
    dealer = await make_dealer(modules=["notes"])
    manager = await client_as(dealer, "manager")
    ctx = Context(dealer_id=dealer.id, user_id=dealer.users["manager"].id, role="manager",
                  modules=frozenset(dealer.modules))
    note = await create_entity(ctx, Note, "notes.note", {"title": "Call back", "created_at": now()})
    r = await manager.post(f"/timeline/notes.note/{note.id}/comments", data={"text": "Left a message"})
    assert r.status_code == 303 and r.headers["location"] == "/notes/"
    fragment = await manager.get(f"/timeline/notes.note/{note.id}")
    assert fragment.status_code == 200 and "Left a message" in fragment.text
    other = await make_dealer(modules=["notes"])
    stranger = await client_as(other, "manager")
    assert (await stranger.get(f"/timeline/notes.note/{note.id}")).status_code == 404  # not their dealer's note
    assert (await manager.get("/timeline/notes.nothing/1")).status_code == 404  # not a declared entity
