"""The public API for plugin authors — first-party plugins use exactly this.

    from forecourt import Manifest, hookimpl, NavItem, DealerScoped
"""

from core import __version__ as core_version
from core.accounts import dealer_currency, dealer_names, dealer_users, dealers_with_module
from core.apikeys import KeyCheck
from core.apikeys import bearer as api_key_of
from core.apikeys import check as check_api_key
from core.apikeys import listed as api_keys
from core.apikeys import make as make_api_key
from core.apikeys import revoke as revoke_api_key
from core.bulk.columns import choice as import_choice
from core.bulk.columns import choice_keys as import_choice_keys
from core.bulk.columns import header_key as import_header_key
from core.bulk.insert import create_entities
from core.bulk.insert import rows_with as import_rows_with
from core.bulk.reading import FileRefused as ImportFileRefused
from core.bulk.reading import read_table as read_import_table
from core.bulk.reading import too_large as import_too_large
from core.bulk.spec import Existing as ImportExisting
from core.bulk.spec import Importer, ImportField
from core.context import Context, system_context
from core.db import after_commit, engine_kind, transaction
from core.entities import Entity
from core.entities import create as create_entity
from core.entities import delete as delete_entity
from core.entities import update as update_entity
from core.errors import Conflict, Forbidden, ValidationFailed, Veto
from core.fields import FieldError, FieldReader, search_text
from core.fields import decimal as read_decimal
from core.fields import identifier as read_id
from core.fields import integer as read_integer
from core.fields import text as read_text
from core.hookdecl import Kind as HookKind
from core.hookdecl import Scope as HookScope
from core.hookspecs import hookimpl, hookspec
from core.i18n import (
    fmt_date,
    fmt_datetime,
    fmt_money,
    fmt_number,
    gettext,
    in_language,
    lazy_gettext,
    lazy_pgettext,
    ngettext,
    pgettext,
)
from core.i18n import negotiate as negotiate_language
from core.jobs import Job
from core.languages import NAMES as LANGUAGE_NAMES
from core.languages import TABLE as LANGUAGES
from core.languages import Language
from core.listing import Keyset, PhoneSearch, phone_search, prefix, prefix_sql, typed_as_number
from core.messages import Message
from core.metrics import BUCKETS as METRIC_BUCKETS
from core.metrics import FILTERS as METRIC_FILTERS
from core.metrics import UNITS as METRIC_UNITS
from core.metrics import Buckets as MetricBuckets
from core.metrics import Figure as MetricFigure
from core.metrics import Metric, MetricMemo, MetricValue, Period, SeriesValue
from core.metrics import Series as MetricSeries
from core.metrics import compute as compute_metrics
from core.metrics import compute_series as compute_metric_series
from core.metrics import declared as declared_metrics
from core.migrations import sql_migration
from core.modules import enabled_modules
from core.permissions import Permission, requires
from core.plugins import Manifest
from core.ratelimit import hit as rate_limit
from core.registry import call_hook, hook_implemented, hook_owner_enabled
from core.reminders import create as create_reminder
from core.signing import sign as sign_proof
from core.signing import verify as verify_proof
from core.substring import SubstringIndex, ranked_page
from core.tenancy import DealerScoped
from core.text import digits, fold, parse_phone, upper_bound
from core.timeutil import day_start, from_local, in_zone, now, today
from core.web import NavItem, SlotContent, flash, page
from core.web.bulk import routes as import_routes
from core.web.problems import PROBLEM_JSON, ApiProblem, answer_language
from core.web.settings_page import SettingField, SettingsPage
from core.web.templating import render_fragment
from core.web.workflow import timeline_panel, workflow_panel
from core.workflow.engine import apply as apply_transition
from core.workflow.history import append as append_history
from core.workflow.history import change as history_change
from core.workflow.machine import Input, Machine, State, Transition
from core.workflow.merging import Moved
from core.workflow.merging import count as history_count
from core.workflow.merging import move as move_history
from core.workflow.timeline import TimelineEntry

__all__ = [
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "METRIC_BUCKETS",
    "METRIC_FILTERS",
    "METRIC_UNITS",
    "PROBLEM_JSON",
    "ApiProblem",
    "Conflict",
    "Context",
    "DealerScoped",
    "Entity",
    "FieldError",
    "FieldReader",
    "Forbidden",
    "HookKind",
    "HookScope",
    "ImportExisting",
    "ImportField",
    "ImportFileRefused",
    "Importer",
    "Input",
    "Job",
    "KeyCheck",
    "Keyset",
    "Language",
    "Machine",
    "Manifest",
    "Message",
    "Metric",
    "MetricBuckets",
    "MetricFigure",
    "MetricMemo",
    "MetricSeries",
    "MetricValue",
    "Moved",
    "NavItem",
    "Period",
    "Permission",
    "PhoneSearch",
    "SeriesValue",
    "SettingField",
    "SettingsPage",
    "SlotContent",
    "State",
    "SubstringIndex",
    "TimelineEntry",
    "Transition",
    "ValidationFailed",
    "Veto",
    "after_commit",
    "answer_language",
    "api_key_of",
    "api_keys",
    "append_history",
    "apply_transition",
    "call_hook",
    "check_api_key",
    "compute_metric_series",
    "compute_metrics",
    "core_version",
    "create_entities",
    "create_entity",
    "create_reminder",
    "day_start",
    "dealer_currency",
    "dealer_names",
    "dealer_users",
    "dealers_with_module",
    "declared_metrics",
    "delete_entity",
    "digits",
    "enabled_modules",
    "engine_kind",
    "flash",
    "fmt_date",
    "fmt_datetime",
    "fmt_money",
    "fmt_number",
    "fold",
    "from_local",
    "gettext",
    "history_change",
    "history_count",
    "hook_implemented",
    "hook_owner_enabled",
    "hookimpl",
    "hookspec",
    "import_choice",
    "import_choice_keys",
    "import_header_key",
    "import_routes",
    "import_rows_with",
    "import_too_large",
    "in_language",
    "in_zone",
    "lazy_gettext",
    "lazy_pgettext",
    "make_api_key",
    "move_history",
    "negotiate_language",
    "ngettext",
    "now",
    "page",
    "parse_phone",
    "pgettext",
    "phone_search",
    "prefix",
    "prefix_sql",
    "ranked_page",
    "rate_limit",
    "read_decimal",
    "read_id",
    "read_import_table",
    "read_integer",
    "read_text",
    "render_fragment",
    "requires",
    "revoke_api_key",
    "search_text",
    "sign_proof",
    "sql_migration",
    "system_context",
    "timeline_panel",
    "today",
    "transaction",
    "typed_as_number",
    "update_entity",
    "upper_bound",
    "verify_proof",
    "workflow_panel",
]
