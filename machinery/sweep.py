"""Sweeps and sensitivity of a chapter's figures: many runs, one table.

``grid`` turns ``NAME=START:STOP:STEP`` ranges into parameter sets (every combination). ``direct_runner`` computes a
run's figures in this process, with the chapter's own calls (its ``validate`` and ``figures``, as its notebook makes
them: no kernel); ``notebook_runs`` executes the notebook once per run, several at a time. A test holds the two equal
on every figure. ``sensitivity_table`` varies each numeric parameter 10 % down and up.
"""
from __future__ import annotations

import ast
import itertools
import math
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.errors import ParameterError
from helpers.nbfiles import check_names, glued_figures, parameter_defaults

RANGE = re.compile(r"^(?P<name>[A-Za-z_]\w*)=(?P<start>[^:]+):(?P<stop>[^:]+):(?P<step>[^:]+)$")
MAX_RUNS = 10_000


def parse_range(text: str) -> tuple[str, list[float]]:
    """``utilization=0.1:0.9:0.1`` → ``("utilization", [0.1, 0.2, …, 0.9])``: START to STOP inclusive, by STEP."""
    m = RANGE.match(text.strip())
    allowed = "allowed: NAME=START:STOP:STEP with numbers, START ≤ STOP and STEP > 0 (e.g. utilization=0.1:0.9:0.1)"
    if not m:
        raise ParameterError(f"--sweep {text!r} is not a range; {allowed}")
    try:
        start, stop, step = (float(m[k]) for k in ("start", "stop", "step"))
    except ValueError:
        raise ParameterError(f"--sweep {text!r} has a bound that is not a number; {allowed}") from None
    if not (math.isfinite(start) and math.isfinite(stop) and step > 0 and start <= stop):
        raise ParameterError(f"--sweep {text!r} is empty or endless; {allowed}")
    n = math.floor((stop - start) / step + 1e-9) + 1
    if n > MAX_RUNS:
        raise ParameterError(f"--sweep {text!r} has {n:,} points; allowed: at most {MAX_RUNS:,}")
    return m["name"], [round(start + i * step, 12) for i in range(n)]


def grid(ranges: Sequence[tuple[str, list[float]]]) -> list[dict[str, float]]:
    """Every combination of the ranges' values, the first range varying slowest."""
    names = [n for n, _ in ranges]
    if len(set(names)) < len(names):
        raise ParameterError(f"--sweep names a parameter twice ({', '.join(names)}); allowed: each parameter once")
    runs = [dict(zip(names, values)) for values in itertools.product(*(v for _, v in ranges))]
    if len(runs) > MAX_RUNS:
        raise ParameterError(f"--sweep gives {len(runs):,} runs; allowed: at most {MAX_RUNS:,}")
    return runs


def chapter_calls(notebook: str | Path) -> tuple[str, str, str] | None:
    """The notebook's import cell, its validating call and its figures call (``p = pricing.validate(globals())``,
    ``F = pricing.figures(p)``), or None where it does not compute its figures that way."""
    import json

    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    code = [("".join(c["source"]), c["metadata"].get("tags", [])) for c in nb["cells"] if c["cell_type"] == "code"]
    imports = next((s for s, _ in code if s.lstrip().startswith(("import", "from"))), None)
    source = "\n".join(s for s, _ in code)
    validate = re.search(r"^p = ([\w.]+)\(globals\(\)\)", source, re.M)
    figures = re.search(r"^F = ([\w.]+)\(p\)", source, re.M)
    if not (imports and validate and figures):
        return None
    return imports, validate[1], figures[1]


def _as_glued(value: Any) -> Any:
    """A figure as a read-back of its glued text gives it (so both paths compare like with like)."""
    from IPython.lib.pretty import pretty

    text = pretty(value)
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


@dataclass(frozen=True)
class ChapterCalls:
    """What a notebook calls to compute its figures, resolved from its own import cell: its chapter package (e.g.
    ``pricing``), that package's ``validate`` and the figures function (``pricing.figures``)."""

    chapter: Any
    validate: Callable[[dict[str, Any]], dict[str, Any]]
    figures: Callable[[dict[str, Any]], Any]


def chapter_of(notebook: str | Path) -> ChapterCalls | None:
    """The notebook's ``ChapterCalls``, or None where it does not compute its figures that way."""
    calls = chapter_calls(notebook)
    if calls is None:
        return None
    imports, validate_call, figures_call = calls
    namespace: dict[str, Any] = {}
    exec(compile(imports, f"{Path(notebook).name}: imports", "exec"), namespace)    # the notebook's own imports
    return ChapterCalls(eval(validate_call.rsplit(".", 1)[0], namespace), eval(validate_call, namespace),
                        eval(figures_call, namespace))


