"""The plugin write path (core.entities): veto inside the transaction, notify after."""

import pytest
from fc_notes.tables import Event, Note

from core.context import Context
from core.entities import create, update
from core.errors import Veto
from core.timeutil import now


def ctx_for(dealer, modules=("notes",)) -> Context:
    return Context(dealer_id=dealer.id, user_id=dealer.users["manager"].id, role="manager",
                   modules=frozenset(modules))


async def test_create_and_update_run_the_veto_inside_the_transaction(make_dealer):
    dealer = await make_dealer(modules=["notes"])
    ctx = ctx_for(dealer)
    note = await create(ctx, Note, "notes.note", {"title": "fine", "created_at": now()})
    assert note.dealer_id == dealer.id
    with pytest.raises(Veto):
        await update(ctx, Note, "notes.note", note.id, {"title": "now forbidden"})
    assert (await Note.scoped(dealer.id).get(note.id)).title == "fine"
    changed = await update(ctx, Note, "notes.note", note.id, {"title": "better"})
    assert changed.title == "better"


async def test_extra_writes_roll_back_with_the_veto(make_dealer):
    dealer = await make_dealer(modules=["notes"])
    ctx = ctx_for(dealer)

    async def also_write(row):
        await Event.scoped(dealer.id).insert(hook="side", detail=str(row.id), at=now())
        raise Veto("refused after the side write")

    with pytest.raises(Veto):
        await create(ctx, Note, "notes.note", {"title": "x", "created_at": now()}, extra=also_write)
    assert await Note.scoped(dealer.id).count() == 0
    assert await Event.scoped(dealer.id).count() == 0  # no half-written data


async def test_rows_of_another_dealer_are_out_of_reach(make_dealer):
    a = await make_dealer(modules=["notes"])
    b = await make_dealer(modules=["notes"])
    note = await create(ctx_for(a), Note, "notes.note", {"title": "A's", "created_at": now()})
    assert await Note.scoped(b.id).get(note.id) is None
    assert await update(ctx_for(b), Note, "notes.note", note.id, {"title": "stolen"}) is None
    assert (await Note.scoped(a.id).get(note.id)).title == "A's"
    with pytest.raises(ValueError):
        Note.scoped(None)


async def test_the_write_path_never_moves_a_row_to_another_dealer(make_dealer):
    """A plugin that passes a form through unfiltered still cannot set a row's dealer or id."""
    import pytest
    from fc_deals.tables import Deal

    from core.context import Context
    from core.errors import ValidationFailed
    from forecourt import create_entity, now, update_entity

    a = await make_dealer(modules=["deals"])
    b = await make_dealer(modules=["deals"])
    ctx = Context(dealer_id=a.id, user_id=a.users["manager"].id, modules=frozenset(a.modules), role="manager")
    with pytest.raises(ValidationFailed) as refused:
        await create_entity(ctx, Deal, "deals.deal", {"title": "x", "created_at": now(), "dealer_id": b.id})
    assert set(refused.value.errors) == {"dealer_id"}
    row = await create_entity(ctx, Deal, "deals.deal", {"title": "Octavia", "created_at": now()})
    for values in ({"dealer_id": b.id}, {"id": row.id + 1000}, {"title": "y", "dealer_id": b.id}):
        with pytest.raises(ValidationFailed):
            await update_entity(ctx, Deal, "deals.deal", row.id, values)
    kept = await Deal.select(Deal.dealer_id, Deal.title).where(Deal.id == row.id).first()
    assert kept == {"dealer_id": a.id, "title": "Octavia"}
    # nothing to write is no write (and no error)
    assert (await update_entity(ctx, Deal, "deals.deal", row.id, {})).title == "Octavia"
