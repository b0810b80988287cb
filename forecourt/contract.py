"""The plugin contract every installed plugin passes — ours and partners'.

A partner runs it against their plugin with a three-line test module::

    import pytest
    from forecourt.contract import *  # noqa: F403

    @pytest.fixture(params=["myplugin"])
    def contract_plugin(request):
        return request.param

Checks: the manifest is valid; every table is prefixed with the plugin's name
and carries ``dealer_id``; the migrations match the tables; every route
answers 404 to a dealer that has not enabled the plugin; and the plugin's
dealer-scoped hooks (as the hookspecs declare them) are not called for such a
dealer; and the plugin's own hookspecs document every argument.
"""

from __future__ import annotations

import importlib
import re

import pytest
from litestar.handlers import HTTPRouteHandler
from piccolo.apps.migrations.commands.new import AutoMigrationManager
from piccolo.columns import ForeignKey

from core.hookdecl import Scope
from core.hookdoc import problems
from core.plugins import NAME_RE

__all__ = [
    "test_contract_dealer_scoped_hooks_are_silent_when_disabled",
    "test_contract_hookspecs_are_declared_and_documented",
    "test_contract_manifest",
    "test_contract_migrations_are_current",
    "test_contract_routes_answer_404_when_disabled",
    "test_contract_tables_are_prefixed_and_dealer_scoped",
]



def _tables(manifest) -> list:
    if not manifest.piccolo_app:
        return []
    return importlib.import_module(manifest.piccolo_app).APP_CONFIG.table_classes


def test_contract_manifest(forecourt_registry, contract_plugin):
    manifest = forecourt_registry.manifest(contract_plugin)
    assert NAME_RE.match(manifest.name)
    assert str(manifest.title).strip(), "a plugin needs a title people can read"
    assert manifest.version
    for required in manifest.requires:
        assert required in forecourt_registry.plugins
    if manifest.templates:
        assert (manifest.templates / manifest.name).is_dir(), (
            f"templates must live in {manifest.templates}/{manifest.name}/")


def test_contract_tables_are_prefixed_and_dealer_scoped(forecourt_registry, contract_plugin):
    manifest = forecourt_registry.manifest(contract_plugin)
    for table in _tables(manifest):
        assert table._meta.tablename.startswith(f"{manifest.name}_")
        column = table._meta.get_column_by_name("dealer_id")
        assert isinstance(column, ForeignKey), f"{table._meta.tablename} lacks dealer_id"
        assert column._foreign_key_meta.resolved_references._meta.tablename == "core_dealer"
        assert hasattr(table, "scoped")


async def test_contract_migrations_are_current(forecourt_registry, contract_plugin):
    manifest = forecourt_registry.manifest(contract_plugin)
    if not manifest.piccolo_app:
        pytest.skip("the plugin has no tables")
    config = importlib.import_module(manifest.piccolo_app).APP_CONFIG
    statements = await AutoMigrationManager().get_alter_statements(app_config=config)
    pending = [s for group in statements for s in group.statements]
    assert pending == [], (
        f"the tables of {manifest.name} differ from its migrations; run "
        f"`PICCOLO_CONF=core.piccolo_conf piccolo migrations new {manifest.name} --auto`")


def _plugin_routes(app, plugin: str, public: bool = False) -> list[tuple[str, str]]:
    """The plugin's routes as (method, path with sample ids); ``public`` ones (no login) only if asked."""
    routes = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler) and handler.opt.get("plugin") == plugin:
                if handler.opt.get("public") and not public:
                    continue
                path = re.sub(r"\{[^}:]+:int\}", "1", route.path)
                path = re.sub(r"\{[^}:]+(:[a-z]+)?\}", "x", path)
                routes.extend((method, path) for method in handler.http_methods
                              if method not in ("HEAD", "OPTIONS"))
    return sorted(set(routes))


async def test_contract_routes_answer_404_when_disabled(
    forecourt_registry, contract_plugin, make_dealer, client_as
):
    from core.app import create_app

    app = create_app(registry=forecourt_registry)
    routes = _plugin_routes(app, contract_plugin)
    if "register_routes" not in forecourt_registry.plugins[contract_plugin].hooks:
        pytest.skip("the plugin has no routes")
    assert routes or _plugin_routes(app, contract_plugin, public=True), "register_routes returned no routes"
    others = [n for n in forecourt_registry.names
              if contract_plugin not in forecourt_registry.closure([n])]
    dealer = await make_dealer(modules=others)
    assert contract_plugin not in dealer.modules
    for role in ("manager", "dealer_admin"):
        client = await client_as(dealer, role)
        for method, path in routes:
            response = await client.request(method, path)
            assert response.status_code == 404, f"{method} {path} as {role}"


def test_contract_dealer_scoped_hooks_are_silent_when_disabled(forecourt_registry,
                                                               contract_plugin):
    """Every hook declared dealer-scoped (the core's and every plugin's) leaves out a plugin that is off."""
    others = frozenset(n for n in forecourt_registry.names if n != contract_plugin)
    scoped = [d.name for d in forecourt_registry.decls.values() if d.scope is Scope.DEALER]
    assert "on_entity_updated" in scoped and "report_metrics" in scoped
    for hook in scoped:
        impls = forecourt_registry.implementations(hook, others)
        assert contract_plugin not in {i.plugin_name for i in impls}, hook


def test_contract_hookspecs_are_declared_and_documented(forecourt_registry, contract_plugin):
    """The plugin's own hookspecs: kind and scope declared (start-up checks that), every argument documented.

    The hook reference is generated from these docstrings, so an argument without its
    ``:param name:`` line is an argument partners cannot read about.
    """
    for decl in forecourt_registry.decls.values():
        if decl.owner != contract_plugin:
            continue
        assert problems(decl) == [], decl.name
