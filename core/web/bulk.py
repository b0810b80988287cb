"""The routes of a plugin's bulk import, built from its :class:`~core.bulk.spec.Importer`.

``routes(importer)`` gives the handlers a plugin returns from
``register_routes`` (they are mounted under ``/<plugin>``, so the importer's
``base`` starts with it). Every step works as a plain form; the progress bar
polls with htmx and, without JavaScript, the page refreshes itself and has a
refresh link. A file that cannot be read, a mapping without a required field
or a confirmation that comes too late is answered with a 4xx and the reason.

    GET  base                 upload form            POST base              read the file (303 to its run)
    GET  base/template.csv    the template           GET  base/{token}      the run: mapping, preview or progress
    POST base/{token}/mapping the chosen columns     POST base/{token}/confirm  start the load once (303)
    GET  base/{token}/progress the progress bar (an htmx fragment)
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from core.bulk import load, runs
from core.bulk.reading import FileRefused, read_table, too_large
from core.bulk.spec import Importer
from core.fields import search_text
from core.i18n import get_locale
from core.i18n import gettext as _
from core.permissions import requires
from core.web.render import page
from core.web.templating import render_fragment


def routes(importer: Importer) -> list[Any]:
    """The import's route handlers (see the module doc)."""
    plugin, _sep, rest = importer.base.lstrip("/").partition("/")
    path = "/" + rest
    guards = [requires(importer.permission)]
    name = importer.key.replace(".", "_")

    async def upload_page(request: Request, error: str = "", status: int = 200) -> Response:
        return await page(request, "core/bulk/upload.html", {
            "importer": importer, "error": error, "max_mb": importer.max_bytes // (1024 * 1024),
            "max_rows": importer.max_rows}, status_code=status)

    async def the_run(request: Request, token: str) -> dict[str, Any]:
        run = await runs.load(request.state.ctx, importer, token)
        if run is None:
            raise NotFoundException()
        return run

    @get(path, guards=guards, name=f"{name}_import_form")
    async def form(request: Request) -> Response:
        return await upload_page(request)

    @post(path, guards=guards, name=f"{name}_import_upload", request_max_body_size=importer.max_bytes + 256 * 1024)
    async def upload(request: Request) -> Response:
        """Read the file: a readable one is kept and its mapping shown (303), an unreadable one refused (4xx)."""
        sent = (await request.form()).get("file")
        if not isinstance(sent, UploadFile) or not (sent.filename or "").strip():
            return await upload_page(request, _("Choose a CSV or XLSX file to upload."), 400)
        data = await sent.read(importer.max_bytes + 1)
        try:
            if len(data) > importer.max_bytes:
                raise too_large(importer.max_bytes)
            table = read_table(data, max_bytes=importer.max_bytes, max_rows=importer.max_rows)
            if not table.rows:
                raise FileRefused(_("The file has column names but no rows under them."), 422)
        except FileRefused as exc:
            return await upload_page(request, exc.message, exc.status)
        token = await runs.store(request.state.ctx, importer, search_text(sent.filename, 200), table)
        return Redirect(f"{importer.base}/{token}", status_code=303)

    @get(f"{path}/template.csv", guards=guards, name=f"{name}_import_template")
    async def template(request: Request) -> Response:
        out = io.StringIO()
        csv.writer(out).writerows([[f.key for f in importer.fields], [f.example for f in importer.fields]])
        return Response(content="\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{plugin}-import.csv"'})

    async def mapping_page(request: Request, run: dict[str, Any], chosen: dict[int, str], error: str = "",
                           status: int = 200) -> Response:
        header = json.loads(run["header"])
        rows = json.loads(run["rows"])
        sample = rows[0][1] if rows else []
        columns = [(i, text, sample[i] if i < len(sample) else "", chosen.get(i, "")) for i, text in enumerate(header)]
        return await page(request, "core/bulk/mapping.html", {
            "importer": importer, "run": run, "columns": columns, "error": error}, status_code=status)

    async def preview_page(request: Request, run: dict[str, Any], failure: str = "", status: int = 200) -> Response:
        if run["language"] != get_locale():  # messages in the reader's language: check again in it
            await load.recheck(request.state.ctx, importer, run)
            run = await the_run(request, run["token"])
        report = json.loads(run["report"] or "{}")
        return await page(request, "core/bulk/preview.html", {
            "importer": importer, "run": run, "errors": report.get("errors", []),
            "duplicates": report.get("duplicates", []), "failure": failure, "shown": load.SHOWN},
            status_code=status)

    async def progress_page(request: Request, run: dict[str, Any]) -> Response:
        state = await runs.progress(run)
        return await page(request, "core/bulk/run.html", {
            "importer": importer, "run": run, "progress": _progress_html(importer, run, state)})

    @get(f"{path}/{{token:str}}", guards=guards, name=f"{name}_import_run")
    async def show(request: Request, token: FromPath[str]) -> Response:
        run = await the_run(request, token)
        if run["status"] == "uploaded" or (request.query_params.get("mapping") == "1" and run["status"] == "checked"):
            return await mapping_page(request, run, runs.mapping_of(run) or await runs.suggested(
                request.state.ctx, importer, json.loads(run["header"])), run["result"])
        if run["status"] == "checked":
            if run["expired"]:
                return await upload_page(request, _("This upload has expired: upload the file again."), 410)
            return await preview_page(request, run, run["result"])
        return await progress_page(request, run)

    @post(f"{path}/{{token:str}}/mapping", guards=guards, name=f"{name}_import_mapping")
    async def save_mapping(request: Request, token: FromPath[str]) -> Response:
        run = await the_run(request, token)
        if run["status"] not in ("uploaded", "checked"):  # being checked or loaded: the mapping is kept
            return await progress_page(request, run)
        form = await request.form()
        header = json.loads(run["header"])
        chosen: dict[int, str] = {}
        error = ""
        for i in range(len(header)):
            key = str(form.get(f"col-{i}") or "")
            if not key:
                continue
            if importer.field(key) is None:
                error = _("Choose a field from the list.")
            elif key in chosen.values():
                error = _("“%(field)s” is chosen for two columns: choose it for one.") % {
                    "field": str(importer.field(key).label)}  # type: ignore[union-attr]
            else:
                chosen[i] = key
        missing = [str(f.label) for f in importer.fields if f.required and f.key not in chosen.values()]
        if missing and not error:
            error = _("Choose a column for: %(fields)s.") % {"fields": ", ".join(missing)}
        if error:
            return await mapping_page(request, run, chosen, error, 422)
        await runs.save_mapping(request.state.ctx, importer, run, chosen)
        await load.start_check(request.state.ctx, importer, await the_run(request, token))
        return Redirect(f"{importer.base}/{token}", status_code=303)

    @post(f"{path}/{{token:str}}/confirm", guards=guards, name=f"{name}_import_confirm")
    async def confirm(request: Request, token: FromPath[str]) -> Response:
        """Start the load once; a second confirmation (or one of an expired or faulty file) starts nothing."""
        run = await the_run(request, token)
        form = await request.form()
        if await load.confirm(request.state.ctx, importer, run, form.get("with_duplicates") == "1"):
            return Redirect(f"{importer.base}/{token}", status_code=303)
        run = await the_run(request, token)
        if run["status"] == "checked" and run["expired"]:
            return await upload_page(request, _("This upload has expired: upload the file again."), 410)
        if run["status"] == "checked":
            return await preview_page(request, run, _("Nothing can be imported while rows have errors."), 422)
        state = await runs.progress(run)
        response = await page(request, "core/bulk/run.html", {
            "importer": importer, "run": run, "progress": _progress_html(importer, run, state),
            "conflict": _("This file is already being imported, or has been: it is imported once.")},
            status_code=409)
        return response

    @get(f"{path}/{{token:str}}/progress", guards=guards, name=f"{name}_import_progress")
    async def progress(request: Request, token: FromPath[str]) -> Response:
        run = await the_run(request, token)
        state = await runs.progress(run)
        # the check has ended (the preview, or the mapping page saying why it failed): the whole page changes
        headers = {"hx-refresh": "true"} if run["status"] in ("checked", "uploaded") else {}
        return Response(content=str(_progress_html(importer, run, state)), media_type="text/html",
                        headers=headers)

    return [form, upload, template, show, save_mapping, confirm, progress]


def _progress_html(importer: Importer, run: dict[str, Any], state: runs.Progress) -> Any:
    return render_fragment("core/bulk/_progress.html", importer=importer, run=run, state=state,
                           url=f"{importer.base}/{run['token']}")
