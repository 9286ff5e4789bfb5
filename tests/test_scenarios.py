"""Named scenarios: the files parse and name only real parameters, bad files are refused with one line, runs are
cached by their inputs, and the Scenarios page's figures equal papermill runs of the same files."""
from __future__ import annotations

import functools
import json
import re
import shutil
from pathlib import Path

import pytest

from helpers.errors import ParameterError
from helpers.nbfiles import parameter_defaults
from machinery import scenarios

ROOT = scenarios.ROOT
ISSUE_SCENARIOS = {"report-pricing", "cloud-35-utilization", "open-70b-2t-tokens", "rmb-7.3-pricing",
                   "outlook-at-publication"}


def test_the_issue_scenarios_exist():
    assert ISSUE_SCENARIOS <= set(scenarios.scenario_names())


@pytest.mark.parametrize("name", scenarios.scenario_names())
def test_every_scenario_parses_and_names_real_parameters(name):
    raw = (ROOT / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8")
    notebook = re.search(r"^notebook:\s*(\S+)", raw, re.M).group(1)
    if not (ROOT / notebook).is_file():
        pytest.skip(f"{notebook} is not in this checkout (it comes with another branch)")
    s = scenarios.load_scenario(name)
    assert s["title"] and s["story"]
    assert set(s["parameters"]) <= set(parameter_defaults(ROOT / s["notebook"]))


def test_the_pricing_scenarios_set_what_they_say():
    assert scenarios.load_scenario("cloud-35-utilization")["parameters"] == {"utilization": 0.35}
    assert scenarios.load_scenario("open-70b-2t-tokens")["parameters"] == {"model_params": 70e9, "training_tokens": 2e12}
    assert scenarios.load_scenario("rmb-7.3-pricing")["parameters"] == {"cny_per_usd": 7.3}
    assert scenarios.load_scenario("report-pricing")["parameters"] == {}


def test_outlook_scenario_uses_the_as_of_parameter():
    defaults = parameter_defaults(ROOT / "notebooks" / "06_outlook.ipynb")
    if "as_of" not in defaults:
        pytest.skip("notebooks/06_outlook.ipynb has no as_of parameter yet (it comes with the outlook branch)")
    from helpers.data import lookup

    as_of = scenarios.load_scenario("outlook-at-publication")["parameters"]["as_of"]
    assert as_of == str(lookup("sources", "qiming2023", "published"))[:10]


def _fake_root(tmp_path: Path, text: str) -> Path:
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "02_pricing_models.ipynb", tmp_path / "notebooks")
    (tmp_path / "scenarios" / "bad.yaml").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("text, message", [
    ("title: t\nstory: s\nnotebook: notebooks/02_pricing_models.ipynb\nparameters: {utilizaton: 0.5}\n",
     "scenarios/bad.yaml: parameter 'utilizaton' is not a parameter of 02_pricing_models.ipynb; allowed: utilization"),
    ("title: t\nstory: s\nnotebook: notebooks/02_pricing_models.ipynb\nparameters: {utilization: high}\n",
     "scenarios/bad.yaml: parameter utilization = 'high' (str); allowed: a float like the default 1.0"),
    ("title: t\nnotebook: notebooks/02_pricing_models.ipynb\nparameters: {}\n",
     "scenarios/bad.yaml: lacks 'story'; allowed: a mapping with title, story, notebook, parameters"),
    ("title: t\nstory: s\nnotebook: notebooks/nope.ipynb\nparameters: {}\n",
     "scenarios/bad.yaml: notebook = 'notebooks/nope.ipynb' does not exist"),
    ("title: t\nstory: s\nnotebook: notebooks/02_pricing_models.ipynb\nparameters: {}\nextra: 1\n",
     "scenarios/bad.yaml: unknown key 'extra'; allowed: title, story, notebook, parameters"),
])
def test_bad_scenarios_are_refused_in_one_line(tmp_path, text, message):
    root = _fake_root(tmp_path, text)
    with pytest.raises(ParameterError) as err:
        scenarios.load_scenario("bad", root)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_unknown_scenario_names_the_allowed_ones():
    with pytest.raises(ParameterError, match=r"scenario 'nope': no file scenarios/nope.yaml; allowed: .*cloud-35-utilization"):
        scenarios.load_scenario("nope")


def test_a_misspelt_scenario_gets_a_did_you_mean():
    with pytest.raises(ParameterError, match=r"scenario 'latst': no file scenarios/latst.yaml; did you mean 'latest'\?; allowed: "):
        scenarios.load_scenario("latst")


