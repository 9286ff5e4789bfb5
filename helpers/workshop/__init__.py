"""Workshop exercises: self-checks that say right / close / wrong with a hint, never the answer.

    from helpers.workshop import check
    answer = ...                 # the student's placeholder; replaced by a number, text, list or table
    check("ex2_1", answer)       # prints "not answered yet" while answer is ... or None

Each exercise is a row of ``data/exercises.csv`` (id, chapter, kind, question, hint, answer type, the precision
the question states, the module that computes the expected answer). One rule judges every number from the stated
precision: *right* within half a unit of the last stated digit, *close* within ten times that. The expected answer
is computed from ``data/`` by a function registered with ``@expected("ex2_1")`` in that module; it is never typed
in a notebook or a table.

``WORKSHOP_STRICT=1`` in the environment makes every check that is not right raise ``ExerciseError``
(the tests run the chapters with the solutions filled in this way).
"""
from __future__ import annotations

import importlib
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from helpers.errors import ParameterError
from helpers.workshop.what_if import Rerun, rerun  # noqa: F401  (a what-if inside JupyterLab: helpers.workshop.rerun)

if TYPE_CHECKING:  # pandas is imported where a table is compared: the kit (machinery.kit) never needs it
    import pandas as pd

TABLE = "exercises"
KINDS = ("recompute", "what-if", "check-source")
ANSWER_TYPES = ("number", "text", "set", "table")
STATUSES = ("right", "close", "wrong", "not answered")
STRICT_ENV = "WORKSHOP_STRICT"

_EXPECTED: dict[str, Callable[[], Any]] = {}


