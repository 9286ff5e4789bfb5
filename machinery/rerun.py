"""Run a chapter with papermill, refusing parameter names the chapter does not declare.

    python -m helpers.rerun IN.ipynb OUT.ipynb -p NAME VALUE [-p NAME VALUE ...] [--html]
    python -m helpers.rerun --figures EXECUTED.ipynb [--format json|csv]   # print the run's figures
    python -m helpers.rerun --compare A.ipynb B.ipynb [--format json|csv]  # the figures and verdicts that differ
    python -m helpers.rerun --scenario NAME|PATH.yaml OUT.ipynb [-p NAME VALUE ...] [--html]   # a scenario's run
    python -m helpers.rerun IN.ipynb --sweep NAME=START:STOP:STEP [--sweep ...] [-p NAME VALUE ...] [--csv OUT.csv]
    python -m helpers.rerun IN.ipynb --sensitivity [-p NAME VALUE ...] [--csv OUT.csv]   # each input ±10 %

A rerun also writes the chapter's key tables as CSV files in ``OUT_tables/`` (where the chapter has them). A sweep
gives one row per run and one column per figure; it computes the figures in this process with the chapter's own
functions where its notebook allows (``--notebooks`` executes the notebook for every run instead, ``--jobs`` at a
time).

``--html`` also writes ``OUT.html``: the rerun chapter as one standalone page (prose, tables and
charts, no code), readable and shareable offline without building the book.

Plain papermill only warns about an unknown name and runs with the default; this wrapper
stops before running. Values are parsed as papermill's ``-p`` does (numbers, else text).
"""
from __future__ import annotations

import argparse
import ast
import csv
import json
import math
import sys
from pathlib import Path
from typing import Any, TextIO

from helpers import scenario_files
from helpers.errors import ParameterError
from helpers.html_page import write_html
from helpers.kernels import execute, ipc_kernel_manager  # noqa: F401
from helpers.nbfiles import READBACK, check_names, declared_parameters, glued_figures, parameter_defaults  # noqa: F401
from machinery.sweep import flat_figures, write_key_tables


def parse_value(text: str) -> Any:
    """A ``-p`` value as papermill reads it: a Python literal number/bool/None, else the raw text."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return value if isinstance(value, (int, float, bool, type(None), list, dict)) else text


def _same(a: Any, b: Any) -> bool:
    """Equal, or numbers equal to twelve significant digits."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)
    return a == b


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """``(name, value in a, value in b)`` for every figure that differs between two runs (None where a run lacks it)."""
    fa, fb = flat_figures(a), flat_figures(b)
    return [(n, fa.get(n), fb.get(n)) for n in sorted(set(fa) | set(fb)) if not _same(fa.get(n), fb.get(n))]


