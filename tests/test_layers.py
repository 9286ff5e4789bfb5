"""The design, visible from the tree and kept by tests: ``helpers`` (what a notebook imports) never imports
``machinery`` (what builds, executes, caches, reruns and packages) or ``tools`` (programs for developers); no
import cycle, at module level or inside functions; no module over about 300 lines."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("helpers", "machinery", "tools")
# `python -m helpers.rerun`, `helpers.scenarios` and `helpers.workshop` keep working: each is a shim that runs the
# command in `machinery` when run as a program, and imports nothing when imported.
SHIMS = {"helpers.rerun", "helpers.scenarios", "helpers.workshop.__main__"}
MAX_LINES = 300          # helpers and machinery (tools: programs for developers, not held to it)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def imports_of(path: Path, known: dict[str, Path], name: str | None = None) -> set[str]:
    """Every module of the project that ``path`` (the module ``name``) imports, anywhere in it (module level,
    functions, guards)."""
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for t in targets:
            while t and t not in known:          # `from helpers import data` names a module; `import a.b.c` its parents
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(path, known) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_finder_sees_imports_inside_functions(tmp_path):
    known = modules()
    assert "machinery.kit" in imports_of(ROOT / "helpers" / "workshop" / "__main__.py", known)
    assert "machinery.rerun" in imports_of(ROOT / "helpers" / "rerun.py", known)   # inside `if __name__ == ...`
    inside = tmp_path / "helpers" / "x.py"
    inside.parent.mkdir()
    inside.write_text("def f():\n    from machinery import build\n    from . import data\n", encoding="utf-8")
    assert {"machinery.build", "helpers.data"} <= imports_of(inside, known, "helpers.x")


def test_no_import_cycle():
    assert cycles(graph()) == []


@pytest.mark.parametrize("layer", ["machinery", "tools"])
def test_helpers_never_import_the_machinery_or_the_tools(layer):
    wrong = {name: sorted(t for t in targets if t.split(".")[0] == layer)
             for name, targets in graph().items() if name.split(".")[0] == "helpers" and name not in SHIMS}
    assert {k: v for k, v in wrong.items() if v} == {}


def test_the_machinery_never_imports_the_tools():
    assert {n: t for n, t in graph().items() if n.startswith("machinery") and any(x.startswith("tools") for x in t)} == {}


def test_the_shims_import_nothing_when_imported():
    """Importing a shim (as a test or the kit would) runs nothing and imports nothing of the machinery."""
    for shim in SHIMS:
        tree = ast.parse(modules()[shim].read_text(encoding="utf-8"))
        top = [n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        if shim.endswith("__main__"):
            continue                 # run only as a program (`python -m helpers.workshop`)
        assert len(top) == 1 and isinstance(top[0], ast.If), shim


def test_no_module_is_over_300_lines():
    long = {name: n for name, path in modules().items() if not name.startswith("tools")
            and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_no_chapter_records_the_machinery_as_an_input():
    """Editing the machinery re-executes no chapter: no committed notebook lists a file of it among its inputs."""
    import json

    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        files = json.loads(nb_path.read_text(encoding="utf-8"))["metadata"]["book"]["inputs"]["files"]
        wrong = [f for f in files if f.split("/")[0] in ("machinery", "tools")
                 or f in ("helpers/rerun.py", "helpers/scenarios.py", "helpers/build.py")]
        assert wrong == [], nb_path.name
