"""A bulk import's run: the upload kept, the mapping remembered, the progress; the jobs are in :mod:`.load`.

Only the uploader's dealer and user reach a run: every read is scoped by
dealer, importer and user, and the run is found by a random token. The
column mapping a dealer chose is remembered per dealer and importer, by the
headers' compared text, so the next export of the same program maps itself.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

from core.bulk.columns import header_key
from core.bulk.reading import Table
from core.bulk.spec import Importer
from core.context import Context
from core.i18n import get_locale
from core.i18n import gettext as _
from core.tables import ImportMapping, ImportRun
from core.timeutil import now

LIFETIME = dt.timedelta(hours=6)  #: how long an upload waits for its confirmation
INTERRUPTED = dt.timedelta(minutes=30)  #: a job "running" this long with no task here has died with its process
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
#: run id -> (rows done, rows to do), while a job of this process works on it
live: dict[int, tuple[int, int]] = {}
tasks: dict[int, Any] = {}  #: run id -> its job's asyncio task in this process


# --- the upload -----------------------------------------------------------------------------------------


async def store(ctx: Context, importer: Importer, filename: str, table: Table) -> str:
    """Keep a read file for its mapping and preview; its token. The dealer's expired runs go."""
    moment = now()
    await ImportRun.delete().where((ImportRun.dealer_id == ctx.dealer_id) & (ImportRun.expires_at < moment)
                                   & ImportRun.status.is_in(["uploaded", "checked", "done", "failed"]))
    token = secrets.token_urlsafe(24)
    await ImportRun.insert(ImportRun(
        dealer_id=ctx.dealer_id, importer=importer.key, token=token, user_id=ctx.user_id or 0,
        filename=filename[:200], header=json.dumps(table.header), rows=json.dumps(table.rows),
        language=get_locale(), total=len(table.rows), created_at=moment, expires_at=moment + LIFETIME))
    return token


async def load(ctx: Context, importer: Importer, token: str) -> dict[str, Any] | None:
    """The user's run under ``token`` (``run["expired"]`` says whether it may still be confirmed), or None."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    run = await ImportRun.select().where(
        (ImportRun.dealer_id == ctx.dealer_id) & (ImportRun.importer == importer.key)
        & (ImportRun.token == token) & (ImportRun.user_id == (ctx.user_id or 0))).first()
    if run is None:
        return None
    run["expired"] = run["expires_at"] <= now()
    return run


# --- the mapping ----------------------------------------------------------------------------------------


async def remembered(ctx: Context, importer: Importer) -> dict[str, str]:
    row = await ImportMapping.select(ImportMapping.mapping).where(
        (ImportMapping.dealer_id == ctx.dealer_id) & (ImportMapping.importer == importer.key)).first()
    try:
        found = json.loads(row["mapping"]) if row else {}
    except ValueError:
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)}


async def suggested(ctx: Context, importer: Importer, header: list[str]) -> dict[int, str]:
    """Column index -> field key: the dealer's last choice for that header, else the header's own name."""
    mine, known = await remembered(ctx, importer), importer.headers()
    chosen: dict[int, str] = {}
    for i, text in enumerate(header):
        key = header_key(text)
        target = mine.get(key, known.get(key, ""))
        if target == "-":
            continue
        if importer.field(target) is not None and target not in chosen.values():
            chosen[i] = target
    return chosen


async def save_mapping(ctx: Context, importer: Importer, run: dict[str, Any], chosen: dict[int, str]) -> None:
    """Keep the run's mapping, and remember it for the dealer's next file (headers compared folded)."""
    header = json.loads(run["header"])
    await ImportRun.update({ImportRun.mapping: json.dumps({str(i): k for i, k in chosen.items()})}).where(
        ImportRun.id == run["id"])
    mine = await remembered(ctx, importer)
    for i, text in enumerate(header):
        if text:
            mine[header_key(text)] = chosen.get(i, "-")  # "-": the dealer left this column out on purpose
    # one upsert on the unique (dealer_id, importer) index: two tabs saving at once leave one row
    await ImportMapping.raw(
        "INSERT INTO core_import_mapping (dealer_id, importer, mapping, updated_at) VALUES ({}, {}, {}, {}) "
        "ON CONFLICT (dealer_id, importer) DO UPDATE SET mapping = excluded.mapping, "
        "updated_at = excluded.updated_at", ctx.dealer_id, importer.key, json.dumps(mine), now())


def mapping_of(run: dict[str, Any]) -> dict[int, str]:
    try:
        return {int(i): k for i, k in json.loads(run["mapping"] or "{}").items()}
    except (ValueError, TypeError, AttributeError):
        return {}


@dataclass(frozen=True)
class Progress:
    """What the progress bar shows: ``status``, rows written of ``total``, the result or failure message."""

    status: str
    done: int
    total: int
    result: str = ""

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed", "checked", "uploaded")


async def progress(run: dict[str, Any]) -> Progress:
    """The run's progress now: from this process's job if it runs here, else from the row.

    A job whose process died leaves its run "checking" or "running" with
    nothing written (its transaction died too); after :data:`INTERRUPTED` it is
    shown as failed and may be checked or confirmed again.
    """
    status = run["status"]
    found = live.get(run["id"])
    if found is not None:
        return Progress(status if status in ("checking", "running") else "running", found[0], found[1])
    if status in ("checking", "queued", "running") and run["id"] not in tasks and run["started_at"] is not None \
            and now() - run["started_at"] > INTERRUPTED:
        reason = _("The import was interrupted (the server stopped) and nothing was imported: try again.")
        back = "uploaded" if status == "checking" else "checked"
        await ImportRun.update({ImportRun.status: back, ImportRun.result: reason}).where(
            (ImportRun.id == run["id"]) & (ImportRun.status == status))
        return Progress("failed", 0, run["valid"], reason)
    if status in ("uploaded", "checking"):
        return Progress(status, 0, run["total"], run["result"])
    total = run["valid"] - (0 if run["with_duplicates"] else run["duplicates"])
    return Progress(status, run["done_rows"], max(total, run["done_rows"]), run["result"])
