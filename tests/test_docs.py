"""The commands the README and the book's rerun page give: every rerun they show declares only parameters the
chapter has and computes its figures with them. Each is checked in this process, without a kernel: the chapter's
setup cell, its parameters cell, the command's values, then the cell that validates them and computes every figure
(``p = <chapter>.validate(globals())``, ``F = <chapter>.figures(p)``), as the notebook would run them."""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from helpers.nbfiles import check_names
from helpers.scenario_files import load_scenario
from machinery.rerun import parse_value

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["README.md", "book/rerun.md", "book/scenarios.md", "CONTRIBUTING.md"]
COMMAND = re.compile(r"(?:python -m helpers\.rerun|/papermill) (?!--figures|--compare)((?:[^\n\\]|\\\n)+)")


def commands() -> list[tuple[str, str]]:
    """``(doc, arguments)`` of every rerun and papermill command in the docs (continuation lines joined)."""
    found = []
    for doc in DOCS:
        text = (ROOT / doc).read_text(encoding="utf-8")
        for m in COMMAND.finditer(text):
            found.append((doc, m.group(1).replace("\\\n", " ").split("#")[0].strip()))
    return found


def run_spec(args: str) -> tuple[Path, dict]:
    """The notebook and the parameters a command runs (``-p``, ``-y``, ``--scenario``)."""
    words = shlex.split(args)
    params: dict = {}
    notebook = None
    i = 0
    while i < len(words):
        w = words[i]
        if w in ("-p", "--parameter"):
            params[words[i + 1]] = parse_value(words[i + 2])
            i += 3
        elif w == "-y":
            params.update(yaml.safe_load(words[i + 1]))
            i += 2
        elif w == "--scenario":
            scenario = load_scenario(words[i + 1])
            notebook, params = ROOT / scenario["notebook"], {**scenario["parameters"], **params}
            i += 2
        else:
            if w.endswith(".ipynb") and notebook is None and w.startswith("notebooks/"):
                notebook = ROOT / w
            i += 1
    assert notebook is not None, args
    return notebook, params


def figures_with(notebook: Path, params: dict) -> dict:
    """Run the notebook's setup, parameters, the given values and its figures cell in this process."""
    cells = [c for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    source = ["".join(c["source"]) for c in cells]
    params_at = next(i for i, c in enumerate(cells) if "parameters" in c["metadata"].get("tags", []))
    figures_at = next(i for i, s in enumerate(source) if "validate(globals())" in s)
    namespace: dict = {}
    for s in source[:params_at + 1]:
        exec(compile(s, str(notebook), "exec"), namespace)
    namespace.update(params)
    exec(compile(source[figures_at], str(notebook), "exec"), namespace)
    return namespace


def test_the_docs_show_reruns():
    assert len(commands()) >= 10 and {d for d, _ in commands()} >= {"README.md", "book/rerun.md"}


@pytest.mark.parametrize("doc,args", commands(), ids=[f"{d}:{a[:60]}" for d, a in commands()])
def test_every_documented_rerun_runs(doc, args):
    notebook, params = run_spec(args)
    check_names(notebook, list(params))
    namespace = figures_with(notebook, params)
    assert "F" in namespace and namespace["F"].values, f"{doc}: {args} computed no figure"


def test_a_documented_rerun_that_cannot_run_fails_here():
    """The check can fail: the three-years-on example as the rerun page printed it before 2026-12-07."""
    from helpers.errors import ParameterError

    notebook, params = run_spec("notebooks/02b_three_years_on.ipynb /tmp/x.ipynb -p price_date 2024-12-31")
    with pytest.raises(ParameterError):
        figures_with(notebook, params)
