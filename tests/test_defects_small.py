"""Defects from the user trial (issue 9, item 4), over real HTTP on both engines: what the pages say
and keep without JavaScript, and what the services store."""

import re

LEAD = {"surname": "Novák", "first_name": "Jan", "phone": "+420 601 234 567", "model": "Peugeot 408",
        "source": "phone", "request_type": "pre_order", "confirm_duplicate": "1"}


async def new_lead(client, **values) -> int:
    r = await client.post("/leads/", data={**LEAD, **values})
    assert r.status_code == 303, r.text[:800]
    return int(r.headers["location"].rsplit("/", 1)[1])


async def act(client, lead_id, transition, state, **inputs):
    return await client.post(f"/workflow/leads.lead/{lead_id}/{transition}",
                             data={"_state": state, "next": f"/leads/{lead_id}", **inputs})


def label_of(html: str, input_id: str) -> str:
    """The text of the <label for=input_id>, tags stripped and spaces squeezed."""
    match = re.search(rf'<label for="{re.escape(input_id)}">(.*?)</label>', html, re.S)
    assert match, f"no label for {input_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


# --- 1. discard: the model is required for "Bought another car", and the label says so ------------


async def test_discard_model_label_says_which_reason_needs_it(make_dealer, client_as):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    lead_id = await new_lead(manager)
    # the card (without JavaScript): the label names the reason that makes the model required
    card = (await manager.get(f"/leads/{lead_id}")).text
    assert label_of(card, "a-discard-model") == "Which model (required for “Bought another car”)"
    page = (await manager.get(f"/workflow/leads.lead/{lead_id}/discard")).text
    assert label_of(page, "discard-model") == "Which model (required for “Bought another car”)"
    # sent without the model: refused, and the page says plainly that it is required now, input kept
    r = await act(manager, lead_id, "discard", "new", reason="Bought another car", note="at the competitor")
    assert r.status_code == 422 and "needs “Which model”" in r.text
    assert label_of(r.text, "discard-model") == "Which model (required)"
    assert re.search(r'<input id="discard-model"[^>]* required', r.text)
    assert "at the competitor" in r.text
    # another reason: the model really is optional
    r = await act(manager, lead_id, "discard", "new", reason="Duplicate", note="")
    assert r.status_code == 422 and label_of(r.text, "discard-model") == "Which model (optional)"
    # inputs no reason makes required keep their plain labels
    assert label_of(card, "a-postpone-note") == "Comment"
    # and in Czech
    await manager.post("/lang", data={"lang": "cs", "next": "/"})
    card = (await manager.get(f"/leads/{lead_id}")).text
    assert label_of(card, "a-discard-model") == "Jaký model (povinné pro „Koupen jiný vůz“)"
