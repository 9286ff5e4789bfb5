"""Named scenarios: ``scenarios/NAME.yaml`` files, each a chapter and a set of its papermill parameters.

    title: "A cloud at 35 % utilization"          # one line
    story: "The server is rented 35 % of the year…" # one sentence: the assumption and the question it asks
    notebook: notebooks/02_pricing_models.ipynb    # from the repository root
    parameters: {utilization: 0.35}                # names of the notebook's parameters cell only; {} = defaults

Run one with ``python -m helpers.rerun --scenario NAME OUT.ipynb``. ``scenario_figures`` runs one (papermill)
and caches its glued figures in ``_build/scenarios/`` under a key of the scenario file, the notebook's code and
the inputs it recorded (``machinery.inputs``), so an unchanged checkout never reruns it. A fresh checkout reads the
committed records ``scenarios/figures/NAME.json`` where their key is current (``--record`` writes them); a
scenario with no parameters is the committed notebook itself and is read from its outputs when they are current.

    python -m helpers.scenarios            # list: name, notebook, title
    python -m helpers.scenarios --run      # run every stale scenario, print the side-by-side table
    python -m helpers.scenarios --record   # also write scenarios/figures/NAME.json (commit them, like notebooks)
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.errors import ParameterError
from helpers.nbfiles import READBACK, glued_figures
from helpers.paths import ROOT
from helpers.scenario_files import SCENARIO_DIR, load_scenario, notebook_path, scenario_names, scenario_path, scenarios  # noqa: F401
from machinery.inputs import _globbed, committed_inputs, inputs_sha256, is_current, read_notebook

CACHE_DIR = Path("_build") / "scenarios"
RECORD_DIR = Path(SCENARIO_DIR) / "figures"     # committed: NAME.json = {"key", "figures"} (``--record``)

# --- running, cached -----------------------------------------------------------------------------------------
def cache_key(name: str, root: Path = ROOT) -> str:
    """sha256 of the scenario file and of the notebook's code and recorded inputs (``machinery.inputs``); without a
    record, of the notebook, every helper module and every table."""
    scenario = load_scenario(name, root)
    nb = read_notebook(root / scenario["notebook"])
    inputs = committed_inputs(nb)
    files = inputs.files if inputs else _globbed(root, ("helpers/**/*.py", "data/*"))
    digest = hashlib.sha256(scenario_path(name, root).read_bytes())
    digest.update(inputs_sha256(nb, files, root).encode())
    return digest.hexdigest()[:20]


def _cache_file(name: str, root: Path) -> Path:
    return root / CACHE_DIR / f"{name}-{cache_key(name, root)}.json"


def cached_figures(name: str, root: Path = ROOT) -> dict[str, Any] | None:
    """The scenario's glued figures when a current run is cached (or its notebook's committed outputs are the
    scenario and current), else None."""
    path = _cache_file(name, root)
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    record = root / RECORD_DIR / f"{name}.json"
    if record.is_file():
        recorded = json.loads(record.read_text(encoding="utf-8"))
        if recorded.get("key") == cache_key(name, root):
            return recorded["figures"]
    scenario = load_scenario(name, root)
    if not scenario["parameters"]:
        nb_path = root / scenario["notebook"]
        nb = read_notebook(nb_path)
        if is_current(nb, committed_inputs(nb), root):
            return _jsonable(glued_figures(nb_path))
    return None


def _jsonable(figures: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(figures, default=str))


def run_scenario(name: str, root: Path = ROOT) -> dict[str, Any]:
    """Run the scenario with papermill (``python -m helpers.rerun``, which refuses unknown names) and return its
    glued figures; ParameterError with the run's last error line when it fails."""
    load_scenario(name, root)      # an unknown or malformed scenario stops here, with its one-line error
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}.ipynb"
        # rerun --scenario passes the file's typed values to papermill (no round trip through -p text)
        proc = subprocess.run([sys.executable, "-m", "helpers.rerun", "--scenario", name, str(out)], cwd=root,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            raise ParameterError(f"scenario {name!r}: the run failed: {last}")
        return _jsonable(glued_figures(out))


def scenario_figures(name: str, root: Path = ROOT) -> dict[str, Any]:
    """The scenario's glued figures: from the cache when current, else run and cached."""
    found = cached_figures(name, root)
    if found is not None:
        return found
    figures = run_scenario(name, root)
    path = _cache_file(name, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(f"{name}-*.json"):
        old.unlink()
    path.write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")
    return figures


def all_figures(root: Path = ROOT, workers: int = 2) -> dict[str, dict[str, Any]]:
    """Every scenario's glued figures, the stale ones run ``workers`` at a time."""
    names = scenario_names(root)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return dict(zip(names, pool.map(lambda n: scenario_figures(n, root), names)))


def record_figures(root: Path = ROOT, workers: int = 2) -> list[Path]:
    """Write every scenario's current figures with its key to ``scenarios/figures/NAME.json`` (committed, so a
    fresh checkout's build reads them instead of running; a stale record is ignored). Returns the files written."""
    found = all_figures(root, workers)
    out_dir = root / RECORD_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, figures in found.items():
        path = out_dir / f"{name}.json"
        path.write_text(json.dumps({"key": cache_key(name, root), "figures": figures}, indent=1, ensure_ascii=False,
                                   sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    for old in out_dir.glob("*.json"):
        if old.stem not in found:
            old.unlink()
    return written


def _scalar(value: Any) -> bool:
    return isinstance(value, (int, float, str)) and not isinstance(value, bool) and len(str(value)) <= 40


def key_figure_names(notebook: str, figures: list[dict[str, Any]]) -> list[str]:
    """The figures to set side by side for one notebook's scenarios: its promised read-back names
    (``helpers.rerun.READBACK``) and every other scalar figure that differs between the scenarios, in glue order."""
    promised = set(READBACK.get(Path(notebook).name, []))
    names = list(dict.fromkeys(k for f in figures for k in f))
    out = []
    for name in names:
        values = [f.get(name) for f in figures]
        if not all(_scalar(v) for v in values):
            continue
        if name in promised or len({json.dumps(v) for v in values}) > 1:
            out.append(name)
    return out


def comparison(root: Path = ROOT, workers: int = 2) -> dict[str, pd.DataFrame]:
    """Per notebook: a table of key glued figures (rows) by scenario (columns), from ``all_figures``."""
    found = all_figures(root, workers)
    by_notebook: dict[str, list[dict[str, Any]]] = {}
    for s in scenarios(root):
        by_notebook.setdefault(s["notebook"], []).append(s)
    out = {}
    for notebook, group in by_notebook.items():
        figs = [found[s["name"]] for s in group]
        names = key_figure_names(notebook, figs)
        out[notebook] = pd.DataFrame({s["name"]: [f.get(n) for n in names] for s, f in zip(group, figs)}, index=names)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.scenarios", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", action="store_true", help="run every stale scenario and print the comparison")
    ap.add_argument("--record", action="store_true", help="write scenarios/figures/NAME.json for every scenario")
    args = ap.parse_args(argv)
    try:
        if args.record:
            for path in record_figures():
                print(f"wrote {path.relative_to(ROOT)}")
            return 0
        if not args.run:
            for s in scenarios():
                print(f"{s['name']:28} {s['notebook']:40} {s['title']}")
            return 0
        for notebook, table in comparison().items():
            print(f"\n{notebook}\n{table.to_string()}")
    except ParameterError as exc:
        print(f"ParameterError: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
