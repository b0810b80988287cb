"""The hook contract is documented and tested: docs/plugins.md and tests stay in step with hookspecs."""

import ast
import re
from pathlib import Path

from core import hookdoc
from core.plugins import load_plugins

ROOT = Path(__file__).resolve().parents[1]


def declarations():
    """The hookspecs the reference documents: the core's and the built-in plugins' (as installed)."""
    return hookdoc.first_party(load_plugins())


def test_there_are_hookspecs():
    names = {d.name for d in declarations()}
    assert {"register_routes", "validate_change", "on_entity_created", "customers_get",
            "leads_contract_signed"} <= names


def test_the_hook_reference_is_generated_from_the_hookspecs():
    doc = (ROOT / "docs" / "plugins.md").read_text()
    assert hookdoc.replace_in(doc, hookdoc.reference(declarations())) == doc, (
        "docs/plugins.md's hook reference is out of step with the hookspecs: run scripts/hook-reference")


def test_every_hookspec_documents_every_argument():
    found = [problem for decl in declarations() for problem in hookdoc.problems(decl)]
    assert found == []


def test_a_hookspec_without_kind_scope_or_docs_fails():
    import types

    import pluggy
    import pytest

    from core.errors import PluginError
    from core.hookdecl import HookDecl, Kind, Scope, check_specs, hookspec

    bare = types.SimpleNamespace(notes_thing=pluggy.HookspecMarker("forecourt")(lambda ctx: None))
    with pytest.raises(PluginError, match="declares no kind and scope"):
        check_specs("notes", bare)

    def notes_thing_done(ctx, note):
        """Something happened to a note.

        :param ctx: the acting user's context.
        """

    decl = HookDecl("notes_thing_done", Kind.NOTIFICATION, Scope.DEALER, "notes",
                    hookspec(Kind.NOTIFICATION, Scope.DEALER)(notes_thing_done))
    assert hookdoc.problems(decl) == ["notes_thing_done: argument 'note' has no ':param note:' line"]


def test_every_hookspec_has_a_test():
    names = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        names |= set(re.findall(r"def (test_hook_\w+)", path.read_text()))
    untested = [d.name for d in declarations() if not any(t.startswith(f"test_hook_{d.name}") for t in names)]
    assert not untested, f"hookspecs without a test_hook_<name> test: {untested}"


def test_docs_link_to_existing_files():
    broken = []
    for page in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        for target in re.findall(r"\]\(([^)#\s]+)\)", page.read_text()):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert not broken, broken


def test_core_imports_no_plugin():
    offenders = []
    for path in (ROOT / "core").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            modules = []
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {m}" for m in modules
                          if m.split(".")[0] in {"plugins", "fc_notes", "fc_extra"}]
    assert not offenders, offenders


def _imports(path: Path) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.append(node.module)
    return modules


def plugin_sources() -> list[Path]:
    """Every plugin's code, first-party and test plugins alike (migrations aside: Piccolo writes those)."""
    return [p for base in (ROOT / "plugins", ROOT / "tests" / "plugins") for p in base.rglob("*.py")
            if "piccolo_migrations" not in p.parts]


def test_plugins_use_only_the_public_api():
    """No plugin imports from ``core`` or touches the registry's internals: ``forecourt`` is the whole API."""
    offenders = [f"{p.relative_to(ROOT)}: imports {m}" for p in plugin_sources() for m in _imports(p)
                 if m.split(".")[0] == "core"]
    internals = re.compile(r"registry\(\)|\.pm\b|\.caller\(|\._impls\b|\.decls\b")
    offenders += [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in plugin_sources()
                  for n, line in enumerate(p.read_text().splitlines(), 1) if internals.search(line)]
    assert not offenders, offenders
