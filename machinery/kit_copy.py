"""What a "what if" question and a chapter become in the workshop kit, which has neither the book's pages nor its
machinery: the rerun command rewritten as the same run inside JupyterLab, links to the book's pages made plain text
(a glossary term keeps its definition on hover), solutions and the notes pointing at them dropped, in either
language. ``machinery.kit`` re-exports what is used elsewhere."""
from __future__ import annotations

import copy
import json
import re
import shlex
from pathlib import Path
from typing import Any

from helpers.nbfiles import text_of
from helpers.paths import ROOT
from machinery.inputs import METADATA_KEY

EXERCISE, SOLUTION = "exercise", "solution"


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _text(cell: Any) -> str:
    return text_of(cell.get("source", ""))


def _cleared(cell: Any) -> Any:
    out = copy.deepcopy(cell)
    if out.get("cell_type") == "code":
        out["outputs"], out["execution_count"] = [], None
    return out


RERUN_BLOCK = re.compile(r"```bash\n(?P<run>[^\n]*-m helpers\.rerun (?!--figures)[^\n]*)\n[^\n]*--figures[^\n]*\n```")


def _what_if_run(match: re.Match, root: Path) -> tuple[str, dict[str, Any]]:
    """The notebook and the parameters of a question's rerun command (a scenario's read from its file)."""
    from helpers.scenario_files import load_scenario
    from machinery.rerun import parse_value

    words = shlex.split(match["run"])
    words = words[words.index("helpers.rerun") + 1:]
    params = {n: parse_value(v) for flag, n, v in zip(words, words[1:], words[2:]) if flag in ("-p", "--parameter")}
    if "--scenario" in words:
        scenario = load_scenario(words[words.index("--scenario") + 1], root)
        return scenario["notebook"], {**scenario["parameters"], **params}
    return words[0], params


def _terminal(notebook: str, params: dict[str, Any], lang: str = "en") -> str:
    """The same run in a terminal, with the kit's papermill."""
    values = " ".join(f"-p {n} {shlex.quote(str(v))}" if isinstance(v, (str, int, float)) else
                      f"-y {shlex.quote(json.dumps({n: v}))}" for n, v in params.items())
    command = f"`.venv/bin/papermill {notebook} out.ipynb {values}`"
    return f"（也可在终端中运行：{command}。）" if lang == "zh" else f"(In a terminal instead: {command}.)"


# A what-if question's routes inside JupyterLab, by language ({sets}, {stem}, {call}, {terminal} filled in).
IN_LAB = {
    "en": ("In JupyterLab: in the parameters cell near the top of this notebook set {sets}, then run every "
           "cell (Run ▸ Run All Cells). Every figure of the chapter is then in `F.values`: a new cell with "
           "`F.values[\"name\"]` shows the one the question names. Or, in a new cell, without changing this "
           "notebook: `from helpers.workshop import rerun`, then `rerun(\"{stem}\", {call})[\"name\"]` "
           "(it writes the run in `reruns/`). {terminal}"),
    "zh": ("在 JupyterLab 中：在本 notebook 顶部附近的参数单元格里设 {sets}，然后运行所有单元格（Run ▸ Run All "
           "Cells）。本章的每个数字随后都在 `F.values` 中：新建一个单元格，写 `F.values[\"name\"]` 即可看到题目所指的数字。"
           "或者不改动本 notebook，在新单元格中：`from helpers.workshop import rerun`，然后 "
           "`rerun(\"{stem}\", {call})[\"name\"]`（运行结果写在 `reruns/` 中）。{terminal}"),
}


def in_lab_what_if(text: str, root: Path = ROOT, lang: str = "en") -> str:
    """A "what if" question with its rerun command (``python -m helpers.rerun …`` then ``--figures``, which the kit
    lacks: it holds no machinery) rewritten as the same run inside JupyterLab: set the parameters in the parameters
    cell, Run All, read the figure from ``F.values``, or ``rerun(…)`` in a cell; with the plain papermill command for
    a terminal. A question that gives the lab's routes itself keeps them, and gets only the terminal's."""
    def rewrite(match: re.Match) -> str:
        notebook, params = _what_if_run(match, root)
        if lang != "en":
            params = {**params, "lang": lang}
        if "from helpers.workshop import rerun" in text:
            return _terminal(notebook, params, lang)
        sets = ", ".join(f"`{n} = {v!r}`" for n, v in params.items() if n != "lang")
        call = ", ".join(f"{n}={v!r}" for n, v in params.items())
        return IN_LAB[lang].format(sets=sets, stem=Path(notebook).stem, call=call,
                                   terminal=_terminal(notebook, params, lang))

    return RERUN_BLOCK.sub(rewrite, text)


GLOSSARY_LINK = re.compile(r'\[([^\]]+)\]\(\.\./book/glossary\.md#[^\s)]*(?:\s+"((?:[^"\\]|\\.)*)")?\)')
BOOK_LINK = re.compile(r"\[([^\]]+)\]\(\.\./book/[^)]*\)")
SOLUTION_NOTE = re.compile(r";\s*(?:in the book\s+)?the solution is folded below it|[；;，,]\s*(?:在书中，)?答案折叠在其下方")


def without_book_links(text: str) -> str:
    """Text for the kit, which has none of the book's own pages: a glossary link becomes its term with the
    definition on hover (``<abbr title=…>``, which JupyterLab keeps), any other link to a book page its plain text."""
    import html

    def term(m: re.Match) -> str:
        title = (m[2] or "").replace('\\"', '"')
        return f'<abbr title="{html.escape(title)}">{m[1]}</abbr>' if title else m[1]

    return BOOK_LINK.sub(lambda m: m[1], GLOSSARY_LINK.sub(term, text))


def student_copy(nb: Any, lang: str = "en") -> Any:
    """The notebook without its solutions (every cell tagged ``solution`` dropped) and with every output cleared;
    answer cells keep their runnable placeholder, each "what if" question says how to rerun inside JupyterLab
    (``in_lab_what_if``), no text points at a solution or at a page of the book the kit lacks. In ``lang`` other
    than English, its Markdown cells are the translation and its parameters cell runs the chapter in ``lang``."""
    from helpers import i18n

    nb = copy.deepcopy(nb)
    i18n.translate_cells(nb, lang)
    for c in nb["cells"]:
        if "parameters" in _tags(c):
            c["source"] = re.sub(r'^lang = "en"', f'lang = "{lang}"', _text(c), flags=re.M)
    out = copy.deepcopy(nb)
    out["cells"] = [_cleared(c) for c in nb["cells"] if SOLUTION not in _tags(c)]
    for c in out["cells"]:
        if EXERCISE in _tags(c) and "helpers.rerun" in _text(c):
            c["source"] = in_lab_what_if(_text(c), lang=lang)
        c["source"] = without_book_links(SOLUTION_NOTE.sub("", _text(c)))
    out.get("metadata", {}).pop(METADATA_KEY, None)   # the execution record belongs to the executed chapter
    return out


