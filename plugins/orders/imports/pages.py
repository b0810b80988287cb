"""The import pages under /orders/catalogue/import: upload, template, preview, confirmation.

Plain forms (no JavaScript needed). A file that cannot be read at all is
answered on the upload page with a 4xx and the reason; a readable one is kept
(:mod:`plugins.orders.imports.batches`) and shown as a preview, where the
rows' errors are listed and nothing is written until the user confirms. The
confirmation checks again and imports all rows or none; refused, it shows the
preview again with the reason (422), or says the file was imported already (409).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import Conflict, flash, page, requires, search_text
from forecourt import gettext as _
from plugins.orders.imports import batches, columns
from plugins.orders.imports.reading import MAX_BYTES, MAX_ROWS, FileRefused, read_file, too_large

BASE = "/orders/catalogue/import"
EDIT = [requires("orders.edit_catalogue")]


async def _upload_page(request: Request, error: str = "", status: int = 200) -> Response:
    return await page(request, "orders/imports/upload.html", {
        "error": error, "columns": columns, "max_mb": MAX_BYTES // (1024 * 1024), "max_rows": MAX_ROWS},
        status_code=status)


@get("/catalogue/import", guards=EDIT)
async def import_form(request: Request) -> Response:
    return await _upload_page(request)


@post("/catalogue/import", guards=EDIT, request_max_body_size=MAX_BYTES + 256 * 1024)
async def upload(request: Request) -> Response:
    """Read the file; a readable one is kept and its preview shown (303), an unreadable one refused (4xx)."""
    form = await request.form()
    sent = form.get("file")
    if not isinstance(sent, UploadFile) or not (sent.filename or "").strip():
        return await _upload_page(request, _("Choose a CSV or XLSX file to upload."), 400)
    data = await sent.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return await _upload_page(request, too_large().message, 413)
    try:
        parsed = read_file(sent.filename, data)
    except FileRefused as exc:
        return await _upload_page(request, exc.message, exc.status)
    token = await batches.store(request.state.ctx, search_text(sent.filename, 200), parsed)
    return Redirect(f"{BASE}/{token}", status_code=303)


def _template_rows() -> list[list[str]]:
    return [list(columns.COLUMNS), *[[row[c] for c in columns.COLUMNS] for row in columns.EXAMPLE]]


@get("/catalogue/import/template.csv", guards=EDIT)
async def template_csv(request: Request) -> Response:
    out = io.StringIO()
    csv.writer(out).writerows(_template_rows())
    return Response(content="\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="catalogue-import.csv"'})


@get("/catalogue/import/template.xlsx", guards=EDIT)
async def template_xlsx(request: Request) -> Response:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("catalogue")
    for row in _template_rows():
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return Response(content=out.getvalue(),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"content-disposition": 'attachment; filename="catalogue-import.xlsx"'})


class _Expired(Exception):
    """The upload waited longer than :data:`batches.LIFETIME`."""


async def _batch(request: Request, token: str) -> dict[str, Any]:
    batch = await batches.load(request.state.ctx, token)
    if batch is None:
        raise NotFoundException()
    if batch["expired"] and batch["used_at"] is None:
        raise _Expired()
    return batch


async def _expired(request: Request) -> Response:
    return await _upload_page(request, batches.expired_message(), 410)


async def _preview(request: Request, batch: dict[str, Any], plan: Any, failure: str = "",
                   status: int = 200) -> Response:
    return await page(request, "orders/imports/preview.html", {
        "batch": batch, "plan": plan, "failure": failure, "columns": columns,
        "shown": [c for c in columns.COLUMNS if c in plan.columns]}, status_code=status)


@get("/catalogue/import/{token:str}", guards=EDIT)
async def show_preview(request: Request, token: FromPath[str]) -> Response:
    try:
        batch = await _batch(request, token)
    except _Expired:
        return await _expired(request)
    return await _preview(request, batch, await batches.preview(request.state.ctx, batch))


@post("/catalogue/import/{token:str}/confirm", guards=EDIT)
async def confirm(request: Request, token: FromPath[str]) -> Response:
    ctx = request.state.ctx
    try:
        batch = await _batch(request, token)
    except _Expired:
        return await _expired(request)
    try:
        done = await batches.confirm(ctx, batch)
    except batches.PlanRefused as exc:
        return await _preview(request, batch, exc.plan, _("Some rows have errors: nothing was imported. Correct "
                                                          "the file and upload it again."), 422)
    except batches.RowRefused as exc:
        failure = _("Row %(line)s, %(column)s: %(message)s Nothing was imported.") % {
            "line": exc.line, "column": exc.column, "message": exc.message}
        return await _preview(request, batch, await batches.preview(ctx, batch), failure, 422)
    except Conflict as exc:
        batch = await _batch(request, token)
        return await _preview(request, batch, await batches.preview(ctx, batch), exc.message, 409)
    message = _("Imported: %(new)s new, %(updated)s updated and %(unchanged)s unchanged products; "
                "%(stock)s stock changes.") % {"new": done.created, "updated": done.updated,
                                               "unchanged": done.unchanged, "stock": done.stock}
    return flash(Redirect("/orders/catalogue/", status_code=303), message)


#: the fixed paths before the preview's "/catalogue/import/{token}"
ROUTES = [import_form, upload, template_csv, template_xlsx, show_preview, confirm]
