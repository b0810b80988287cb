"""The hook contract is documented and tested: docs/plugins.md and tests stay in step with hookspecs."""

import ast
import re
from pathlib import Path

import core.hookspecs

ROOT = Path(__file__).resolve().parents[1]


def hookspec_signatures() -> dict[str, str]:
    """``name -> "def name(...) -> ...:"`` for every hookspec, as written in core/hookspecs.py."""
    tree = ast.parse(Path(core.hookspecs.__file__).read_text())
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
            isinstance(d, ast.Name) and d.id == "hookspec" for d in node.decorator_list
        ):
            node.decorator_list, node.body = [], [ast.Expr(ast.Constant(...))]
            found[node.name] = ast.unparse(node).splitlines()[0]
    return found


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("( ", "(").replace(", )", ")").replace(",)", ")")


def test_there_are_hookspecs():
    assert {"register_routes", "validate_change", "on_entity_created"} <= set(hookspec_signatures())


def test_every_hookspec_is_documented_with_its_exact_signature():
    doc = (ROOT / "docs" / "plugins.md").read_text()
    flat = squash(doc)
    missing = []
    for name, signature in hookspec_signatures().items():
        if f"### `{name}`" not in doc:
            missing.append(f"{name}: no '### `{name}`' heading")
        elif squash(signature) not in flat:
            missing.append(f"{name}: signature {signature!r} not shown")
    assert not missing, "docs/plugins.md is out of step with core/hookspecs.py:\n" + "\n".join(missing)


def test_every_hookspec_has_a_test():
    names = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        names |= set(re.findall(r"def (test_hook_\w+)", path.read_text()))
    untested = [n for n in hookspec_signatures() if not any(t.startswith(f"test_hook_{n}") for t in names)]
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
