"""Self-checks that check the method (issue 29): a recompute exercise asks for a figure its chapter does not print;
every question states its precision and ``check`` judges every number by one rule derived from it; each message is
one sentence plus the hint; a what-if says how to rerun inside JupyterLab, never with a bare ``python``."""
from __future__ import annotations

import ast
import json
import re
import shlex

import pytest
from conftest import NOTEBOOKS

from helpers.nbfiles import parameter_defaults
from helpers.scenario_files import load_scenario
from helpers.workshop import (
    check,
    compare,
    exercises,
    expected_answer,
    stated_phrase,
    unit_of_last_digit,
)

TABLE = exercises()
IDS = list(TABLE.index)
NUMBERS = [ex for ex in IDS if TABLE.at[ex, "answer_type"] == "number"]
RECOMPUTE = [ex for ex in NUMBERS if TABLE.at[ex, "kind"] == "recompute"]
WHAT_IF = [ex for ex in IDS if TABLE.at[ex, "kind"] == "what-if"]
EXERCISES_HEADING = re.compile(r"^##\s+Exercises\s*$", re.M)


def _cells(chapter: str) -> list[dict]:
    return json.loads((NOTEBOOKS / f"{chapter}.ipynb").read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def question_cell(exercise_id: str) -> str:
    """The notebook's question (the Markdown cell tagged ``exercise``) of an exercise."""
    chapter = TABLE.at[exercise_id, "chapter"]
    return next(_text(c) for c in _cells(chapter) if "exercise" in c["metadata"].get("tags", [])
                and c["metadata"].get("workshop", {}).get("exercise") == exercise_id)


def printed(chapter: str) -> str:
    """What the committed chapter prints before its exercises: every stream, text/markdown, text/html and
    text/plain output of the cells above the ``## Exercises`` heading."""
    parts = []
    for cell in _cells(chapter):
        if cell["cell_type"] == "markdown" and EXERCISES_HEADING.search(_text(cell)):
            break
        for out in cell.get("outputs", []):
            if "text" in out:
                parts.append(_text({"source": out["text"]}))
            for mime in ("text/markdown", "text/html", "text/plain"):
                if mime in out.get("data", {}):
                    parts.append(_text({"source": out["data"][mime]}))
    return "\n".join(parts)


def _sig(x: float, n: int) -> str:
    """``x`` to ``n`` significant figures, trailing zeros kept (0.7100, 1652)."""
    return format(x, f"#.{n}g").rstrip(".")


def renderings(want: float, precision: str) -> set[str]:
    """How a chapter could print the answer at the stated precision: the number (with and without trailing zeros),
    as a percentage to 1 decimal and at the stated precision, and in the money form (thousands separated)."""
    m = re.match(r"(\d) significant", precision)
    if not m:                                                    # a whole number
        return {str(round(want)), f"{want:,.0f}"}
    n = int(m[1])
    shown = {_sig(want, n), f"{want:.1%}", f"{want * 100:.1f} %", _sig(want * 100, n)}
    shown |= {s.rstrip("0").rstrip(".") for s in shown if "." in s and "%" not in s}
    if abs(want) >= 1000:
        shown |= {f"{want:,.0f}", f"{round(want):d}"}
    return {s for s in shown if s}


def found(text: str, shown: str) -> list[str]:
    """Where ``shown`` stands in ``text`` as a number of its own (not inside a longer one such as 0.709833…)."""
    pattern = r"(?<![\w.,])" + re.escape(shown) + r"(?!\w|[.,]\d)"
    return [text[max(0, m.start() - 60):m.end() + 30] for m in re.finditer(pattern, text)]


# --- 1. recompute exercises ask for a figure the chapter does not print -----------------------------------------
@pytest.mark.parametrize("exercise_id", RECOMPUTE)
def test_a_recompute_answer_is_not_printed_by_its_chapter(exercise_id):
    """Copying a number the chapter prints cannot answer a recompute exercise: its answer, in every usual rendering
    at the stated precision, is nowhere in the chapter's output above the exercises."""
    text = printed(TABLE.at[exercise_id, "chapter"])
    want = float(expected_answer(exercise_id))
    hits = {s: found(text, s) for s in renderings(want, TABLE.at[exercise_id, "precision"])}
    assert not {s: h for s, h in hits.items() if h}


@pytest.mark.parametrize("chapter, figure, precision", [
    ("02_pricing_models", "infra_gross_margin", "3 significant figures"),            # the old ex2_1
    ("02_pricing_models", "infra_breakeven_utilization", "3 significant figures"),   # the old ex2_4
    ("01_ecosystem", "market_cagr_2023_2030_iresearch", "3 significant figures"),    # the old ex1_1
])
def test_the_printed_figure_check_finds_a_figure_the_chapter_prints(chapter, figure, precision):
    """The check above can fail: the figures the old questions asked for are found in their chapters' output."""
    from machinery.rerun import glued_figures

    want = float(glued_figures(NOTEBOOKS / f"{chapter}.ipynb")[figure])
    assert any(found(printed(chapter), s) for s in renderings(want, precision))


# --- 2. one tolerance rule, from the precision the question states ----------------------------------------------
@pytest.mark.parametrize("exercise_id", IDS)
def test_the_question_states_the_precision_check_applies(exercise_id):
    """A number (or a table's numbers) is asked to N significant figures or as a whole number, and both the table's
    question and the notebook's say so; only text and sets are exact."""
    row = TABLE.loc[exercise_id]
    phrase = stated_phrase(row["precision"])
    if row["answer_type"] in ("number", "table"):
        assert phrase, f"{exercise_id}: a {row['answer_type']} answer needs a stated precision"
    assert phrase in row["question"] and phrase in question_cell(exercise_id)


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_tables_question_and_the_notebooks_agree(exercise_id):
    """The two questions ask the same thing: each number the table's question names (an input such as 65 %, a date,
    a number of years) is in the notebook's question too."""
    def numbers(text: str) -> set[str]:
        return set(re.findall(r"(?<![\w.])\d+(?:[.-]\d+)*(?!\w|\.\d)", text))

    row_numbers = numbers(TABLE.at[exercise_id, "question"])
    assert row_numbers <= numbers(question_cell(exercise_id)), row_numbers - numbers(question_cell(exercise_id))


# The one rule, in units of the last stated digit: right within half a unit, close within CLOSE_FACTOR × that.
RULE = [(0.0, "right"), (0.45, "right"), (-0.45, "right"), (0.55, "close"), (-0.55, "close"), (4.9, "close"),
        (-4.9, "close"), (5.1, "wrong"), (-5.1, "wrong")]


@pytest.mark.parametrize("exercise_id", NUMBERS)
def test_one_rule_judges_every_number_exercise(exercise_id):
    """The same error, measured in units of the last digit the question asks for, gets the same status in every
    number exercise, whatever its kind; an answer rounded as asked is right."""
    row = TABLE.loc[exercise_id]
    want = float(expected_answer(exercise_id))
    unit = unit_of_last_digit(want, row["precision"])
    assert unit > 0
    said = {k: compare(row, want + k * unit, want)[0] for k, _ in RULE}
    assert said == dict(RULE), said
    n = re.match(r"(\d) significant", row["precision"])
    rounded = float(_sig(want, int(n[1]))) if n else float(round(want))
    assert compare(row, rounded, want)[0] == "right"


@pytest.mark.parametrize("exercise_id", [ex for ex in NUMBERS if "significant" in TABLE.at[ex, "precision"]])
def test_the_same_relative_error_gets_the_same_status_at_any_scale(exercise_id):
    """At a stated number of significant figures the rule depends on the relative error, not on the unit: the
    answer's expected value scaled by powers of ten gets the same statuses for the same relative errors."""
    row, want = TABLE.loc[exercise_id], float(expected_answer(exercise_id))
    errors = (1e-5, 4e-4, 3e-3, 2e-2, 0.3)
    base = [compare(row, want * (1 + e), want)[0] for e in errors]
    for k in (-3, -1, 2, 4):
        scaled = want * 10.0 ** k
        assert [compare(row, scaled * (1 + e), scaled)[0] for e in errors] == base, k


def test_the_teachers_two_answers_are_judged_alike():
    """0.811 for ex2_1's old answer (0.8114) was right while 0.189 for ex2_4's (0.1886) was only close, under
    per-row tolerances; asked to 3 significant figures, both are right now, and both are close one figure short."""
    row = TABLE.loc["ex2_2"].copy()
    row["precision"] = "3 significant figures"
    assert compare(row, 0.811, 0.81139)[0] == compare(row, 0.189, 0.18861)[0] == "right"
    assert compare(row, 0.81, 0.81139)[0] == compare(row, 0.19, 0.18861)[0] == "close"


def test_no_tolerance_is_set_per_row():
    assert not {"right_rel_tol", "close_rel_tol"} & set(TABLE.columns)
    assert set(TABLE["precision"]) <= {f"{n} significant figures" for n in range(1, 10)} | {"whole number", "exact"}


# --- 3. one sentence plus the hint -------------------------------------------------------------------------------
MESSAGE = re.compile(r"(?P<id>ex\w+): (?P<status>close|not right yet)(?: — (?P<said>.+?))?\. Hint: (?P<hint>.+)", re.S)


def message_problems(message: str) -> list[str]:
    """Why a close or wrong message is not one clean sentence followed by "Hint: …" (empty when it is)."""
    m = MESSAGE.fullmatch(message)
    if not m:
        return ["not 'exN_M: status[ — what to check]. Hint: …'"]
    problems = []
    if m["said"] and re.search(r"[.!?](\s|$)", m["said"]):
        problems.append("the sentence runs on into another")
    if re.search(r"[.,;:!?]\s*[.,;:!?]", message.replace("...", "…")):
        problems.append("doubled punctuation")
    if re.search(r"nearly:|not quite", message):
        problems.append("an old run-on fragment")
    if not m["hint"].rstrip().endswith((".", ")")) or "Hint:" in m["hint"]:
        problems.append("the hint is not one closed text")
    return problems


def test_the_message_check_refuses_the_old_messages():
    old = ("ex2_1: close, not quite. nearly: look at rounding or at which input you used Hint: Annual depreciation "
           "is price / years.")
    assert message_problems(old)
    assert message_problems("ex2_1: close — check the input. you used Hint: x.")
    assert not message_problems("ex2_1: close — check your rounding and which inputs you used. Hint: Annual x.")


def _answers(exercise_id: str) -> list:
    """Answers that make check say close and not right yet (and, for numbers, the scale and unit slips)."""
    row, want = TABLE.loc[exercise_id], expected_answer(exercise_id)
    if row["answer_type"] == "number":
        unit = unit_of_last_digit(float(want), row["precision"])
        return [float(want) + 3 * unit, float(want) + 50 * unit + 1, float(want) * 100, float(want) * 1000, "eighty",
                float("nan")]
    if row["answer_type"] == "set":
        return [list(want)[: max(1, len(want) // 2)] + ["somebody else"], ["nobody"], "a string"]
    if row["answer_type"] == "table":
        return [want.assign(startups=want["startups"] + 1), want.iloc[:1], want[["category_en"]], "a table"]
    return [str(want)[:3], "something else"]


@pytest.mark.parametrize("exercise_id", IDS)
def test_each_message_is_one_sentence_plus_the_hint(exercise_id, capsys, monkeypatch):
    monkeypatch.delenv("WORKSHOP_STRICT", raising=False)
    said = {}
    for answer in _answers(exercise_id):
        result = check(exercise_id, answer)
        said[result.status] = result.message
        if result.status in ("close", "wrong"):
            assert not message_problems(result.message), (result.message, message_problems(result.message))
            assert result.message.endswith(f"Hint: {TABLE.at[exercise_id, 'hint']}")
    assert {"close", "wrong"} <= set(said)
    assert check(exercise_id, expected_answer(exercise_id)).message == f"{exercise_id}: right."
    assert check(exercise_id, ...).message == f"{exercise_id}: not answered yet (replace the ... with your answer)"
    capsys.readouterr()


def test_scale_slips_keep_their_own_sentence():
    assert "ex2_1: close — right digits, wrong scale: a share is a fraction (0.25), not a percentage (25). Hint: " \
        in check("ex2_1", expected_answer("ex2_1") * 100).message
    assert "ex2_4: close — right digits, wrong unit: " in check("ex2_4", expected_answer("ex2_4") / 1000).message


# --- 4. what-ifs rerun inside JupyterLab ------------------------------------------------------------------------
BARE_PYTHON = re.compile(r"(?<![\w/.\\])python3?(?:\.\d+)?\s+-m\b")
RERUN_CALL = re.compile(r'rerun\((?P<args>"[^"]+"(?:, [^()]*(?:\([^()]*\)[^()]*)*)?)\)')


GLOSSARY_LINK = re.compile(r'\[([^\]]+)\]\(\.\./book/glossary\.md#[^\s)]*(?:\s+"(?:[^"\\]|\\.)*")?\)')


def route_problems(text: str, chapter: str) -> list[str]:
    """Why a what-if's question or hint does not name a route that works inside JupyterLab (empty when it does)."""
    text = GLOSSARY_LINK.sub(r"\1", text)                   # "[parameters](../book/glossary.md#parameter …) cell"
    problems = []
    if BARE_PYTHON.search(text):
        problems.append("a bare `python -m`, which in the lab's terminal is the system Python")
    if "parameters cell" not in text or "Run All" not in text:
        problems.append("no 'edit the parameters cell and Run All'")
    call = RERUN_CALL.search(text)
    if not call or "helpers.workshop" not in text or not call["args"].startswith(f'"{chapter}"'):
        problems.append(f"no helpers.workshop rerun(\"{chapter}\", …)")
    elif text.index("parameters cell") > call.start():
        problems.append("the parameters cell is not the first route")
    return problems


def rerun_parameters(text: str) -> dict:
    """The parameters of the ``rerun("chapter", …)`` call a text names, evaluated (a scenario's read from its file)."""
    call = ast.parse(RERUN_CALL.search(text)[0].replace("`", "")).body[0].value
    params = {}
    for kw in call.keywords:
        if kw.arg is None:                                       # **load_scenario("name")["parameters"]
            params.update(load_scenario(kw.value.value.args[0].value)["parameters"])
        else:
            params[kw.arg] = ast.literal_eval(kw.value)
    return params


def test_the_route_check_refuses_a_bare_python():
    old = ("python -m helpers.rerun notebooks/02_pricing_models.ipynb out.ipynb -p utilization 0.35, then python -m "
           "helpers.rerun --figures out.ipynb; the figure is a fraction.")
    assert route_problems(old, "02_pricing_models")
    assert not BARE_PYTHON.search(".venv/bin/python -m helpers.rerun out.ipynb")


@pytest.mark.parametrize("exercise_id", WHAT_IF)
def test_a_what_if_names_a_route_that_works_inside_jupyterlab(exercise_id):
    """The hint, the table's question and the notebook's question each say first to edit the parameters cell and
    Run All, then name helpers.workshop's rerun for the exercise's chapter with parameters that chapter has; a
    command line, where there is one, is ``.venv/bin/python -m``."""
    row = TABLE.loc[exercise_id]
    chapter = row["chapter"]
    names = set(parameter_defaults(NOTEBOOKS / f"{chapter}.ipynb"))
    for where, text in (("hint", row["hint"]), ("question", row["question"]), ("notebook", question_cell(exercise_id))):
        assert not route_problems(text, chapter), (where, route_problems(text, chapter))
        assert set(rerun_parameters(text)) <= names, where


@pytest.mark.parametrize("exercise_id", WHAT_IF)
def test_the_rerun_call_and_the_command_line_run_the_same_what_if(exercise_id):
    """The notebook's ``rerun(…)`` sets the same parameters as its command line (``-p`` or ``--scenario``)."""
    from machinery.rerun import parse_value

    text = question_cell(exercise_id)
    line = next(ln for ln in text.splitlines() if ln.startswith(".venv/bin/python -m helpers.rerun ") and "--figures" not in ln)
    words = shlex.split(line)
    params = {n: parse_value(v) for flag, n, v in zip(words, words[1:], words[2:]) if flag == "-p"}
    if "--scenario" in words:
        params = {**load_scenario(words[words.index("--scenario") + 1])["parameters"], **params}
    assert rerun_parameters(text) == params


@pytest.mark.parametrize("exercise_id", IDS)
def test_no_hint_or_question_names_a_bare_python(exercise_id):
    row = TABLE.loc[exercise_id]
    for text in (row["hint"], row["question"], question_cell(exercise_id)):
        assert not BARE_PYTHON.search(text)
