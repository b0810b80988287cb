"""A bulk import's life: the upload kept, the mapping remembered, the check, the claim, the load as a job.

Guarantees:

* **Only the uploader's dealer and user** reach a run: every read is scoped
  by dealer, importer and user, and the run is found by a random token.
* **The preview writes nothing** but the run row itself: the check reads the
  dealer's rows to find duplicates, and stores its report on the run.
* **Exactly once**: confirming moves ``checked`` -> ``queued`` with one
  conditional ``UPDATE … RETURNING``; a second (or concurrent) confirmation
  claims nothing and loads nothing.
* **All or nothing**: the load checks every row again, then writes every batch
  and marks the run ``done`` in one transaction. A bad row, a veto, a lost
  connection or a crash rolls all of it back; the run is then ``failed`` with
  the reason, and the dealer's rows are as before.
* **Progress** is counted per batch: in this process's memory (what the
  progress bar polls; the transaction's own writes are not visible outside it
  until the commit) and, on PostgreSQL, also on the run row through a
  connection of its own, so another app process can show it too.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import json
import logging
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from core import db
from core.bulk.columns import header_key
from core.bulk.reading import Table
from core.bulk.spec import Importer
from core.context import Context
from core.i18n import get_locale, in_language
from core.i18n import gettext as _
from core.tables import ImportMapping, ImportRun
from core.timeutil import now

log = logging.getLogger("forecourt.imports")

LIFETIME = dt.timedelta(hours=6)  #: how long an upload waits for its confirmation
INTERRUPTED = dt.timedelta(minutes=30)  #: a run "running" this long with no task here has died with its process
SHOWN = 200  #: errors and duplicates listed on the preview (all are counted)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
_live: dict[int, tuple[int, int]] = {}  #: run id -> (rows written, rows to write), while its load runs here
_tasks: dict[int, asyncio.Task[None]] = {}


@dataclass
class Report:
    """What the check found: counts, and the first :data:`SHOWN` problems as (line, field label, message)."""

    total: int = 0
    valid: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    invalid: int = 0
    duplicates: list[tuple[int, str, str, str]] = field(default_factory=list)  #: line, label, message, url
    duplicate_count: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)  #: the valid rows' values (not stored)
    duplicate_lines: set[int] = field(default_factory=set)
    lines: list[int] = field(default_factory=list)  #: the valid rows' line numbers

    def as_json(self) -> dict[str, Any]:
        return {"errors": self.errors, "duplicates": self.duplicates}


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
    async with db.transaction():
        updated = await ImportMapping.update({ImportMapping.mapping: json.dumps(mine),
                                              ImportMapping.updated_at: now()}).where(
            (ImportMapping.dealer_id == ctx.dealer_id) & (ImportMapping.importer == importer.key)
        ).returning(ImportMapping.id)
        if not updated:
            await ImportMapping.raw(
                "INSERT INTO core_import_mapping (dealer_id, importer, mapping, updated_at) VALUES ({}, {}, {}, {}) "
                "ON CONFLICT (dealer_id, importer) DO UPDATE SET mapping = excluded.mapping, "
                "updated_at = excluded.updated_at", ctx.dealer_id, importer.key, json.dumps(mine), now())


def mapping_of(run: dict[str, Any]) -> dict[int, str]:
    try:
        return {int(i): k for i, k in json.loads(run["mapping"] or "{}").items()}
    except (ValueError, TypeError, AttributeError):
        return {}


# --- the check ------------------------------------------------------------------------------------------


def _label(importer: Importer, key: str) -> str:
    found = importer.field(key)
    return str(found.label) if found else key


async def check(ctx: Context, importer: Importer, run: dict[str, Any]) -> Report:
    """Every row read with the plugin's rules and looked up for duplicates; writes nothing of the dealer's."""
    chosen = mapping_of(run)
    rows: list[list[Any]] = json.loads(run["rows"])
    report = Report(total=len(rows))
    language = ctx.dealer_language
    seen: dict[str, dict[str, int]] = {}
    keyed: list[tuple[int, dict[str, str]]] = []
    for n, (line, cells) in enumerate(rows):
        if n % 500 == 499:
            await asyncio.sleep(0)  # a long check must not stall the server's other requests
        values, errors = importer.clean({k: cells[i] if i < len(cells) else "" for i, k in chosen.items()},
                                        language)
        if errors:
            report.invalid += 1
            for key, message in errors.items():
                if len(report.errors) < SHOWN:
                    report.errors.append((line, _label(importer, key), message))
            continue
        keys = {kind: key for kind, key in importer.duplicate_keys(values).items() if key}
        report.rows.append(values)
        report.lines.append(line)
        keyed.append((line, keys))
        for kind, key in keys.items():
            first = seen.setdefault(kind, {}).setdefault(key, line)
            if first != line and line not in report.duplicate_lines:
                _duplicate(importer, report, line, kind,
                           _("The same as row %(line)s of the file.") % {"line": first}, "")
    for kind, by_key in seen.items():
        keys = sorted(by_key)
        found: dict[str, Any] = {}
        for start in range(0, len(keys), 500):
            found.update(await importer.existing(ctx, kind, keys[start:start + 500]))
        for line, row_keys in keyed:
            match = found.get(row_keys.get(kind, ""))
            if match is not None and line not in report.duplicate_lines:
                _duplicate(importer, report, line, kind,
                           _("Already there: %(name)s.") % {"name": match.label}, match.url)
    report.valid = len(report.rows)
    return report


def _duplicate(importer: Importer, report: Report, line: int, kind: str, message: str, url: str) -> None:
    report.duplicate_lines.add(line)
    report.duplicate_count += 1
    if len(report.duplicates) < SHOWN:
        label = (importer.duplicate_labels or {}).get(kind, kind)
        report.duplicates.append((line, str(label), message, url))


async def record_check(run: dict[str, Any], report: Report) -> None:
    """Keep the check's report on the run (the preview shows it), status ``checked``."""
    await ImportRun.update({
        ImportRun.report: json.dumps(report.as_json()), ImportRun.valid: report.valid,
        ImportRun.invalid: report.invalid, ImportRun.duplicates: report.duplicate_count,
        ImportRun.language: get_locale(), ImportRun.status: "checked"}).where(
        (ImportRun.id == run["id"]) & ImportRun.status.is_in(["uploaded", "checked"]))