def write_rows(header: list[str], rows: list[list[Any]], fmt: str, out: TextIO) -> None:
    """Rows as CSV (a header line, then one line per row) or as a JSON list of objects."""
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    else:
        out.write(json.dumps([dict(zip(header, r)) for r in rows], indent=2, default=str, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.rerun", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", help="the chapter to run (with --scenario: the output notebook)")
    ap.add_argument("output", nargs="?")
    ap.add_argument("--scenario", metavar="NAME", help="run scenarios/NAME.yaml: its notebook and parameters (-p overrides)")
    ap.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    ap.add_argument("--figures", action="store_true", help="print the figures an executed notebook recorded")
    ap.add_argument("--compare", action="store_true", help="print the figures (and verdicts) that differ between two executed notebooks")
    ap.add_argument("--format", choices=("json", "csv"), default="json", help="of --figures and --compare (default json)")
    ap.add_argument("--html", action="store_true", help="also write OUTPUT with .html: a standalone page of the rerun")
    ap.add_argument("--sweep", action="append", default=[], metavar="NAME=START:STOP:STEP",
                    help="a grid of runs over a parameter, START to STOP inclusive (repeat for more parameters)")
    ap.add_argument("--sensitivity", action="store_true", help="each numeric parameter 10 %% down and up: the swing of each figure")
    ap.add_argument("--csv", metavar="OUT.csv", help="where --sweep and --sensitivity write their table (default: stdout)")
    ap.add_argument("--notebooks", action="store_true", help="--sweep executes the notebook for every run")
    ap.add_argument("--jobs", type=int, default=None, help="notebooks run at a time with --notebooks (default: one per CPU)")
    args = ap.parse_args(argv)
    if args.figures:
        figures = glued_figures(args.input)
        if args.format == "csv":
            write_rows(["figure", "value"], [[k, v] for k, v in flat_figures(figures).items()], "csv", sys.stdout)
        else:
            print(json.dumps(figures, indent=2, default=str, ensure_ascii=False))
        return 0
    if args.compare:
        if not args.output:
            ap.error("--compare needs two executed notebooks: A.ipynb B.ipynb")
        for path in (args.input, args.output):
            if not Path(path).is_file():
                ap.error(f"--compare: {path!r} does not exist; allowed: an executed notebook (a rerun's output)")
        rows = [list(d) for d in differences(glued_figures(args.input), glued_figures(args.output))]
        write_rows(["figure", Path(args.input).name, Path(args.output).name], rows, args.format, sys.stdout)
        return 0
    params = {name: parse_value(value) for name, value in args.parameter}
    if args.sweep or args.sensitivity:
        return _many_runs(args, params)
    if args.scenario:
        try:
            scenario = scenario_files.load_scenario(args.scenario)
        except ParameterError as exc:
            print(f"ParameterError: {exc}", file=sys.stderr)
            return 2
        args.input, args.output = str(scenario_files.notebook_path(scenario)), args.output or args.input
        params = {**scenario["parameters"], **params}
    if not args.output:
        ap.error("OUTPUT is required to run a notebook")
    folder = Path(args.output).resolve().parent
    if not folder.is_dir():     # the output is written only when the run ends
        ap.error(f"OUTPUT {args.output!r}: its folder {str(folder)!r} does not exist; create it or name another")
    try:
        check_names(args.input, list(params))
    except ParameterError as exc:
        print(f"ParameterError: {exc}", file=sys.stderr)
        return 2
    import papermill

    try:
        execute(args.input, args.output, params)
    except papermill.PapermillExecutionError as exc:
        print(f"{exc.ename}: {exc.evalue}", file=sys.stderr)
        return 1
    for warning in glued_figures(args.output).get("input_warnings") or []:   # likely slips; no figure changed
        print(f"warning: {warning}", file=sys.stderr)
    print(f"wrote {args.output}", file=sys.stderr)
    tables = write_key_tables(args.input, params, args.output)
    if tables is not None:
        print(f"wrote {tables}/ (the chapter's key tables as CSV)", file=sys.stderr)
    if args.html:
        page = write_html(args.output, Path(args.output).with_suffix(".html"))
        print(f"wrote {page}", file=sys.stderr)
    print(f"next: python -m helpers.rerun --figures {args.output}   (or open it in JupyterLab)", file=sys.stderr)
    return 0


def _many_runs(args: argparse.Namespace, params: dict[str, Any]) -> int:
    """``--sweep`` and ``--sensitivity``: one table to ``--csv`` (or stdout); a bad range or value stops before any run."""
    import papermill

    from machinery import sweep

    if args.output:
        print(f"ParameterError: --sweep and --sensitivity write a table, not a notebook ({args.output!r}); "
              "allowed: --csv OUT.csv", file=sys.stderr)
        return 2
    try:
        check_names(args.input, list(params) + [sweep.parse_range(r)[0] for r in args.sweep])
        if args.sensitivity:
            table = sweep.sensitivity_table(args.input, params)
        else:
            runs = [{**params, **point} for point in sweep.grid([sweep.parse_range(r) for r in args.sweep])]
            sweep.validate_runs(args.input, runs)      # every run checked before the first is computed
            run = None if args.notebooks else sweep.direct_runner(args.input)
            figures = [run(r) for r in runs] if run else sweep.notebook_runs(args.input, runs, args.jobs)
            table = sweep.sweep_table(runs, figures)
    except ParameterError as exc:
        print(f"ParameterError: {exc}", file=sys.stderr)
        return 2
    except papermill.PapermillExecutionError as exc:
        print(f"{exc.ename}: {exc.evalue}", file=sys.stderr)
        return 1
    if args.csv:
        table.to_csv(args.csv, index=False)
        print(f"wrote {args.csv}: {len(table)} rows, {table.shape[1]} columns", file=sys.stderr)
    else:
        table.to_csv(sys.stdout, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