def test_a_scenario_is_also_taken_by_its_path(tmp_path):
    """An analyst's own scenario file, anywhere (``--scenario out/h100.yaml``), validated like a named one."""
    own = tmp_path / "h100.yaml"
    own.write_text((ROOT / "scenarios" / "cloud-35-utilization.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    mine, named = scenarios.load_scenario(str(own)), scenarios.load_scenario("cloud-35-utilization")
    assert mine.pop("name") == str(own) and named.pop("name") == "cloud-35-utilization" and mine == named
    with pytest.raises(ParameterError, match=r"scenario '.*missing.yaml': no such file; allowed: the path of a scenario YAML"):
        scenarios.load_scenario(str(tmp_path / "missing.yaml"))
    own.write_text("title: x\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"h100.yaml: lacks 'story'"):
        scenarios.load_scenario(str(own))


def test_runs_are_cached_by_their_inputs(monkeypatch):
    scenarios.scenario_figures("rmb-7.3-pricing")        # runs once if not cached

    def no_run(name, root=ROOT):
        raise AssertionError(f"{name} reran although nothing changed")

    monkeypatch.setattr(scenarios, "run_scenario", no_run)
    assert scenarios.scenario_figures("rmb-7.3-pricing")["param_cny_per_usd"] == 7.3
    keys = {scenarios.cache_key(n) for n in ("rmb-7.3-pricing", "cloud-35-utilization", "report-pricing")}
    assert len(keys) == 3


@functools.cache
def fresh_run(name: str) -> dict:
    """A papermill run of the scenario file, uncached by the module (once per test session)."""
    return scenarios.run_scenario(name)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["cloud-35-utilization", "outlook-at-publication"])
def test_page_figures_equal_a_papermill_run_of_the_same_file(name):
    """What the Scenarios page shows (``comparison``, cached) equals a fresh papermill run of the scenario file."""
    s = scenarios.load_scenario(name)
    page = scenarios.comparison()[s["notebook"]][name].dropna()
    fresh = fresh_run(name)
    assert len(page) >= 5
    for figure, value in page.items():
        assert fresh[figure] == (pytest.approx(value, rel=1e-12) if isinstance(value, float) else value), figure


def test_comparison_sets_the_changed_figures_beside_the_defaults():
    table = scenarios.comparison()["notebooks/02_pricing_models.ipynb"]
    assert table.at["infra_gross_margin", "cloud-35-utilization"] < table.at["infra_gross_margin", "report-pricing"]
    assert table.at["train_flops", "open-70b-2t-tokens"] > table.at["train_flops", "report-pricing"]
    assert "infra_breakeven_utilization" in table.index      # promised read-back figures always shown


def test_built_page_lists_every_scenario():
    page = ROOT / "_build" / "html" / "book" / "scenarios.html"
    if not page.is_file():
        pytest.skip("the book is not built (make book)")
    html = page.read_text(encoding="utf-8")
    for name in scenarios.scenario_names():
        assert f"<code>{name}</code>" in html


def test_committed_records_are_current():
    stale = [n for n in scenarios.scenario_names()
             if json.loads((ROOT / scenarios.RECORD_DIR / f"{n}.json").read_text(encoding="utf-8"))["key"]
             != scenarios.cache_key(n)]
    assert stale == [], "run `.venv/bin/python -m helpers.scenarios --record` and commit scenarios/figures/"


def test_a_stale_record_is_ignored_and_the_scenario_reruns(tmp_path, monkeypatch):
    monkeypatch.setattr(scenarios, "RECORD_DIR", tmp_path / "records")
    monkeypatch.setattr(scenarios, "CACHE_DIR", tmp_path / "cache")
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "cloud-35-utilization.json").write_text(
        json.dumps({"key": "stale", "figures": {"infra_gross_margin": -1.0}}), encoding="utf-8")
    monkeypatch.setattr(scenarios, "run_scenario", lambda name, root=ROOT: {"infra_gross_margin": 0.5})
    assert scenarios.scenario_figures("cloud-35-utilization") == {"infra_gross_margin": 0.5}
    assert list((tmp_path / "cache").glob("cloud-35-utilization-*.json"))


@pytest.mark.slow
def test_what_if_solution_equals_the_papermill_rerun():
    """Exercise ex2_2's solution computes through the helpers what the papermill rerun of its scenario glues."""
    from helpers.workshop import expected_answer

    glued = fresh_run("cloud-35-utilization")["infra_gross_margin"]
    assert expected_answer("ex2_2") == pytest.approx(glued, rel=1e-12)


def test_every_scenario_has_run_and_glued_figures():
    found = scenarios.all_figures()
    assert set(found) == set(scenarios.scenario_names())
    for name, figures in found.items():
        assert len(figures) >= 5, name
        for pname, value in scenarios.load_scenario(name)["parameters"].items():
            if f"param_{pname}" in figures:                      # the chapter glues its parameters back
                assert figures[f"param_{pname}"] == value, (name, pname)
