"""The two jobs of a bulk import: checking the rows (after the mapping), loading them (after the confirmation).

Both run as asyncio tasks of the app process, so neither a 100,000-row check
nor the load holds a request open; the page polls their progress
(:func:`core.bulk.runs.progress`). Guarantees:

* **The preview writes nothing** of the dealer's: the check reads the
  dealer's rows to find duplicates and stores its report, and the checked
  values, on the run row only.
* **Exactly once**: confirming moves ``checked`` -> ``queued`` with one
  conditional ``UPDATE … RETURNING``; a second (or concurrent) confirmation
  claims nothing and loads nothing.
* **All or nothing**: the load looks the duplicates up again (the dealer's
  rows may have changed since the preview), then writes every batch and marks
  the run ``done`` in one transaction. A veto, a broken constraint, a lost
  connection or a crash rolls all of it back; the run is then ``failed`` with
  the reason, and the dealer's rows are as before.
* **Progress** is counted per batch in this process's memory (the load's own
  writes are invisible outside its transaction until the commit) and, on
  PostgreSQL, on the run row too, through a connection of its own, so another
  app process can show it.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core import db
from core.bulk import runs
from core.bulk.spec import Importer
from core.context import Context
from core.i18n import get_locale, in_language
from core.i18n import gettext as _
from core.tables import ImportRun
from core.timeutil import now

log = logging.getLogger("forecourt.imports")

SHOWN = 200  #: errors and duplicates listed on the preview (all are counted)
_LOOKUP = 20_000  #: keys per duplicate look-up (one JSON parameter: see :func:`core.bulk.insert.rows_with`)


@dataclass
class Report:
    """What the check found: counts, the first :data:`SHOWN` problems, and the valid rows' values."""

    total: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  #: line, field label, message
    invalid: int = 0
    duplicates: list[tuple[int, str, str, str]] = field(default_factory=list)  #: line, label, message, url
    duplicate_lines: set[int] = field(default_factory=set)
    in_file: set[int] = field(default_factory=set)  #: lines that repeat an earlier line of the file
    rows: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  #: the valid rows' line numbers

    @property
    def valid(self) -> int:
        return len(self.rows)

    def duplicate(self, importer: Importer, line: int, kind: str, message: str, url: str) -> None:
        self.duplicate_lines.add(line)
        if len(self.duplicates) < SHOWN:
            self.duplicates.append((line, str((importer.duplicate_labels or {}).get(kind, kind)), message, url))


def _label(importer: Importer, key: str) -> str:
    found = importer.field(key)
    return str(found.label) if found else key


async def check(ctx: Context, importer: Importer, run: dict[str, Any]) -> Report:
    """Every row read with the plugin's rules and looked up for duplicates; writes nothing."""
    chosen = runs.mapping_of(run)
    rows: list[list[Any]] = json.loads(run["rows"])
    report = Report(total=len(rows))
    seen: dict[str, dict[str, int]] = {}
    for n, (line, cells) in enumerate(rows):
        if n % 100 == 99:
            runs.live[run["id"]] = (n, len(rows))
            await asyncio.sleep(0)  # a long check must not stall the server's other requests
        values, errors = importer.clean({k: cells[i] if i < len(cells) else "" for i, k in chosen.items()},
                                        ctx.dealer_language)
        if errors:
            report.invalid += 1
            for key, message in errors.items():
                if len(report.errors) < SHOWN:
                    report.errors.append((line, _label(importer, key), message))
            continue
        report.rows.append(values)
        report.lines.append(line)
        for kind, key in importer.duplicate_keys(values).items():
            if not key:
                continue
            first = seen.setdefault(kind, {}).setdefault(key, line)
            if first != line and line not in report.duplicate_lines:
                report.in_file.add(line)
                report.duplicate(importer, line, kind, _("The same as row %(line)s of the file.") % {"line": first},
                                 "")
    await _existing(ctx, importer, report)
    return report


async def _existing(ctx: Context, importer: Importer, report: Report) -> None:
    """Mark the valid rows whose keys the dealer's rows already hold (read now: the load calls it again)."""
    by_kind: dict[str, dict[str, list[int]]] = {}
    for values, line in zip(report.rows, report.lines, strict=True):
        for kind, key in importer.duplicate_keys(values).items():
            if key:
                by_kind.setdefault(kind, {}).setdefault(key, []).append(line)
    for kind, lines_of in by_kind.items():
        keys = sorted(lines_of)
        for start in range(0, len(keys), _LOOKUP):
            await asyncio.sleep(0)
            found = await importer.existing(ctx, kind, keys[start:start + _LOOKUP])
            for key, match in found.items():
                for line in lines_of.get(key, []):
                    if line not in report.duplicate_lines:
                        report.duplicate(importer, line, kind, _("Already there: %(name)s.") % {"name": match.label},
                                         match.url)


# --- keeping the checked values on the run ----------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    raise TypeError(f"cannot keep {type(value).__name__} in an import run")


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "$d" in obj:
            return Decimal(obj["$d"])
        if "$dt" in obj:
            return dt.datetime.fromisoformat(obj["$dt"])
        if "$date" in obj:
            return dt.date.fromisoformat(obj["$date"])
    return obj


