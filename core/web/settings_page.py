"""A plugin's settings page declared as data: the core renders it, reads it and saves it per dealer.

A plugin says what it can be set to — fields with a kind, a label, a help
text and their limits — and where its values live (``load`` / ``save``,
usually its own per-dealer table); the core gives it the page and its
routes::

    from forecourt import SettingField, SettingsPage, lazy_gettext as _l

    SETTINGS = SettingsPage(
        plugin="orders", title=_l("Order settings"), load=load, save=save,
        fields=(SettingField("prefix", _l("Order number prefix"), "text", limit=8, required=True),
                SettingField("reserve_days", _l("Days a car stays reserved"), "integer", minimum=1, maximum=90)),
    )
    # register_routes: [*SETTINGS.routes(), ...]

Guaranteed: only users with ``<plugin>.settings`` (or ``permission``) see
or save it; every value is read through the core's field kit
(:mod:`core.fields`), so what is saved fits and what is refused is named,
in the reader's language; a refused save answers 422 with the page again,
every message in its error summary and every field as it was typed; a
saved one redirects (303) to the page with "Settings saved."
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Redirect

from core.fields import FieldReader
from core.i18n import gettext as _
from core.permissions import requires
from core.web.forms import form as read_form
from core.web.render import flash, page

KINDS = ("bool", "text", "integer", "choice")
TEMPLATE = "core/settings_page.html"


@dataclass(frozen=True)
class SettingField:
    """One setting: ``kind`` is "bool" (a checkbox), "text", "integer" or "choice" (one of ``choices``).

    ``check(value)`` may refuse a value the kind accepts, returning the
    (translated) message, or None to accept it.
    """

    key: str
    label: Any
    kind: str = "text"
    help: Any = ""
    limit: int = 200  #: characters of a text
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[tuple[str, Any], ...] = ()  #: (value, label) of a choice, in the order offered
    required: bool = False
    check: Callable[[Any], str | None] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"setting {self.key!r}: kind must be one of {KINDS}, not {self.kind!r}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"setting {self.key!r}: a choice needs its choices")

    def read(self, form: FieldReader) -> Any:
        """The value from the submitted form; a refusal goes to ``form.errors`` under :attr:`key`."""
        if self.kind == "bool":
            return form.raw.get(self.key) == "1"
        if self.kind == "integer":
            bounds = {k: v for k, v in (("minimum", self.minimum), ("maximum", self.maximum)) if v is not None}
            value: Any = form.integer(self.key, self.label, **bounds)
        else:
            value = form.text(self.key, self.label, self.limit)
            if self.kind == "choice" and value and value not in dict(self.choices):
                form.errors.setdefault(self.key, _("%(field)s: choose one of the options.") % {"field": self.label})
        if self.key not in form.errors and self.required and value in (None, ""):
            form.errors[self.key] = _("%(field)s: this is required.") % {"field": self.label}
        if self.key not in form.errors and self.check is not None and (refused := self.check(value)):
            form.errors[self.key] = refused
        return value


Load = Callable[[int], Awaitable[Mapping[str, Any]]]
Save = Callable[[Any, dict[str, Any]], Awaitable[None]]
Extra = Callable[[Request], Awaitable[dict[str, Any]]]
Finish = Callable[[Request, Response], Response]


@dataclass(frozen=True)
class SettingsPage:
    """A plugin's settings page: its fields, where their values live, and what else the page shows.

    ``load(dealer_id)`` gives the dealer's current values (missing keys show
    empty); ``save(ctx, values)`` stores what was read, all fields at once.
    ``extra_template`` (with ``extra_context(request)``) is rendered below
    the form, for what is not a setting (leads' intake keys).
    """

    plugin: str
    title: Any
    fields: tuple[SettingField, ...]
    load: Load
    save: Save
    path: str = "/settings"  #: under the plugin's URL prefix (``/<plugin>``)
    permission: str = ""  #: default ``<plugin>.settings``
    saved: Any = None  #: the flash after a save (default "Settings saved.")
    extra_template: str = ""
    extra_context: Extra | None = None
    finish: Finish | None = None  #: the last word on every rendered page (e.g. delete a cookie it has shown)

    @property
    def url(self) -> str:
        return f"/{self.plugin}{self.path}"

    def read(self, data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """Values of every field from ``data`` and field -> message for what is refused."""
        form = FieldReader(data)
        values = {f.key: f.read(form) for f in self.fields}
        return values, form.errors

    async def render(self, request: Request, *, values: Mapping[str, Any] | None = None,
                     errors: Mapping[str, str] | None = None, status: int = 200,
                     **context: Any) -> Response:
        """The page: the dealer's values (or ``values`` as typed), ``errors`` marked, ``context`` for the extra part."""
        shown = dict(await self.load(request.state.ctx.dealer_id)) if values is None else dict(values)
        extra = await self.extra_context(request) if self.extra_context is not None else {}
        response = await page(request, TEMPLATE, {
            "settings_page": self, "values": shown, "errors": dict(errors or {}), **extra, **context,
        }, status_code=status)
        return self.finish(request, response) if self.finish is not None else response

    def routes(self) -> list[Any]:
        """The page's GET and POST handlers, guarded by the permission, to return from ``register_routes``."""
        guard = [requires(self.permission or f"{self.plugin}.settings")]

        async def show(request: Request) -> Response:
            return await self.render(request)

        async def store(request: Request) -> Response:
            data = await read_form(request)
            values, errors = self.read(data)
            if errors:
                return await self.render(request, values=data, errors=errors, status=422)
            await self.save(request.state.ctx, values)
            return flash(Redirect(self.url, status_code=303), str(self.saved or _("Settings saved.")))

        show.__name__, store.__name__ = f"{self.plugin}_settings_page", f"{self.plugin}_save_settings"
        return [get(self.path, guards=guard, name=show.__name__)(show),
                post(self.path, guards=guard, name=store.__name__)(store)]
