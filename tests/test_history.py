"""History is append-only: no route of the app edits or deletes a history row."""

import re

from test_machine import act, new_deal

from core.tables import History
from core.workflow import history

FORGED = {"summary": "forged", "payload": "{}", "kind": "event", "at": "2001-01-01T00:00:00", "user_name": "x",
          "text": "forged", "entity": "deals.deal", "_state": "new", "reason": "Too expensive", "note": "n",
          "until": "2030-01-01", "label": "forged", "active": "0"}


def concrete_paths(path: str, ints: list[int], dealer_id: int) -> list[str]:
    """``path`` with its parameters filled in: each int candidate, the dealer, real entity and transition keys."""
    results = []
    for value in ints:
        filled = path.replace("{dealer_id:int}", str(dealer_id))
        filled = re.sub(r"\{\w+:int\}", str(value), filled)
        for key in ("deals.deal", "contact", "refuse", "notes"):
            results.append(re.sub(r"\{\w+:str\}", key, filled))
    return sorted(set(results))


async def test_no_route_edits_or_deletes_history(make_dealer, client_as, forecourt_registry):
    from core.app import create_app

    dealer = await make_dealer(modules=["deals", "notes"])
    admin = await client_as(dealer, "dealer_admin")
    deal_id = await new_deal(admin)
    await act(admin, deal_id, "contact", "new")
    await admin.post(f"/timeline/deals.deal/{deal_id}/comments", data={"text": "first"})
    before = await History.select().where(History.dealer_id == dealer.id).order_by(History.id)
    assert {r["kind"] for r in before} == {"transition", "comment"}
    ids = [r["id"] for r in before] + [deal_id]

    app = create_app(registry=forecourt_registry)
    tried = 0
    for route in app.routes:
        if route.path in ("/logout", "/login", "/lang", "/account/password"):
            continue
        for method in sorted(getattr(route, "methods", set()) - {"GET", "HEAD", "OPTIONS"}):
            for path in concrete_paths(route.path, ids, dealer.id):
                r = await admin.request(method, path, data=FORGED)
                assert r.status_code < 500, f"{method} {path}: {r.status_code}"  # forged input is a 4xx at worst
                tried += 1
    assert tried > 30
    after = {r["id"]: r for r in await History.select().where(History.dealer_id == dealer.id)}
    for row in before:
        assert row["id"] in after, f"history row {row['id']} was deleted"
        assert after[row["id"]] == row, f"history row {row['id']} was changed"
    assert len(after) > len(before)  # the routes did append (comments, transitions): only appending is allowed


def test_history_service_has_no_way_to_change_rows():
    public = {name for name in dir(history) if not name.startswith("_")}
    assert not {n for n in public if re.search(r"update|delete|edit|remove|set_", n)}