# --- the confirmation and the load ----------------------------------------------------------------------


async def confirm(ctx: Context, importer: Importer, run: dict[str, Any], with_duplicates: bool) -> bool:
    """Claim the run and start its load; False when it was claimed already (or has expired, or has errors)."""
    claimed = await ImportRun.update({ImportRun.status: "queued", ImportRun.with_duplicates: with_duplicates,
                                      ImportRun.started_at: now()}).where(
        (ImportRun.id == run["id"]) & (ImportRun.status == "checked") & (ImportRun.invalid == 0)
        & (ImportRun.expires_at > now())).returning(ImportRun.id)
    if not claimed:
        return False
    language = get_locale()
    task = asyncio.get_running_loop().create_task(_load(ctx, importer, run["id"], language),
                                                  context=contextvars.copy_context())
    _tasks[run["id"]] = task
    task.add_done_callback(lambda _t, run_id=run["id"]: _tasks.pop(run_id, None))
    return True


class _Refused(Exception):
    """Rows have errors on the load's own check: nothing was written."""


async def _load(ctx: Context, importer: Importer, run_id: int, language: str) -> None:
    """The job: check again, then every batch and the run's "done" in one transaction (module doc)."""
    with in_language(language):
        try:
            await ImportRun.update({ImportRun.status: "running"}).where(ImportRun.id == run_id)
            run = await ImportRun.select().where(ImportRun.id == run_id).first()
            report = await check(ctx, importer, run)
            if report.invalid:
                raise _Refused()
            rows = [v for v, line in zip(report.rows, report.lines, strict=True)
                    if run["with_duplicates"] or line not in report.duplicate_lines]
            _live[run_id] = (0, len(rows))
            async with db.transaction():
                for start in range(0, len(rows), importer.batch):
                    await importer.write(ctx, rows[start:start + importer.batch])
                    done = min(start + importer.batch, len(rows))
                    _live[run_id] = (done, len(rows))
                    if not db.is_sqlite():
                        await _outside(_progress(run_id, done))
                    await asyncio.sleep(0)
                await ImportRun.update({ImportRun.status: "done", ImportRun.done_rows: len(rows),
                                        ImportRun.total: report.total, ImportRun.finished_at: now(),
                                        ImportRun.result: str(len(rows))}).where(ImportRun.id == run_id)
        except Exception as exc:
            if isinstance(exc, _Refused):
                reason = _("Some rows have errors now: nothing was imported. Check the file again.")
            else:
                log.exception("bulk import %s failed", run_id)
                reason = _("The import failed and nothing was imported (%(problem)s).") % {
                    "problem": getattr(exc, "message", "") or type(exc).__name__}
            await ImportRun.update({ImportRun.status: "failed", ImportRun.result: reason[:2000],
                                    ImportRun.done_rows: 0, ImportRun.finished_at: now()}).where(
                ImportRun.id == run_id)
        finally:
            _live.pop(run_id, None)


async def _outside(coro: Any) -> None:
    """Run ``coro`` outside the load's transaction (a fresh context: its own connection, committed at once)."""
    await asyncio.get_running_loop().create_task(coro, context=contextvars.Context())


async def _progress(run_id: int, done: int) -> None:
    await ImportRun.update({ImportRun.done_rows: done}).where(ImportRun.id == run_id)


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
        return self.status in ("done", "failed")


async def progress(run: dict[str, Any]) -> Progress:
    """The run's progress now: from this process's load if it runs here, else from the row."""
    live = _live.get(run["id"])
    if live is not None:
        return Progress("running", live[0], live[1])
    status = run["status"]
    if status in ("queued", "running") and run["id"] not in _tasks and run["started_at"] is not None \
            and now() - run["started_at"] > INTERRUPTED:
        reason = _("The import was interrupted (the server stopped) and nothing was imported: confirm it again.")
        await ImportRun.update({ImportRun.status: "checked", ImportRun.result: reason}).where(
            (ImportRun.id == run["id"]) & ImportRun.status.is_in(["queued", "running"]))
        return Progress("failed", 0, run["valid"], reason)
    total = run["valid"] - (0 if run["with_duplicates"] else run["duplicates"])
    return Progress(status, run["done_rows"], max(total, run["done_rows"]), run["result"])


async def wait(run_id: int) -> None:
    """Wait for the run's load in this process to end (tests, the CLI)."""
    task = _tasks.get(run_id)
    if task is not None:
        await asyncio.shield(task)
