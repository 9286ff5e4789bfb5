"""papermill reruns: defaults reproduce the glued figures, other scenarios change them as hand
computation says, and every kind of bad parameter stops with one clear message."""
from __future__ import annotations

import nbformat
import papermill
import pytest

from helpers import rerun
from helpers.chapters import pricing
from helpers.errors import ParameterError

from conftest import PRICING, assert_quotes_unchanged, run_notebook


def test_defaults_reproduce_the_glued_figures(pricing_default_run):
    glued = rerun.glued_figures(pricing_default_run)
    expected = pricing.key_figures(pricing.report_params())
    promised = [n for n in rerun.READBACK[PRICING.name] if n in expected]
    assert len(promised) == 14
    for name in promised:
        assert isinstance(glued[name], float), name
        assert glued[name] == pytest.approx(expected[name], rel=1e-12), name
    assert round(glued["train_gpu_years_v100"]) == 357 and round(glued["infer_margin_a100"], 2) == 0.85


def test_committed_notebook_glues_the_same_figures_as_a_fresh_run(pricing_default_run):
    committed = rerun.glued_figures(PRICING)
    fresh = rerun.glued_figures(pricing_default_run)
    assert committed.keys() == fresh.keys()
    for k in committed:
        assert committed[k] == fresh[k], k


def test_another_scenario_changes_figures_as_hand_computation_says(tmp_path):
    out = run_notebook(PRICING, tmp_path / "scenario.ipynb", utilization=0.5, model_params=70e9,
                       rental_usd_per_hour=12.0, inference_efficiency=0.5,
                       app_input_usd_per_1k=0.0005, app_output_usd_per_1k=0.0015)
    g = rerun.glued_figures(out)
    assert_quotes_unchanged(out, PRICING)
    assert g["source_model_params"] == 175e9 and g["yours_model_params"] == " (this run: 70 billion)"
    # infrastructure: revenue 12 × 8760 × 0.5 = 52,560; cost 40,000
    assert g["infra_gross_margin"] == pytest.approx(1 - 40_000 / 52_560)
    assert g["infra_breakeven_utilization"] == pytest.approx(40_000 / (12 * 8760))
    # training: 6 × 70e9 × 300e9 = 1.26e23 FLOPs; V100 at 28 TFLOPS
    assert g["train_flops"] == pytest.approx(1.26e23)
    assert g["train_gpu_years_v100"] == pytest.approx(1.26e23 / 28e12 / (8760 * 3600))
    # inference on A100: 19.22/8 USD/h, 312 TFLOPS, 2 × 70e9 × 1000 FLOPs, 50 % efficiency
    a100 = 19.22 / 8 / 3600 / 312e12 * 2 * 70e9 * 1000 / 0.5
    assert g["infer_cost_a100_usd_per_1k"] == pytest.approx(a100)
    assert g["infer_margin_a100"] == pytest.approx(1 - a100 / 0.02)
    # application: query tool, 3 calls × (50 × 0.0005 + 300 × 0.0015)/1000 × 1e6
    assert g["app_daily_cost_query_tool_1m_dau"] == pytest.approx(3 * (50 * 0.0005 + 300 * 0.0015) / 1000 * 1e6)
    # the sentences follow: the parameters are glued for the prose, and the figure titles changed
    assert g["param_model_params_text"] == "70 billion"
    nb = nbformat.read(str(out), as_version=4)
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))
    assert f"breaks even at {40_000 / (12 * 8760):.0%} utilization" in html
    assert "USD 12.00 an hour" in html and "70 billion-parameter model" in html


BAD = [
    ("utilization", 1.5, "is out of range", "0 < utilization ≤ 1"),
    ("utilization", "abc", "is not a number", "0 < utilization ≤ 1"),
    ("server_price_usd", -200000, "is out of range", "0 < server_price_usd"),
    ("training_efficiency", 0, "is out of range", "0 < training_efficiency ≤ 1"),
    ("training_tokens", -1e9, "is out of range", "1 ≤ training_tokens"),
]


@pytest.mark.parametrize("name, value, problem, allowed", BAD)
def test_bad_parameter_is_refused_with_one_message(name, value, problem, allowed):
    with pytest.raises(ParameterError) as info:
        pricing.validate(pricing.report_params() | {name: value})
    assert f"parameter {name!r} = {value!r} {problem}" in str(info.value) and allowed in str(info.value)


def test_bad_parameter_stops_the_run_in_validation(tmp_path):
    """One papermill run proves the notebook side: the validation cell fails, nothing after it runs."""
    out = tmp_path / "bad.ipynb"
    with pytest.raises(papermill.PapermillExecutionError) as info:
        run_notebook(PRICING, out, utilization="abc")
    exc = info.value
    assert exc.ename == "ParameterError"
    assert "parameter 'utilization' = 'abc' is not a number" in exc.evalue and "0 < utilization ≤ 1" in exc.evalue
    assert len(exc.traceback) == 1 and "pandas" not in "".join(exc.traceback)   # one line, no deep traceback
    nb = nbformat.read(str(out), as_version=4)
    failed = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
              and any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    assert len(failed) == 1 and ".validate(globals())" in nb.cells[failed[0]].source
    later = [c for c in nb.cells[failed[0] + 1:] if c.cell_type == "code"]
    assert all(not c.get("outputs") for c in later)   # nothing half-computed is shown


def test_rerun_wrapper_refuses_unknown_parameter(tmp_path, capsys):
    code = rerun.main([str(PRICING), str(tmp_path / "x.ipynb"), "-p", "utilisation", "0.5"])
    err = capsys.readouterr().err
    assert code == 2 and "'utilisation' is not a parameter of 02_pricing_models.ipynb" in err
    assert "utilization" in err and not (tmp_path / "x.ipynb").exists()


@pytest.mark.parametrize("chapter", sorted(rerun.READBACK))
def test_every_promised_name_is_glued(chapter):
    glued = rerun.glued_figures(PRICING.parent / chapter)
    missing = [n for n in rerun.READBACK[chapter] if n not in glued]
    assert not missing, f"{chapter} does not glue {missing}"


def test_rerun_wrapper_parses_values_like_papermill():
    assert rerun.parse_value("0.5") == 0.5 and rerun.parse_value("70e9") == 70e9
    assert rerun.parse_value("abc") == "abc" and rerun.parse_value("True") is True
