"""Thin notebooks (CONTRIBUTING.md, "Notebook cells"): a chapter reads as narrative, a few calls and a chart.

No function, lambda or class defined in a notebook; no code cell over 30 lines but the ``parameters`` cell; one
``F.say`` per cell, each one paragraph (or one list) with at least one computed field; money never written with
``$`` where a reader sees it (JupyterLab typesets text between two dollar signs as mathematics)."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
FIELD = re.compile(r"\{[a-z_][a-z0-9_]*(?::[^}]*)?\}")
MAX_LINES = 30


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def text(cell: dict) -> str:
    return "".join(cell["source"])


def say_templates(source: str) -> list[str]:
    """The string literals passed to ``F.say`` (directly, or through ``takeaways(...)`` / ``research.cite(...)``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "say":
            for inner in ast.walk(node):
                if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                    found.append(inner.value)
    return found


def problems(path: Path) -> list[str]:
    out = []
    for i, c in enumerate(cells(path)):
        src, tags = text(c), c["metadata"].get("tags", [])
        where = f"{path.name} cell {i}"
        if c["cell_type"] == "code":
            if "parameters" not in tags and len(src.splitlines()) > MAX_LINES:
                out.append(f"{where}: {len(src.splitlines())} lines (at most {MAX_LINES})")
            tree = ast.parse(src)
            if any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)) for n in ast.walk(tree)):
                out.append(f"{where}: defines a function, lambda or class (it belongs in helpers)")
            if src.count("F.say(") > 1:
                out.append(f"{where}: {src.count('F.say(')} F.say calls (a cell shows only its last)")
            for t in say_templates(src):
                if "takeaways(" not in src and re.search(r"\n\s*\n", t.strip()):
                    out.append(f"{where}: an F.say of more than one paragraph")
                if not FIELD.search(t) and "[@" not in t:
                    out.append(f"{where}: an F.say with no computed field (it belongs in a Markdown cell)")
                if "$" in t:
                    out.append(f"{where}: '$' in an F.say template (write USD)")
        elif "$" in src:
            out.append(f"{where}: '$' in Markdown (write USD)")
        for o in c.get("outputs", []):
            for mime in ("text/markdown", "text/html"):
                shown = re.sub(r"<script.*?</script>|<div class=\"book-table-wrap tex2jax_ignore.*?</table></div>", "",
                               "".join(o.get("data", {}).get(mime, "")), flags=re.S)
                if "$" in shown:
                    out.append(f"{where}: '$' in a {mime} output")
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_notebook_is_thin(path):
    assert problems(path) == []


def test_the_rules_catch_what_they_name(tmp_path):
    """The checks can fail: a notebook that breaks each rule once."""
    bad = {"cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": "def f():\n    return 1\n"},
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": "x = 1\n" * 31},
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": 'F.say("A {a}.")\nF.say("B {b}.")\n'},
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": 'F.say(r"""One {a}.\n\nTwo {b}.""")\n'},
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": 'F.say("Plain prose.")\n'},
        {"cell_type": "markdown", "metadata": {}, "source": "It costs $5 and $6."},
        {"cell_type": "code", "metadata": {}, "source": "F.say(x)",
         "outputs": [{"output_type": "execute_result", "data": {"text/markdown": "USD 1 or $2"}}]},
    ]}
    path = tmp_path / "bad.ipynb"
    path.write_text(json.dumps(bad), encoding="utf-8")
    found = " | ".join(problems(path))
    for words in ("defines a function", "31 lines", "2 F.say calls", "more than one paragraph", "no computed field",
                  "'$' in Markdown", "'$' in a text/markdown output"):
        assert words in found, words
