"""One runtime, one boot path: the app, every CLI command and the test fixtures start through core.startup.boot."""

import ast
from pathlib import Path

import pytest

from core import runtime, startup

ROOT = Path(__file__).resolve().parents[1]

#: the calls that make a fresh mutable container
MUTABLE_CALLS = {"dict", "list", "set", "defaultdict", "OrderedDict", "deque", "Counter"}
#: methods that change a container in place
MUTATING = {"append", "extend", "insert", "update", "clear", "pop", "popitem", "remove", "add", "discard",
            "setdefault", "sort", "reverse"}
#: Piccolo reads its engine from its configuration module's ``DB`` (rebound at boot by core.db.bind)
PICCOLO_CONF = ROOT / "core" / "piccolo_conf.py"


def _mutable(value: ast.expr) -> bool:
    if isinstance(value, ast.List | ast.Dict | ast.Set | ast.ListComp | ast.DictComp | ast.SetComp):
        return True
    if isinstance(value, ast.Call):
        func = value.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        return name in MUTABLE_CALLS
    return False


def _core_modules() -> list[Path]:
    return [p for p in (ROOT / "core").rglob("*.py") if "piccolo_migrations" not in p.parts]


def test_the_core_keeps_no_module_level_state_but_the_runtime():
    """No ``global``; no module-level mutable container but the runtime's; UPPER_CASE tables never changed.

    A module-level table written in capitals (``LANGUAGE_NAMES``, ``ROUTES``)
    is a constant: nothing anywhere in the core may change it in place.
    """
    offenders, constants = [], {}
    for path in _core_modules():
        tree = ast.parse(path.read_text())
        where = path.relative_to(ROOT)
        for node in tree.body:
            if isinstance(node, ast.Assign):
                names, value = [t.id for t in node.targets if isinstance(t, ast.Name)], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None and isinstance(node.target, ast.Name):
                names, value = [node.target.id], node.value
            else:
                continue
            if not _mutable(value) or names == ["__all__"]:
                continue
            for name in names:
                if name.isupper() or name.lstrip("_").isupper():
                    constants[name] = where
                elif not (path.name == "runtime.py" and name == "_booted"):
                    offenders.append(f"{where}:{node.lineno}: module-level mutable {name}")
        offenders += [f"{where}:{n.lineno}: global {', '.join(n.names)}" for n in ast.walk(tree)
                      if isinstance(n, ast.Global) and path != PICCOLO_CONF]
    for path in _core_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            target = None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATING:
                target = node.func.value
            elif isinstance(node, ast.Assign | ast.AugAssign | ast.Delete):
                targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
                target = next((t.value for t in targets if isinstance(t, ast.Subscript)), None)
            if isinstance(target, ast.Name) and target.id in constants:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: changes the constant {target.id}")
    assert offenders == []


class Booted(Exception):
    """Raised by the stand-in boot: the command got as far as booting, through the one function."""


@pytest.mark.parametrize("argv", [
    ["demo", "--no-serve"], ["serve"], ["migrate"], ["jobs", "list"], ["jobs", "run-due"],
    ["metrics", "praha"], ["plugins"], ["createuser", "someone", "--password", "x" * 12],
])
def test_every_command_boots_through_the_one_function(argv, monkeypatch):
    from core import cli

    calls = []

    def stand_in(*args, **kwargs):
        calls.append(argv[0])
        raise Booted

    monkeypatch.setattr(startup, "boot", stand_in)
    with pytest.raises(Booted):
        cli.main(argv)
    assert calls == [argv[0]]


def test_the_app_and_the_fixtures_boot_through_it(forecourt_registry, monkeypatch):
    from core.app import create_app

    assert runtime.current().registry is forecourt_registry  # forecourt.testing booted it
    app = create_app(registry=forecourt_registry)
    assert app.state.runtime is runtime.current()
    assert runtime.current().machines["leads.lead"].entity == "leads.lead"  # start-up contributions installed
    monkeypatch.setattr(startup, "boot", lambda *a, **k: (_ for _ in ()).throw(Booted()))
    with pytest.raises(Booted):
        create_app(registry=forecourt_registry)


def test_the_runtime_module_imports_nothing_of_the_core():
    """Every module reads the runtime, so it may import none of them (no circle through it)."""
    tree = ast.parse((ROOT / "core" / "runtime.py").read_text())
    top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    names = [a.name for n in top if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in top if isinstance(n, ast.ImportFrom)]
    assert not [n for n in names if n.split(".")[0] == "core"], names
