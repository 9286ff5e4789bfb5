"""One-at-a-time sensitivity: vary each input down and up by a share of its value, the others held, and record how far
each figure moves (the data of a tornado chart: "which assumption moves the answer most").

A varied value the chapter refuses (out of its range, or not a measured choice) leaves that side empty (NaN); it is
never replaced by another value.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from helpers.errors import ParameterError

STEP = 0.10     # ±10 %

COLUMNS = ["parameter", "figure", "input_base", "input_low", "input_high", "figure_base", "figure_at_low",
           "figure_at_high", "swing"]


def _set(p: Mapping[str, Any], name: str, x: float) -> dict[str, Any]:
    """``p`` with ``name`` set to ``x`` (the default way to vary one input)."""
    return {**p, name: x}


def varied_values(x: float, step: float = STEP, integer: bool = False) -> tuple[float, float]:
    """``x`` down and up by ``step`` of itself; a whole-number input moves at least one unit."""
    low, high = x * (1 - step), x * (1 + step)
    if integer:
        low, high = float(min(math.floor(low), x - 1)), float(max(math.ceil(high), x + 1))
    return low, high


Runs = Callable[[list[dict[str, Any]]], list[Mapping[str, float] | None]]


def each_alone(compute: Callable[[dict[str, Any]], Mapping[str, float]]) -> Runs:
    """``compute`` (one run's figures) applied run by run; None for a run the chapter refuses (ParameterError)."""
    def many(runs: list[dict[str, Any]]) -> list[Mapping[str, float] | None]:
        out: list[Mapping[str, float] | None] = []
        for run in runs:
            try:
                out.append(compute(run))
            except ParameterError:
                out.append(None)
        return out

    return many


def one_at_a_time(p: Mapping[str, Any], compute_many: Runs, names: Iterable[str], figures: Iterable[str],
                  vary: Callable[[Mapping[str, Any], str, float], dict[str, Any]] = _set, step: float = STEP,
                  integers: Iterable[str] = (), allowed: Callable[[str, float], bool] | None = None) -> pd.DataFrame:
    """A long table, one row per (input, figure): the input at base, low and high, the figure at each, and its swing.

    Every run (``p`` itself, then each input ``step`` down and up, ``vary``-ed) goes to ``compute_many`` at once, so
    a chapter can compute them all in one vectorised call; ``each_alone`` makes one from a one-run function. A value
    ``allowed`` refuses is not run; a run ``compute_many`` returns as None was refused: either leaves its side empty."""
    names, figures, integers = list(names), list(figures), set(integers)
    cases = [(name, side, x) for name in names
             for side, x in zip(("low", "high"), varied_values(float(p[name]), step, name in integers))
             if allowed is None or allowed(name, x)]
    results = compute_many([dict(p)] + [vary(p, name, x) for name, _, x in cases])
    base = results[0]
    at = {(name, side): (x, r) for (name, side, x), r in zip(cases, results[1:]) if r is not None}
    rows = []
    for name in names:
        low, high = at.get((name, "low")), at.get((name, "high"))
        for fig in figures:
            lo, hi = (float(low[1][fig]) if low else math.nan), (float(high[1][fig]) if high else math.nan)
            rows.append([name, fig, float(p[name]), low[0] if low else math.nan, high[0] if high else math.nan,
                         float(base[fig]), lo, hi, swing(float(base[fig]), lo, hi)])
    return pd.DataFrame(rows, columns=COLUMNS)


def swing(base: float, low: float, high: float) -> float:
    """How far a figure moves: ``|high − low|``; from the base to the one side left where the other was refused (0
    where both were)."""
    ends = [v for v in (low, high) if not math.isnan(v)]
    if len(ends) == 2:
        return abs(high - low)
    return abs(ends[0] - base) if ends else 0.0


def tornado_rows(table: pd.DataFrame, figure: str) -> pd.DataFrame:
    """One figure's rows that move it at all, largest swing first (the order of a tornado's bars)."""
    rows = table[(table["figure"] == figure) & (table["swing"] > 1e-12 * table["figure_base"].abs().clip(lower=1))]
    return rows.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
