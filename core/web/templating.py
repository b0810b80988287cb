"""The one Jinja environment: core templates, then each plugin's folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from core import i18n, timeutil
from core.plugins import Registry
from core.runtime import current
from core.web.static import static_url
from core.workflow import machine

ROOT = Path(__file__).resolve().parent.parent.parent
#: where a built wheel carries the checkout's top-level folders (setup.py copies them there)
SHIPPED = Path(__file__).resolve().parent.parent / "_assets"


def asset_folder(name: str) -> Path:
    """The folder of core's ``templates`` or ``static``, in a wheel install or a checkout alike.

    A wheel carries them as ``core/_assets/<name>``; a checkout (and so an
    editable install) has them at its root. The shipped copy wins, so an
    installed Forecourt never reads a stray folder beside site-packages. A
    missing folder stops the start-up here, not at the first page.
    """
    for folder in (SHIPPED / name, ROOT / name):
        if folder.is_dir():
            return folder
    raise RuntimeError(f"Forecourt's {name}/ folder is missing: looked in {SHIPPED / name} and {ROOT / name}")


TEMPLATES = asset_folder("templates")
STATIC = asset_folder("static")


def _workflow_state(machine_key: str, state: str) -> Any:
    """``{% set s = workflow_state("deals.deal", row.status) %}`` -> ``s.label``, ``s.colour``."""
    found = machine.get(machine_key)
    return found.state(state) if found else machine.State(state, state)


def _workflow_states(machine_key: str) -> list[Any]:
    """The states of a machine, for a list's status filter."""
    found = machine.get(machine_key)
    return list(found.states) if found else []


def template_domain(name: str | None) -> str:
    """A template's gettext domain: ``leads/board.html`` reads the leads plugin's catalogue first."""
    cats = i18n._installed()
    if cats is not None:
        return cats.template_domain(name)
    return i18n.CORE_DOMAIN


@pass_context
def _gettext(context: Context, message: str) -> str:
    cats = i18n._installed()
    if cats is None:
        return message
    return cats.text(cats.template_domain(context.name), i18n.get_locale(), message)


@pass_context
def _page_gettext(context: Context, message: str, **variables: Any) -> str:
    """``_()`` and ``gettext()`` in templates: what Jinja's new-style gettext does, in one call instead of three.

    Jinja wraps the installed function twice (``_`` -> ``gettext`` -> ours), and
    each wrapper is a context call that copies the context inside a loop; a
    list of 50 rows made ~150 such calls per page. The result is the same: the
    text from the template's domain, Markup under autoescape, always ``%``-formatted.
    """
    cats = i18n._installed()
    text = message if cats is None else cats.text(cats.template_domain(context.name), i18n.get_locale(), message)
    if not variables and "%" not in text:  # nothing to format: a page's labels, the same result without Markup's %
        return Markup(text) if context.eval_ctx.autoescape else text
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


@pass_context
def _page_pgettext(context: Context, msgctxt: str, message: str, **variables: Any) -> str:
    """``pgettext()`` in templates, as Jinja's new-style one (``context`` in the variables), in one call."""
    variables.setdefault("context", msgctxt)
    cats = i18n._installed()
    text = message if cats is None else cats.text(cats.template_domain(context.name), i18n.get_locale(), message,
                                                   msgctxt)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return i18n.ngettext(singular, plural, n, domain=template_domain(context.name))


@pass_context
def _pgettext(context: Context, msgctxt: str, message: str) -> str:
    cats = i18n._installed()
    if cats is None:
        return message
    return cats.text(cats.template_domain(context.name), i18n.get_locale(), message, msgctxt)


@pass_context
def _npgettext(context: Context, msgctxt: str, singular: str, plural: str, n: int) -> str:
    return i18n.npgettext(msgctxt, singular, plural, n, domain=template_domain(context.name))


_DICT_NAMES = frozenset(dir(dict))


class PageEnvironment(Environment):
    """Jinja's environment, reading ``row.name`` of a plain dict (a query's row) without raising first.

    Jinja looks ``row.name`` up as an attribute, and only after the
    ``AttributeError`` as an item; a list of 50 rows did that ~1,000 times a
    page. A plain dict has no attribute but its methods, so for any other
    name the item is read first: what Jinja would have returned, sooner.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_NAMES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def build_env(registry: Registry, debug: bool = False) -> Environment:
    folders = [TEMPLATES] + [
        p.manifest.templates for p in registry.plugins.values() if p.manifest.templates
    ]
    env = PageEnvironment(
        loader=ChoiceLoader([FileSystemLoader(str(f)) for f in folders]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined if debug else Environment().undefined,
        auto_reload=debug,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext, newstyle=True
    )
    env.globals.update(_=_page_gettext, gettext=_page_gettext, pgettext=_page_pgettext)
    env.filters.update(
        datetime=i18n.fmt_datetime, date=i18n.fmt_date, money=i18n.fmt_money,
        number=i18n.fmt_number, since=i18n.fmt_since,
    )
    # Versioned URLs (``?v=<hash>``): cached for a year, a changed file gets a new URL (core/web/static.py).
    env.globals["static"] = lambda path: static_url(STATIC, path)
    # Status machines in any template: a state's badge data and a list filter's options.
    env.globals["workflow_state"] = _workflow_state
    env.globals["workflow_states"] = _workflow_states
    # The dealer's today (the request's zone), e.g. the ``min`` of a date input that takes no past day.
    env.globals["today_iso"] = lambda: timeutil.today().isoformat()
    registry.startup("prepare_jinja_env", env=env)
    return env


def render_fragment(template: str, **context: Any) -> Markup:
    """Render a small template outside a request (hook contributions such as page slots), as Markup.

    Gets the shared environment (filters, gettext in the current language,
    ``static``) but no page context: no ``ctx``, ``csrf_token`` or ``request``.
    """
    return Markup(current().env.get_template(template).render(**context))
