"""The "Use the book from Python" page (issue 28): its examples run and reproduce the chapter's figures; its tables
list functions that exist."""
from __future__ import annotations

import re

import pytest
from conftest import ROOT

PAGE = ROOT / "book" / "api.md"
BLOCKS = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)


def test_the_page_is_in_the_table_of_contents_under_the_issues_title():
    assert "- file: book/api" in (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert PAGE.read_text(encoding="utf-8").startswith("# Use the book from Python\n")


@pytest.mark.parametrize("i", range(len(BLOCKS)))
def test_each_example_runs_and_its_checks_hold(i, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    exec(compile(BLOCKS[i], f"book/api.md example {i + 1}", "exec"), {})
    printed = capsys.readouterr().out
    if i == 0:
        assert printed.split() == ["81.1%", "62.3%"]          # the numbers its comments say
    if i == 1:
        assert printed.startswith("8×H100 SXM ")


def test_every_function_the_page_names_exists():
    import importlib

    for module, names in re.findall(r"```\{api-functions\} (\S+)([^\n]*)", PAGE.read_text(encoding="utf-8")):
        mod = importlib.import_module(module)
        for name in names.split():
            assert callable(getattr(mod, name)), f"{module}.{name}"
