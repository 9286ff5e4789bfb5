"""Named scenarios, read and validated: ``scenarios/NAME.yaml``, each a chapter and a set of its parameters.

    title: "A cloud at 35 % utilization"          # one line
    story: "The server is rented 35 % of the year…" # one sentence: the assumption and the question it asks
    notebook: notebooks/02_pricing_models.ipynb    # from the repository root
    parameters: {utilization: 0.35}                # names of the notebook's parameters cell only; {} = defaults

Exercises read scenarios through this module; running them (papermill, cached, recorded) is
``python -m helpers.scenarios`` (``machinery.scenarios``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.errors import ParameterError
from helpers.nbfiles import did_you_mean, parameter_defaults
from helpers.paths import ROOT

SCENARIO_DIR = "scenarios"
KEYS = ("title", "story", "notebook", "parameters")


def scenario_names(root: Path = ROOT) -> list[str]:
    """Names of the scenario files (``scenarios/*.yaml`` without ``.yaml``), sorted."""
    return sorted(p.stem for p in (root / SCENARIO_DIR).glob("*.yaml"))


def scenario_path(name: str, root: Path = ROOT) -> Path:
    """The file of scenario ``name``: ``scenarios/NAME.yaml``, or ``name`` itself where it is the path of a YAML file
    (an analyst's own scenario, anywhere). An unknown name is refused with the closest name and every name."""
    given = Path(name)
    if given.suffix in (".yaml", ".yml"):
        if given.is_file():
            return given.resolve()
        raise ParameterError(f"scenario {name!r}: no such file; allowed: the path of a scenario YAML file, "
                             f"or a name: {', '.join(scenario_names(root))}")
    path = root / SCENARIO_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ParameterError(f"scenario {name!r}: no file {SCENARIO_DIR}/{name}.yaml{did_you_mean(name, scenario_names(root))}; "
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
    where = str(name) if Path(name).suffix in (".yaml", ".yml") else f"{SCENARIO_DIR}/{name}.yaml"
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
                             f"of the repository, e.g. {', '.join(p.relative_to(root).as_posix() for p in sorted((root / 'notebooks').glob('*.ipynb')))}")
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