async def _record(run_id: int, report: Report) -> None:
    await ImportRun.update({
        ImportRun.report: json.dumps({"errors": report.errors, "duplicates": report.duplicates}),
        ImportRun.checked: json.dumps({"rows": report.rows, "lines": report.lines, "in_file": sorted(report.in_file)},
                                      default=_encode, ensure_ascii=False),
        ImportRun.valid: report.valid, ImportRun.invalid: report.invalid,
        ImportRun.duplicates: len(report.duplicate_lines), ImportRun.language: get_locale(),
        ImportRun.status: "checked", ImportRun.result: ""}).where(ImportRun.id == run_id)


# --- the jobs -------------------------------------------------------------------------------------


def _start(run_id: int, coro: Any) -> None:
    task = asyncio.get_running_loop().create_task(coro, context=contextvars.copy_context())
    runs.tasks[run_id] = task
    task.add_done_callback(lambda _t: runs.tasks.pop(run_id, None))


async def start_check(ctx: Context, importer: Importer, run: dict[str, Any]) -> None:
    """Check the run's rows in the background (status ``checking``, then ``checked``)."""
    await ImportRun.update({ImportRun.status: "checking", ImportRun.started_at: now(), ImportRun.result: ""}).where(
        ImportRun.id == run["id"])
    _start(run["id"], _check_job(ctx, importer, run["id"], get_locale()))


async def _check_job(ctx: Context, importer: Importer, run_id: int, language: str) -> None:
    with in_language(language):
        try:
            run = await ImportRun.select().where(ImportRun.id == run_id).first()
            await _record(run_id, await check(ctx, importer, run))
        except Exception:
            log.exception("checking bulk import %s failed", run_id)
            await ImportRun.update({ImportRun.status: "uploaded", ImportRun.result: _(
                "The rows could not be checked; try again.")}).where(ImportRun.id == run_id)
        finally:
            runs.live.pop(run_id, None)


async def recheck(ctx: Context, importer: Importer, run: dict[str, Any]) -> None:
    """Check again now, in this request (the preview in another language than it was checked in)."""
    await _record(run["id"], await check(ctx, importer, run))
    runs.live.pop(run["id"], None)


async def confirm(ctx: Context, importer: Importer, run: dict[str, Any], with_duplicates: bool) -> bool:
    """Claim the run and start its load; False when it was claimed already (or has expired, or has errors)."""
    claimed = await ImportRun.update({ImportRun.status: "queued", ImportRun.with_duplicates: with_duplicates,
                                      ImportRun.started_at: now()}).where(
        (ImportRun.id == run["id"]) & (ImportRun.status == "checked") & (ImportRun.invalid == 0)
        & (ImportRun.expires_at > now())).returning(ImportRun.id)
    if not claimed:
        return False
    _start(run["id"], _load(ctx, importer, run["id"], get_locale()))
    return True


async def _load(ctx: Context, importer: Importer, run_id: int, language: str) -> None:
    """The load (module doc): duplicates looked up again, then every batch and "done" in one transaction."""
    with in_language(language):
        try:
            await ImportRun.update({ImportRun.status: "running"}).where(ImportRun.id == run_id)
            run = await ImportRun.select().where(ImportRun.id == run_id).first()
            kept = json.loads(run["checked"] or "{}", object_hook=_decode)
            report = Report(rows=kept.get("rows", []), lines=kept.get("lines", []),
                            in_file=set(kept.get("in_file", [])))
            report.duplicate_lines |= report.in_file
            async with db.transaction():
                # looked up inside the transaction: on SQLite no other writer can add a duplicate until it ends
                await _existing(ctx, importer, report)
                rows = [values for values, line in zip(report.rows, report.lines, strict=True)
                        if run["with_duplicates"] or line not in report.duplicate_lines]
                runs.live[run_id] = (0, len(rows))
                for start in range(0, len(rows), importer.batch):
                    await importer.write(ctx, rows[start:start + importer.batch])
                    done = min(start + importer.batch, len(rows))
                    runs.live[run_id] = (done, len(rows))
                    if not db.is_sqlite():
                        await _outside(_progress(run_id, done))
                    await asyncio.sleep(0)
                await ImportRun.update({ImportRun.status: "done", ImportRun.done_rows: len(rows),
                                        ImportRun.finished_at: now(), ImportRun.checked: "",
                                        ImportRun.result: ""}).where(ImportRun.id == run_id)
        except Exception as exc:
            log.exception("bulk import %s failed", run_id)
            reason = _("The import failed and nothing was imported (%(problem)s).") % {
                "problem": getattr(exc, "message", "") or type(exc).__name__}
            await ImportRun.update({ImportRun.status: "failed", ImportRun.result: reason[:2000],
                                    ImportRun.done_rows: 0, ImportRun.finished_at: now()}).where(
                ImportRun.id == run_id)
        finally:
            runs.live.pop(run_id, None)


async def _outside(coro: Any) -> None:
    """Run ``coro`` outside the load's transaction (a fresh context: its own connection, committed at once)."""
    await asyncio.get_running_loop().create_task(coro, context=contextvars.Context())


async def _progress(run_id: int, done: int) -> None:
    await ImportRun.update({ImportRun.done_rows: done}).where(ImportRun.id == run_id)


async def wait(run_id: int) -> None:
    """Wait for the run's job in this process to end (the benchmark, the CLI)."""
    task = runs.tasks.get(run_id)
    if task is not None:
        await asyncio.shield(task)
