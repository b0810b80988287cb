"""Plugin discovery and the start-up checks: a broken plugin stops start-up, named."""

import os
import subprocess
import sys
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

import pytest

from core.errors import PluginError
from core.plugins import ENTRY_POINT_GROUP, load_plugins

TESTS = Path(__file__).parent


def ep(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


def installed() -> list[EntryPoint]:
    return list(entry_points(group=ENTRY_POINT_GROUP))


def test_installed_plugins_load_in_requirement_order():
    registry = load_plugins(installed())
    names = registry.names
    assert "notes" in names and "extra" in names
    assert names.index("notes") < names.index("extra")
    assert registry.manifest("extra").requires == ("notes",)
    assert "on_entity_created" in registry.plugins["notes"].hooks


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        (ep("misspelt", "broken_plugins.misspelt:PLUGIN"), "on_entity_creatd"),
        (ep("needs_missing", "broken_plugins.needs_missing:PLUGIN"), "requires warpdrive"),
        (ep("old_core", "broken_plugins.old_core:PLUGIN"), "needs core >=7,<8"),
        (ep("import_error", "broken_plugins.import_error:PLUGIN"), "cannot be imported"),
        (ep("bad_signature", "broken_plugins.bad_signature:PLUGIN"), "colour"),
        (ep("badtable", "broken_plugins.bad_table:PLUGIN"), "must start with 'badtable_'"),
        (ep("wrapper", "broken_plugins.hook_rules:WRAPPER"), "wrapper implementations"),
        (ep("foreign", "broken_plugins.hook_rules:FOREIGN"), "must start with 'foreign_'"),
        (ep("tense", "broken_plugins.hook_rules:TENSE"), "past tense"),
        (ep("noctx", "broken_plugins.hook_rules:NO_CTX"), "must take a ctx argument"),
    ],
)
def test_broken_plugin_stops_startup_naming_it(entry, needle):
    """A broken manifest, or a hook that breaks the contract (a wrapper, a foreign or ill-named spec)."""
    with pytest.raises(PluginError) as info:
        load_plugins([*installed(), entry])
    assert info.value.plugin == entry.name
    assert entry.name in str(info.value)
    assert needle in str(info.value)


def test_requirement_cycle_is_refused():
    with pytest.raises(PluginError, match="cycle"):
        load_plugins([ep("ping", "broken_plugins.cycle:PING"), ep("pong", "broken_plugins.cycle:PONG")])


def test_entry_point_name_must_match_manifest():
    with pytest.raises(PluginError, match="must equal the manifest name"):
        load_plugins([ep("other", "fc_notes:PLUGIN")])


def test_blocked_plugin_is_left_out():
    registry = load_plugins(installed(), blocked=["extra"])
    assert "extra" not in registry.names


def test_closure_and_dependents():
    registry = load_plugins(installed())
    assert registry.closure(["extra"]) == ["notes", "extra"]
    assert registry.dependents("notes", {"notes", "extra"}) == ["extra"]
    assert registry.dependents("notes", {"notes"}) == []


def _cli(*args: str, extra_path: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if extra_path:
        env["PYTHONPATH"] = os.pathsep.join([extra_path, str(TESTS), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", "core.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def test_cli_plugins_lists_installed_plugins():
    result = _cli("plugins")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    notes = next(line for line in lines if line.startswith("notes "))
    assert "1.0.0" in notes and "register_routes" in notes
    extra = next(line for line in lines if line.startswith("extra "))
    assert "notes" in extra


def test_cli_refuses_to_start_with_a_partner_package_that_misspells_a_hook(tmp_path):
    # A partner package as pip would leave it: a dist-info with an entry point.
    dist = tmp_path / "broken_partner-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-partner\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[forecourt.plugins]\nmisspelt = broken_plugins.misspelt:PLUGIN\n"
    )
    for command in (("plugins",), ("serve", "--port", "1")):
        result = _cli(*command, extra_path=str(tmp_path))
        assert result.returncode != 0
        assert "plugin 'misspelt'" in result.stderr
        assert "on_entity_creatd" in result.stderr


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        (ep("foreign", "broken_plugins.bad_startup:FOREIGN"), "'notes.delete_all' must start with"),
        (ep("asyncroutes", "broken_plugins.bad_startup:ASYNC"), "must be a plain def"),
        (ep("raising", "broken_plugins.bad_startup:RAISING"), "route table not ready"),
        (ep("foreignentity", "broken_plugins.bad_startup:FOREIGN_ENTITY"), "must be 'foreignentity.<kind>'"),
        (ep("badentity", "broken_plugins.bad_startup:NOT_AN_ENTITY"), "not an Entity"),
        (ep("badcolumns", "broken_plugins.bad_startup:BAD_COLUMNS"), "search names unknown column 'colour'"),
        (ep("noentity", "broken_plugins.bad_startup:NO_ENTITY"), "entity 'noentity.thing' is not declared"),
    ],
)
def test_wrong_startup_contribution_stops_the_app_naming_the_plugin(entry, needle, forecourt_env):
    from core.app import create_app

    with pytest.raises(PluginError) as info:
        create_app(registry=load_plugins([*installed(), entry]))
    assert info.value.plugin == entry.name and needle in str(info.value)


async def test_tryfirst_and_trylast_are_honoured_over_load_order():
    from core.context import system_context

    order = [ep(n, f"broken_plugins.hook_rules:{v}") for n, v in
             (("aa_last", "LAST"), ("bb_plain", "PLAIN"), ("cc_first", "FIRST"))]
    registry = load_plugins(order)
    ctx = system_context(1, frozenset({"aa_last", "bb_plain", "cc_first"}))
    assert await registry.call("page_slots", slot="s", ctx=ctx, subject=None) == ["first:s", "plain:s", "last:s"]
    # dealer-scoped: a plugin the dealer has off is not asked, whatever its order
    ctx = system_context(1, frozenset({"aa_last", "bb_plain"}))
    assert await registry.call("page_slots", slot="s", ctx=ctx, subject=None) == ["plain:s", "last:s"]


async def test_hooks_are_called_only_as_declared():
    registry = load_plugins(installed())
    with pytest.raises(LookupError, match="no hook 'orders_invoice_paid' is declared"):
        await registry.call("orders_invoice_paid", ctx=None)
    with pytest.raises(TypeError, match="start-up hook"):
        await registry.call("register_routes")
    with pytest.raises(TypeError, match="not a start-up hook"):
        registry.startup("nav_items")
    assert registry.decls["customers_get"].kind.name == "SERVICE"
    assert registry.owner_enabled("orders_stock_changed", {"orders"})
    assert not registry.owner_enabled("orders_stock_changed", {"leads"})
    assert registry.implemented("customers_create", {"customers"})
    assert not registry.implemented("customers_create", {"leads"})
    assert not registry.implemented("orders_invoice_paid", {"orders"})
