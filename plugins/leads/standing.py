"""How a dealer's leads stand now — per status, assignee and source — read from the rollup, and its folding.

``leads_standing`` holds delta rows written by triggers on every lead write
(the migration that made it says how); the figures "open leads" and
"waiting for a first contact" sum a dealer's rows instead of reading its
thousands of leads. :func:`fold` — the job ``leads.fold_standing`` — turns
a dealer's deltas into one row per (status, assignee, source), dropping
those that come to nothing; figures are the same before and after.

Guarantee: for every dealer, status, assignee and source, ``SUM(leads)`` is
the number of such leads and ``SUM(uncontacted)`` of those without
``contacted_at``, as of any committed state (tests/test_leads_standing.py
checks it against the leads after random writes, on both engines).
"""

from __future__ import annotations

from typing import Any

from forecourt import Context, engine_kind, transaction
from plugins.leads.tables import Lead

_SUMS = "SUM(leads) AS leads, SUM(uncontacted) AS uncontacted"
_GROUPS = "status, assignee_id, source"
_FOLD_POSTGRES = (
    f"WITH gone AS (DELETE FROM leads_standing WHERE dealer_id = {{}} RETURNING {_GROUPS}, leads, uncontacted) "
    f"INSERT INTO leads_standing (dealer_id, {_GROUPS}, leads, uncontacted) "
    f"SELECT {{}}, {_GROUPS}, SUM(leads), SUM(uncontacted) FROM gone GROUP BY {_GROUPS} "
    "HAVING SUM(leads) <> 0 OR SUM(uncontacted) <> 0")


async def fold(ctx: Context) -> str:
    """Fold the dealer's deltas into one row per (status, assignee, source); concurrent writes are never lost.

    PostgreSQL: one statement, so exactly the rows deleted are the rows
    summed, whatever commits meanwhile. SQLite: one write transaction (the
    only writer), up to the highest id at its start.
    """
    loose = await Lead.raw(f"SELECT 1 AS loose FROM leads_standing WHERE dealer_id = {{}} GROUP BY {_GROUPS} "
                           "HAVING COUNT(*) > 1 OR SUM(leads) = 0 LIMIT 1", ctx.dealer_id)
    if not loose:  # already one row per group: rewriting them would only leave dead rows behind
        return "nothing to fold"
    async with transaction():
        if engine_kind() == "postgres":
            await Lead.raw(_FOLD_POSTGRES, ctx.dealer_id, ctx.dealer_id)
        else:
            last = (await Lead.raw("SELECT MAX(id) AS m FROM leads_standing WHERE dealer_id = {}",
                                   ctx.dealer_id))[0]["m"]
            if last is None:
                return "nothing to fold"
            await Lead.raw(f"INSERT INTO leads_standing (dealer_id, {_GROUPS}, leads, uncontacted) "
                           f"SELECT dealer_id, {_GROUPS}, SUM(leads), SUM(uncontacted) FROM leads_standing "
                           f"WHERE dealer_id = {{}} AND id <= {{}} GROUP BY dealer_id, {_GROUPS} "
                           "HAVING SUM(leads) <> 0 OR SUM(uncontacted) <> 0", ctx.dealer_id, last)
            await Lead.raw("DELETE FROM leads_standing WHERE dealer_id = {} AND id <= {}", ctx.dealer_id, last)
    rows = await Lead.raw("SELECT COUNT(*) AS n FROM leads_standing WHERE dealer_id = {}", ctx.dealer_id)
    return f"{rows[0]['n']} standing row(s)"


async def counts(where: tuple[str, tuple[Any, ...]]) -> list[dict[str, Any]]:
    """``{assignee_id, source, leads, uncontacted_new}`` per assignee and source, for ``where`` on the rollup.

    ``where`` is a condition on ``dealer_id``, ``status``, ``assignee_id``
    and ``source`` (with ``{}`` placeholders), as for ``leads_lead``;
    ``uncontacted_new``: those in status New without a contact.
    """
    return await Lead.raw(
        f"SELECT assignee_id, source, SUM(leads) AS leads, "
        f"SUM(CASE WHEN status = 'new' THEN uncontacted ELSE 0 END) AS uncontacted_new FROM leads_standing "
        f"WHERE {where[0]} GROUP BY assignee_id, source", *where[1])