class ExerciseError(ParameterError):
    """A self-check that did not pass under ``WORKSHOP_STRICT=1``, or an unknown exercise id."""


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` said: ``status`` is one of right / close / wrong / not answered; ``message`` was printed."""

    exercise_id: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "right"

    def __repr__(self) -> str:
        return f"CheckResult({self.exercise_id!r}, status={self.status!r})"

    def _ipython_display_(self) -> None:
        """Nothing: as a cell's last value the result would repeat the message ``check`` already printed."""


def expected(exercise_id: str) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register the function (no arguments) that computes an exercise's expected answer from ``data/``."""
    def register(fn: Callable[[], Any]) -> Callable[[], Any]:
        _EXPECTED[exercise_id] = fn
        return fn
    return register


def exercises() -> pd.DataFrame:
    """``data/exercises.csv``, validated, indexed by exercise id."""
    from helpers.data import load

    return load(TABLE).set_index("exercise_id")


def exercise(exercise_id: str) -> pd.Series:
    """One row of ``data/exercises.csv``; ExerciseError naming the allowed ids when there is none."""
    table = exercises()
    if exercise_id not in table.index:
        raise ExerciseError(f"exercise_id {exercise_id!r} is not in data/exercises.csv; allowed: {', '.join(table.index)}")
    return table.loc[exercise_id]


def expected_answer(exercise_id: str) -> Any:
    """The expected answer, computed by the function registered in the exercise's module (for tests and solutions'
    authors; ``check`` never shows it)."""
    row = exercise(exercise_id)
    importlib.import_module(row["module"])
    if exercise_id not in _EXPECTED:
        raise ExerciseError(f"exercise_id {exercise_id!r}: module {row['module']} registers no @expected function for it")
    return _EXPECTED[exercise_id]()


def is_placeholder(answer: Any) -> bool:
    """Whether the answer is still the student copy's placeholder (``...`` or ``None``)."""
    return answer is Ellipsis or answer is None


# --- the one tolerance rule -------------------------------------------------------------------------------------
# Each exercise states in its question the precision it expects (the row's ``precision``): "N significant figures",
# "whole number" or "exact" (text and sets, and numbers that must match exactly). One rule for every number:
# *right* within half a unit of the last stated digit (an answer rounded as asked, or given with more digits),
# *close* within ten times that (five units: right to one significant figure fewer), *wrong* beyond.
PRECISION = re.compile(r"^(?:(?P<sig>[1-9]) significant figures?|(?P<whole>whole number)|(?P<exact>exact))$")
CLOSE_FACTOR = 10            # close: within CLOSE_FACTOR × half a unit of the last stated digit
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")   # as prose says them
_FLOAT_SLACK = 1e-9          # relative: an answer rounded exactly at a half unit is not lost to binary floats


def stated_phrase(precision: str) -> str:
    """The words the exercise's question must contain to state ``precision`` ("to three significant figures",
    "whole number"; "" for exact)."""
    m = _precision(precision)
    if m["sig"]:
        return f"to {NUMBER_WORDS[int(m['sig'])]} significant figure{'s' if m['sig'] != '1' else ''}"
    return "whole number" if m["whole"] else ""


def _precision(precision: str) -> re.Match:
    m = PRECISION.match(str(precision).strip())
    if not m:
        raise ExerciseError(f"precision {precision!r} in data/exercises.csv is not a stated precision; allowed: "
                            "'N significant figures' (N 1-9), 'whole number', 'exact'")
    return m


def unit_of_last_digit(want: float, precision: str) -> float:
    """The unit of the last digit the precision asks for: for N significant figures, the place of the N-th
    significant digit of ``want`` once rounded (0.7098 at 4 → 0.0001; 1652.2 at 4 → 1); 1 for a whole number;
    0 for exact."""
    m = _precision(precision)
    if m["exact"]:
        return 0.0
    if m["whole"]:
        return 1.0
    sig = int(m["sig"])
    if want == 0 or not math.isfinite(want):
        return 10.0 ** -sig
    exponent = int(f"{abs(want):.{sig - 1}e}".split("e")[1])      # after rounding: 0.09996 at 2 → 0.10, exponent -1
    return 10.0 ** (exponent - sig + 1)


def tolerances(want: float, precision: str) -> tuple[float, float]:
    """(right, close) absolute tolerances of the one rule: half a unit of the last stated digit, and ten times that."""
    half = unit_of_last_digit(want, precision) / 2
    slack = abs(want) * _FLOAT_SLACK + 1e-15
    return half + slack, CLOSE_FACTOR * half + slack


# --- comparisons: each returns (status, what to say or "") ----------------------------------------------------
SCALE = "right digits, wrong scale: a share is a fraction (0.25), not a percentage (25)"
UNIT = "right digits, wrong unit: check thousands against units (per 1K tokens, USD or thousand USD)"
NEAR = "check your rounding and which inputs you used"


def _number(answer: Any, want: float, precision: str) -> tuple[str, str]:
    if isinstance(answer, bool):
        return "wrong", "give a number, not True or False"
    try:
        got = float(answer)
    except (TypeError, ValueError):
        return "wrong", f"give a number, not a {type(answer).__name__}"
    if math.isnan(got):
        return "wrong", "the answer is NaN, so check for a missing value"
    right, close = tolerances(want, precision)
    err = abs(got - want)
    if err <= right:
        return "right", ""
    if want and any(abs(got * k - want) <= right for k in (0.01, 100)):
        return "close", SCALE
    if want and any(abs(got * k - want) <= right for k in (0.001, 1000)):
        return "close", UNIT
    if err <= close:
        return "close", NEAR
    return "wrong", ""


def _text(answer: Any, want: str) -> tuple[str, str]:
    got, target = str(answer).strip().casefold(), str(want).strip().casefold()
    if got == target:
        return "right", ""
    if got and (got in target or target in got):
        return "close", "part of it, so give the whole name as the table spells it"
    return "wrong", ""


def _set(answer: Any, want: Any) -> tuple[str, str]:
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
        return "wrong", "give a list of names"
    got = {str(a).strip().casefold() for a in answer}
    target = {str(w).strip().casefold() for w in want}
    if got == target:
        return "right", ""
    common = len(got & target)
    if common >= max(1, len(target) // 2):
        return "close", f"{common} of your {len(got)} are in the answer, which has {len(target)}"
    return "wrong", ""


def _table(answer: Any, want: pd.DataFrame, precision: str) -> tuple[str, str]:
    """Same columns and rows (row order ignored); text equal, every number right by the one rule."""
    import pandas as pd

    if not isinstance(answer, pd.DataFrame):
        return "wrong", "give a pandas DataFrame"
    if sorted(answer.columns) != sorted(want.columns):
        return "close" if set(want.columns) <= set(answer.columns) else "wrong", \
            f"the columns should be {', '.join(map(str, want.columns))}"
    if len(answer) != len(want):
        return "close", f"you have {len(answer)} rows, so check your filter"
    numeric = [c for c in want.columns if pd.api.types.is_numeric_dtype(want[c])]
    keys = [c for c in want.columns if c not in numeric] or list(want.columns)
    a = answer[list(want.columns)].sort_values(keys).reset_index(drop=True)
    w = want.sort_values(keys).reset_index(drop=True)
    if not a[[c for c in keys if c not in numeric]].astype(str).equals(w[[c for c in keys if c not in numeric]].astype(str)):
        return "close", "right shape, but some rows differ"
    for c in numeric:
        for got, target in zip(pd.to_numeric(a[c], errors="coerce"), w[c]):
            if not (math.isfinite(got) and abs(got - float(target)) <= tolerances(float(target), precision)[0]):
                return "close", "right shape, but some values differ"
    return "right", ""


def compare(row: pd.Series, answer: Any, want: Any) -> tuple[str, str]:
    """Compare an answer with the expected one by the exercise's answer type and stated precision: (status, what
    to say)."""
    kind = row["answer_type"]
    if kind == "number":
        return _number(answer, float(want), row["precision"])
    if kind == "text":
        return _text(answer, want)
    if kind == "set":
        return _set(answer, want)
    return _table(answer, want, row["precision"])


STATUS_WORDS = {"en": {"right": "right", "close": "close", "wrong": "not right yet"},
                "zh": {"right": "正确", "close": "接近", "wrong": "还不对"}}
MESSAGE = {"en": ("{ex}: not answered yet (replace the ... with your answer)", "{ex}: {status}{said}.", " — {said}",
                  "{sentence} Hint: {hint}"),
           "zh": ("{ex}：尚未作答（把 ... 换成你的答案）", "{ex}：{status}{said}。", "——{said}", "{sentence}提示：{hint}")}


def message(exercise_id: str, status: str, said: str, hint: str, lang: str = "en") -> str:
    """What ``check`` prints: one sentence ("ex2_1: close — check your rounding and which inputs you used."), then,
    unless right, the exercise's hint ("Hint: …"); in ``lang`` (the chapter's ``lang`` parameter), with the
    catalogue's words for what it says (``helpers.i18n``)."""
    from helpers import i18n

    unanswered, sentence, detail, hinted = MESSAGE[lang]
    if status == "not answered":
        return unanswered.format(ex=exercise_id)
    said = detail.format(said=i18n.translate(said, lang)) if said else ""
    text = sentence.format(ex=exercise_id, status=STATUS_WORDS[lang][status], said=said)
    return text if status == "right" else hinted.format(sentence=text, hint=hint.strip())


def check(exercise_id: str, answer: Any) -> CheckResult:
    """Say whether ``answer`` is right, close or wrong for the exercise, with its hint; never the expected answer.
    A placeholder (``...`` or ``None``) is "not answered yet" and raises nothing (a student copy runs through)."""
    row = exercise(exercise_id)
    if is_placeholder(answer):
        status, said = "not answered", ""
    else:
        status, said = compare(row, answer, expected_answer(exercise_id))
    from helpers import i18n

    lang = i18n.current()
    hint = row.get(f"hint_{lang}") if lang != i18n.DEFAULT else None
    text = message(exercise_id, status, said, hint if isinstance(hint, str) and hint.strip() else row["hint"], lang)
    print(text)
    result = CheckResult(exercise_id, status, text)
    if os.environ.get(STRICT_ENV) == "1" and not result.passed:
        raise ExerciseError(f"{exercise_id}: self-check said {status!r} ({STRICT_ENV}=1); allowed: right")
    return result
