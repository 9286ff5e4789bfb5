"""Workshop exercises: self-checks that say right / close / wrong with a hint, never the answer.

    from helpers.workshop import check
    answer = ...                 # the student's placeholder; replaced by a number, text, list or table
    check("ex2_1", answer)       # prints "not answered yet" while answer is ... or None

Each exercise is a row of ``data/exercises.csv`` (id, chapter, kind, question, hint, answer type, tolerances,
the module that computes the expected answer). The expected answer is computed from ``data/`` by a function
registered with ``@expected("ex2_1")`` in that module; it is never typed in a notebook or a table.

``WORKSHOP_STRICT=1`` in the environment makes every check that is not right raise ``ExerciseError``
(the tests run the chapters with the solutions filled in this way).
"""
from __future__ import annotations

import importlib
import math
import os
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


# --- comparisons: each returns (status, hint or "") ----------------------------------------------------------
def _number(answer: Any, want: float, right_tol: float, close_tol: float) -> tuple[str, str]:
    try:
        got = float(answer)
    except (TypeError, ValueError):
        return "wrong", f"give a number (got {type(answer).__name__})"
    if math.isnan(got):
        return "wrong", "the answer is NaN: check for a missing value"
    err = abs(got - want) / abs(want) if want else abs(got)
    if err <= right_tol:
        return "right", ""
    if want and (abs(got / 100 - want) / abs(want) <= right_tol or abs(got * 100 - want) / abs(want) <= right_tol):
        return "close", "right digits, wrong scale: a share is a fraction (0.25), not a percentage (25)"
    if want and abs(got / 1000 - want) / abs(want) <= right_tol or want and abs(got * 1000 - want) / abs(want) <= right_tol:
        return "close", "right digits, wrong unit: check thousands vs units (per 1K tokens? USD vs thousand USD?)"
    if err <= close_tol:
        return "close", "nearly: look at rounding or at which input you used"
    return "wrong", ""


def _text(answer: Any, want: str) -> tuple[str, str]:
    got, target = str(answer).strip().casefold(), str(want).strip().casefold()
    if got == target:
        return "right", ""
    if got and (got in target or target in got):
        return "close", "part of it: give the whole name as the table spells it"
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


def _table(answer: Any, want: pd.DataFrame, right_tol: float) -> tuple[str, str]:
    import pandas as pd

    if not isinstance(answer, pd.DataFrame):
        return "wrong", "give a pandas DataFrame"
    if sorted(answer.columns) != sorted(want.columns):
        return "close" if set(want.columns) <= set(answer.columns) else "wrong", \
            f"the columns should be {', '.join(map(str, want.columns))}"
    if len(answer) != len(want):
        return "close", f"you have {len(answer)} rows; check your filter"
    a = answer[list(want.columns)].sort_values(list(want.columns)).reset_index(drop=True)
    w = want.sort_values(list(want.columns)).reset_index(drop=True)
    try:
        pd.testing.assert_frame_equal(a, w, check_dtype=False, rtol=right_tol)
    except AssertionError:
        return "close", "right shape, some values differ"
    return "right", ""


def compare(row: pd.Series, answer: Any, want: Any) -> tuple[str, str]:
    """Compare an answer with the expected one by the exercise's answer type: (status, hint)."""
    kind = row["answer_type"]
    if kind == "number":
        return _number(answer, float(want), float(row["right_rel_tol"]), float(row["close_rel_tol"]))
    if kind == "text":
        return _text(answer, want)
    if kind == "set":
        return _set(answer, want)
    return _table(answer, want, float(row["right_rel_tol"]))


def check(exercise_id: str, answer: Any) -> CheckResult:
    """Say whether ``answer`` is right, close or wrong for the exercise, with its hint; never the expected answer.
    A placeholder (``...`` or ``None``) is "not answered yet" and raises nothing (a student copy runs through)."""
    row = exercise(exercise_id)
    if is_placeholder(answer):
        status, message = "not answered", f"{exercise_id}: not answered yet (replace the ... with your answer)"
    else:
        status, extra = compare(row, answer, expected_answer(exercise_id))
        message = {"right": f"{exercise_id}: right.",
                   "close": f"{exercise_id}: close, not quite.",
                   "wrong": f"{exercise_id}: not right yet."}[status]
        if status != "right":
            message += f" {extra}" if extra else ""
            message += f" Hint: {row['hint']}"
    print(message)
    result = CheckResult(exercise_id, status, message)
    if os.environ.get(STRICT_ENV) == "1" and not result.passed:
        raise ExerciseError(f"{exercise_id}: self-check said {status!r} ({STRICT_ENV}=1); allowed: right")
    return result
