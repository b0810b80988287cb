"""Quick links -> Settings, for dealer administrators: how the customer pages look, and the exchange rates.

The page is the core's :class:`forecourt.SettingsPage` for the title and the
two colours (``#rrggbb``, checked before anything is saved); below it, forms
of their own (``quicklinks/settings_extra.html``) for what is not a plain
setting:

* the logo: ``POST /quicklinks/settings/logo`` (multipart, field ``logo``)
  takes PNG, JPEG or WebP by their first bytes, at most 200 KB;
  ``POST /quicklinks/settings/logo/delete`` removes it;
* the rates: ``POST /quicklinks/settings/rates`` adds a pair (or changes the
  pair's rate if it is there), ``POST /quicklinks/settings/rates/{id}``
  changes one, ``POST /quicklinks/settings/rates/{id}/delete`` deletes one.

Every refusal answers 422 with the page again, the message beside its field
and in the summary, the typed values kept; nothing is written. Another
dealer's rate id is a 404.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from forecourt import SettingField, SettingsPage, flash, requires
from forecourt import gettext as _
from forecourt import lazy_gettext as _l
from plugins.quicklinks import branding, rates

GUARD = [requires("quicklinks.settings")]
URL = "/quicklinks/settings"


async def _extra(request: Request) -> dict[str, Any]:
    """What the page shows below the form: the logo (if any) and the dealer's rates."""
    ctx = request.state.ctx
    look = await branding.look(ctx.dealer_id, ctx.dealer_name)
    listed = [{**row, "shown": rates.shown(row["rate"])} for row in await rates.listed(ctx.dealer_id)]
    return {"logo_url": look.logo_url, "rates": listed, "currencies": rates.CURRENCIES,
            "logo_limit_kb": branding.LOGO_LIMIT // 1024, "typed": {}, "look": look}


SETTINGS = SettingsPage(
    plugin="quicklinks", title=_l("Quick link settings"), load=branding.settings, save=branding.save,
    fields=(
        SettingField("title", _l("Title of the customer pages"), "text", limit=100,
                     help=_l("Shown at the top of every page your customers open from their link. Empty: the "
                             "dealer's name.")),
        SettingField("colour", _l("Main colour"), "text", limit=7, check=branding.colour_problem,
                     help=_l("The header and the buttons, as # and six hexadecimal digits, like #1f4e79. Empty: "
                             "the default.")),
        SettingField("accent", _l("Accent colour"), "text", limit=7, check=branding.colour_problem,
                     help=_l("Prices and links, like #b45309. Empty: the default.")),
    ),
    extra_template="quicklinks/settings_extra.html", extra_context=_extra,
)


async def _refused(request: Request, errors: dict[str, str], typed: dict[str, Any] | None = None) -> Response:
    return await SETTINGS.render(request, errors=errors, status=422, typed=typed or {})


def _back(message: str) -> Response:
    return flash(Redirect(URL, status_code=303), message)


@post("/settings/logo", guards=GUARD)
async def upload_logo(request: Request) -> Response:
    """Store the uploaded logo if its bytes are a PNG, JPEG or WebP image of at most 200 KB."""
    upload = (await request.form()).get("logo")
    data = b""
    if isinstance(upload, UploadFile):
        data = await upload.read(branding.LOGO_LIMIT + 1)
        await upload.close()
    if not data:
        return await _refused(request, {"logo": _("Choose an image file for the logo.")})
    if len(data) > branding.LOGO_LIMIT:
        return await _refused(request, {"logo": _("The logo may be at most %(kb)d KB.") % {
            "kb": branding.LOGO_LIMIT // 1024}})
    if not branding.logo_type(data):
        return await _refused(request, {"logo": _("The logo must be a PNG, JPEG or WebP image.")})
    await branding.save_logo(request.state.ctx, data)
    return _back(_("The logo is saved."))


@post("/settings/logo/delete", guards=GUARD)
async def remove_logo(request: Request) -> Response:
    done = await branding.remove_logo(request.state.ctx)
    return _back(_("The logo is removed.") if done else _("There was no logo."))


async def _form(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


@post("/settings/rates", guards=GUARD)
async def add_rate(request: Request) -> Response:
    """Add a pair's rate (or change it, if the pair is there)."""
    data = await _form(request)
    values, errors = rates.read(data)
    if errors:
        return await _refused(request, errors, data)
    await rates.save(request.state.ctx, values["source"], values["target"], values["rate"])
    return _back(_("The rate %(source)s → %(target)s is saved.") % values)


@post("/settings/rates/{rate_id:int}", guards=GUARD)
async def change_rate(request: Request, rate_id: FromPath[int]) -> Response:
    data = await _form(request)
    values, errors = rates.read(data, pair=False)
    if errors:
        return await _refused(request, {f"rate-{rate_id}": errors["rate"]}, {f"rate-{rate_id}": data.get("rate")})
    if not await rates.change(request.state.ctx, rate_id, values["rate"]):
        raise NotFoundException()
    return _back(_("The rate is saved."))


@post("/settings/rates/{rate_id:int}/delete", guards=GUARD)
async def delete_rate(request: Request, rate_id: FromPath[int]) -> Response:
    if not await rates.delete(request.state.ctx, rate_id):
        raise NotFoundException()
    return _back(_("The rate is deleted: prices in that currency show in the product's own currency again."))


ROUTES = [*SETTINGS.routes(), upload_logo, remove_logo, add_rate, change_rate, delete_rate]