def direct_runner(notebook: str | Path) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """A function from a run's parameters (the notebook's defaults, updated) to its figures, computed in this process
    by the chapter's own calls; None where the notebook's figures need its kernel."""
    calls = chapter_of(notebook)
    if calls is None:
        return None
    defaults = parameter_defaults(notebook)

    def run(params: dict[str, Any]) -> dict[str, Any]:
        F = calls.figures(calls.validate({**defaults, **params}))
        return {**{k: _as_glued(v) for k, v in F.values.items()}, "quoted_figures": list(F.quoted)}

    return run


def notebook_runs(notebook: str | Path, runs: list[dict[str, Any]], workers: int | None = None) -> list[dict[str, Any]]:
    """Each run's figures, read back from the notebook executed with its parameters, ``workers`` at a time (default:
    one per CPU this process may use). The first failing run stops the sweep with its error.

    Papermill changes the process's working folder to the notebook's for each run; every run here changes it to the
    same absolute folder, and this process's own folder is restored once all have ended."""
    from helpers.kernels import execute

    check_names(notebook, sorted({k for r in runs for k in r}))
    notebook = Path(notebook).resolve()
    workers = workers or len(os.sched_getaffinity(0))
    here = os.getcwd()
    try:
        with tempfile.TemporaryDirectory(prefix="sweep-") as tmp:
            def one(i: int) -> dict[str, Any]:
                out = Path(tmp) / f"run-{i}.ipynb"
                execute(notebook, out, runs[i])
                return glued_figures(out)

            with ThreadPoolExecutor(max_workers=workers) as pool:
                return list(pool.map(one, range(len(runs))))
    finally:
        os.chdir(here)


def flat_figures(figures: dict[str, Any]) -> dict[str, Any]:
    """A run's figures with each mapping spread into ``name.key`` (the outlook's verdict of every forecast)."""
    flat: dict[str, Any] = {}
    for name, value in figures.items():
        if isinstance(value, dict):
            flat.update({f"{name}.{key}": v for key, v in value.items()})
        else:
            flat[name] = value
    return flat


def sweep_table(runs: list[dict[str, Any]], figures: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per run: its swept parameters, then one column per figure (mappings spread, lists joined by "; ")."""
    rows = []
    for params, figs in zip(runs, figures):
        flat = {k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in flat_figures(figs).items()}
        flat.pop("quoted_figures", None)
        rows.append({**params, **flat})
    return pd.DataFrame(rows)


def sensitivity_table(notebook: str | Path, params: dict[str, Any], step: float = 0.1) -> pd.DataFrame:
    """Each headline figure's swing as each numeric parameter moves ``step`` down and up, the others at ``params``
    (the notebook's defaults, updated). A chapter with its own ``sensitivity(p)`` (the pricing chapter, whose inputs
    depend on one another) uses it; otherwise every numeric parameter and every numeric figure."""
    from helpers import sensitivity as oat

    calls, run = chapter_of(notebook), direct_runner(notebook)
    if calls is None or run is None:
        raise ParameterError(f"--sensitivity: {Path(notebook).name} computes its figures in its kernel only; allowed: "
                             "a chapter whose notebook calls its validate and figures functions")
    p = calls.validate({**parameter_defaults(notebook), **params})
    if hasattr(calls.chapter, "sensitivity"):
        return calls.chapter.sensitivity(p, step)
    base = {**parameter_defaults(notebook), **params}
    names = [k for k, v in base.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    numeric = [k for k, v in run(base).items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    table = oat.one_at_a_time(base, oat.each_alone(run), names, numeric, step=step)
    return table[table["swing"] > 0].reset_index(drop=True)


def validate_runs(notebook: str | Path, runs: list[dict[str, Any]]) -> None:
    """Check every run's parameters with the chapter's own validation before any runs (ParameterError naming the
    parameter, its value and what is allowed, and the run)."""
    calls = chapter_of(notebook)
    if calls is None:
        return
    defaults = parameter_defaults(notebook)
    for i, run in enumerate(runs, start=1):
        try:
            calls.validate({**defaults, **run})
        except ParameterError as exc:
            raise ParameterError(f"{exc} (run {i} of {len(runs)}: {', '.join(f'{k} = {v!r}' for k, v in run.items())})") from None


def write_key_tables(notebook: str | Path, params: dict[str, Any], output: str | Path) -> Path | None:
    """Write the chapter's key tables (its ``key_tables(p)``) for a run's parameters as CSV files in a folder beside
    the output notebook (``out.ipynb`` → ``out_tables/``); None where the chapter has none."""
    calls = chapter_of(notebook)
    if calls is None or not hasattr(calls.chapter, "key_tables"):
        return None
    folder = Path(output).with_name(Path(output).stem + "_tables")
    folder.mkdir(exist_ok=True)
    for name, table in calls.chapter.key_tables(calls.validate({**parameter_defaults(notebook), **params})).items():
        table.to_csv(folder / f"{name}.csv", index=False)
    return folder
