"""Named scenarios: ``scenarios/NAME.yaml`` files, each a chapter and a set of its papermill parameters.

    title: "A cloud at 35 % utilization"          # one line
    story: "The server is rented 35 % of the year…" # one sentence: the assumption and the question it asks
    notebook: notebooks/02_pricing_models.ipynb    # from the repository root
    parameters: {utilization: 0.35}                # names of the notebook's parameters cell only; {} = defaults

Run one with ``python -m helpers.rerun --scenario NAME OUT.ipynb``. ``scenario_figures`` runs one (papermill)
and caches its glued figures in ``_build/scenarios/`` under a key of the scenario file, the notebook's code and
the inputs it recorded (``helpers.build``), so an unchanged checkout never reruns it. A fresh checkout reads the
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

from helpers import build
from helpers.errors import ParameterError
from helpers.rerun import READBACK, glued_figures, parameter_defaults

ROOT = build.ROOT
SCENARIO_DIR = "scenarios"
CACHE_DIR = Path("_build") / "scenarios"
RECORD_DIR = Path(SCENARIO_DIR) / "figures"     # committed: NAME.json = {"key", "figures"} (``--record``)
KEYS = ("title", "story", "notebook", "parameters")


def scenario_names(root: Path = ROOT) -> list[str]:
    """Names of the scenario files (``scenarios/*.yaml`` without ``.yaml``), sorted."""
    return sorted(p.stem for p in (root / SCENARIO_DIR).glob("*.yaml"))


def scenario_path(name: str, root: Path = ROOT) -> Path:
    path = root / SCENARIO_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ParameterError(f"scenario {name!r}: no file {SCENARIO_DIR}/{name}.yaml; "
                             f"allowed: {', '.join(scenario_names(root))}")
    return path


def _same_kind(value: Any, default: Any) -> bool:
    """Whether a scenario value can stand for the notebook's default (numbers for numbers, text for text, …)."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))


def load_scenario(name: str, root: Path = ROOT) -> dict[str, Any]:
    """A scenario, validated: the four keys, a notebook that exists, and parameters that are names of its
    ``parameters`` cell with values of the default's kind. ``notebook`` stays relative to the repository root."""
    import yaml

    path = scenario_path(name, root)
    where = f"{SCENARIO_DIR}/{name}.yaml"
    scenario = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(scenario, dict):
        raise ParameterError(f"{where}: not a mapping; allowed: a mapping with {', '.join(KEYS)}")
    for key in KEYS:
        if key not in scenario:
            raise ParameterError(f"{where}: lacks {key!r}; allowed: a mapping with {', '.join(KEYS)}")
    extra = sorted(set(scenario) - set(KEYS))
    if extra:
        raise ParameterError(f"{where}: unknown key {extra[0]!r}; allowed: {', '.join(KEYS)}")
    for key in ("title", "story"):
        if not isinstance(scenario[key], str) or not scenario[key].strip() or "\n" in scenario[key].strip():
            raise ParameterError(f"{where}: {key} = {scenario[key]!r}; allowed: one line of text")
    notebook = root / scenario["notebook"]
    if not notebook.is_file():
        raise ParameterError(f"{where}: notebook = {scenario['notebook']!r} does not exist; allowed: a notebook "
                             f"of the repository, e.g. {', '.join(p.relative_to(root).as_posix() for p in build.chapters(root))}")
    params = scenario["parameters"] or {}
    if not isinstance(params, dict):
        raise ParameterError(f"{where}: parameters = {params!r}; allowed: a mapping of parameter names to values")
    defaults = parameter_defaults(notebook)
    for pname, value in params.items():
        if pname not in defaults:
            raise ParameterError(f"{where}: parameter {pname!r} is not a parameter of {notebook.name}; "
                                 f"allowed: {', '.join(defaults)}")
        if not _same_kind(value, defaults[pname]):
            raise ParameterError(f"{where}: parameter {pname} = {value!r} ({type(value).__name__}); allowed: a "
                                 f"{type(defaults[pname]).__name__} like the default {defaults[pname]!r}")
    return {**scenario, "parameters": params, "name": name}


def notebook_path(scenario: dict[str, Any], root: Path = ROOT) -> Path:
    """The scenario's notebook as an absolute path (what ``helpers.rerun --scenario`` runs)."""
    return root / scenario["notebook"]


def scenarios(root: Path = ROOT) -> list[dict[str, Any]]:
    """Every scenario, validated, in name order."""
    return [load_scenario(n, root) for n in scenario_names(root)]


# --- running, cached -----------------------------------------------------------------------------------------
def cache_key(name: str, root: Path = ROOT) -> str:
    """sha256 of the scenario file and of the notebook's code and recorded inputs (``helpers.build``); without a
    record, of the notebook, every helper module and every table."""
    scenario = load_scenario(name, root)
    nb = build.read_notebook(root / scenario["notebook"])
    inputs = build.committed_inputs(nb)
    files = inputs.files if inputs else build._globbed(root, ("helpers/**/*.py", "data/*"))
    digest = hashlib.sha256(scenario_path(name, root).read_bytes())
    digest.update(build.inputs_sha256(nb, files, root).encode())
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
        nb = build.read_notebook(nb_path)
        if build.is_current(nb, build.committed_inputs(nb), root):
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
