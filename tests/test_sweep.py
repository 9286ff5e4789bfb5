"""The analyst's toolkit (issue 28): sweeps, sensitivity, your own server, key tables as CSV."""
from __future__ import annotations

import csv
import math

import pandas as pd
import pytest
from conftest import PRICING

from helpers.chapters import pricing
from helpers.chapters.pricing import charts as pricing_charts
from helpers.chapters.pricing.sensitivity import HEADLINES, headline_figures, top_input
from helpers.errors import ParameterError
from helpers.formulas import costs
from helpers.sensitivity import tornado_rows
from machinery import rerun, sweep

OUTLOOK = PRICING.parent / "06_outlook.ipynb"


# --- ranges and grids --------------------------------------------------------------------------------
def test_a_range_runs_from_start_to_stop_inclusive():
    assert sweep.parse_range("utilization=0.1:0.9:0.1") == ("utilization", [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    assert sweep.parse_range("serving_batch=8:8:1") == ("serving_batch", [8.0])


@pytest.mark.parametrize("text, fragment", [
    ("utilization", "is not a range"),
    ("utilization=0.1:x:0.1", "not a number"),
    ("utilization=0.9:0.1:0.1", "empty or endless"),
    ("utilization=0.1:0.9:0", "empty or endless"),
    ("utilization=0:1e9:1", "at most 10,000"),
])
def test_a_bad_range_is_refused_with_what_is_allowed(text, fragment):
    with pytest.raises(ParameterError) as info:
        sweep.parse_range(text)
    assert fragment in str(info.value) and "allowed: NAME=START:STOP:STEP" in str(info.value) or "at most" in str(info.value)


def test_a_grid_is_every_combination_first_range_slowest():
    runs = sweep.grid([("a", [1.0, 2.0]), ("b", [10.0, 20.0, 30.0])])
    assert runs[:3] == [{"a": 1.0, "b": 10.0}, {"a": 1.0, "b": 20.0}, {"a": 1.0, "b": 30.0}] and len(runs) == 6
    with pytest.raises(ParameterError, match="names a parameter twice"):
        sweep.grid([("a", [1.0]), ("a", [2.0])])


# --- the two paths agree -----------------------------------------------------------------------------
@pytest.mark.slow
def test_the_direct_path_equals_executing_the_notebook_on_every_figure():
    """Issue 28's equality: a sweep computed in-process with the chapter's own calls gives, for every glued figure,
    exactly what executing the notebook gives (here for a plain run and one on your own server)."""
    runs = [{"utilization": 0.35}, {"utilization": 0.9, "gpu": "h100_sxm", "rental_usd_per_gpu_hour": 2.5}]
    executed = sweep.notebook_runs(PRICING, runs)
    direct = sweep.direct_runner(PRICING)
    for run, figures in zip(runs, executed):
        assert direct(run) == figures


@pytest.mark.slow
def test_the_outlook_direct_path_equals_its_notebook_at_another_date():
    run = {"as_of": "2024-06-30"}
    assert sweep.direct_runner(OUTLOOK)(run) == sweep.notebook_runs(OUTLOOK, [run])[0]


def test_a_notebook_without_the_chapter_calls_has_no_direct_path():
    assert sweep.direct_runner(PRICING.parent / "01b_companies.ipynb") is None


# --- the command -------------------------------------------------------------------------------------
def test_a_sweep_writes_one_row_per_run_and_one_column_per_figure(tmp_path, capsys):
    out = tmp_path / "s.csv"
    assert rerun.main([str(PRICING), "--sweep", "utilization=0.1:0.9:0.1", "--sweep", "depreciation_years=4:5:1",
                       "-p", "gpu", "h100_sxm", "--csv", str(out)]) == 0
    table = pd.read_csv(out)
    assert len(table) == 18 and {"utilization", "depreciation_years", "gpu", "infra_gross_margin", "server_label"} <= set(table)
    row = table[(table["utilization"] == 0.3) & (table["depreciation_years"] == 4)].iloc[0]
    assert row["infra_gross_margin"] == pytest.approx(costs.infra_gross_margin(0.3, 200_000, 4, 24.21), rel=1e-12)
    assert row["server_label"] == "8×H100 SXM"
    assert "wrote" in capsys.readouterr().err


@pytest.mark.slow
def test_a_sweep_on_the_notebook_path_gives_the_same_table(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert rerun.main([str(PRICING), "--sweep", "utilization=0.5:0.6:0.1", "--csv", str(a)]) == 0
    assert rerun.main([str(PRICING), "--sweep", "utilization=0.5:0.6:0.1", "--notebooks", "--csv", str(b)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(a), pd.read_csv(b))


@pytest.mark.parametrize("argv, fragment", [
    (["--sweep", "utilization=0.5:1.2:0.1"], "parameter 'utilization' = 1.1 is out of range"),
    (["--sweep", "utilisation=0.1:0.2:0.1"], "did you mean 'utilization'?"),
    (["--sweep", "utilization=0.5:0.6:0.1", "-p", "gpu", "h100"], "parameter 'gpu' = 'h100' is not allowed"),
])
def test_a_bad_sweep_stops_before_any_run_with_one_line(argv, fragment, capsys):
    assert rerun.main([str(PRICING), *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ParameterError:") and fragment in err and "\n" not in err


def test_sensitivity_writes_each_figures_swing(tmp_path):
    out = tmp_path / "sens.csv"
    assert rerun.main([str(PRICING), "--sensitivity", "--csv", str(out)]) == 0
    table = pd.read_csv(out).set_index(["parameter", "figure"])
    row = table.loc[("server_price_usd", "infra_gross_margin")]
    assert row["figure_at_low"] == pytest.approx(costs.infra_gross_margin(1.0, 180_000, 5, 24.21))
    assert row["figure_at_high"] == pytest.approx(costs.infra_gross_margin(1.0, 220_000, 5, 24.21))
    assert row["swing"] == pytest.approx(abs(row["figure_at_high"] - row["figure_at_low"]))
    assert math.isnan(table.loc[("utilization", "infra_gross_margin"), "figure_at_high"])   # 1.1 is refused


def test_sensitivity_of_a_chapter_without_its_own_varies_every_numeric_parameter(tmp_path):
    out = tmp_path / "sens.csv"
    assert rerun.main([str(PRICING.parent / "01_ecosystem.ipynb"), "--sensitivity", "--csv", str(out)]) == 0
    table = pd.read_csv(out)
    assert len(table) > 0 and (table["swing"] > 0).all() and table["parameter"].nunique() >= 2


@pytest.mark.slow
def test_a_rerun_writes_the_key_tables_beside_its_notebook(tmp_path, capsys):
    out = tmp_path / "r.ipynb"
    assert rerun.main([str(PRICING), str(out), "-p", "utilization", "0.5"]) == 0
    folder = tmp_path / "r_tables"
    assert {p.name for p in folder.iterdir()} == {f"{n}.csv" for n in
                                                 ("infra_curve", "infra_points", "training", "inference", "your_server",
                                                  "app_bills", "sensitivity")}
    points = pd.read_csv(folder / "infra_points.csv").set_index("utilization")
    assert points.at[0.5, "exact"] == pytest.approx(rerun.glued_figures(out)["infra_gross_margin"], rel=1e-12)
    err = capsys.readouterr().err
    assert f"wrote {folder}/" in err and "next: python -m helpers.rerun --figures" in err


def test_the_three_years_on_key_tables_follow_the_date(tmp_path):
    chapter = PRICING.parent / "02b_three_years_on.ipynb"
    folder = sweep.write_key_tables(chapter, {"price_date": "2024-12-31", "rent_basis": "on-demand"}, tmp_path / "t.ipynb")
    rentals = pd.read_csv(folder / "gpu_rentals.csv")
    assert {"comparison.csv", "api_prices.csv", "gpu_rentals.csv"} == {p.name for p in folder.iterdir()}
    assert pd.to_datetime(rentals["observed_date"]).max() <= pd.Timestamp("2024-12-31")


def test_the_outlook_key_tables_hold_every_forecasts_verdict(tmp_path):
    folder = sweep.write_key_tables(OUTLOOK, {"as_of": "2024-06-30"}, tmp_path / "o.ipynb")
    with open(folder / "verdicts.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(pricing.load("forecasts")) and all(r["verdict"] for r in rows)


# --- your own server ---------------------------------------------------------------------------------
def test_a_server_rented_per_gpu_hour_is_priced_per_server_hour():
    """Issue 28's first question: an 8×H100 server at USD 250,000 renting at USD 2.50 per GPU-hour."""
    p = pricing.validate(pricing.report_params() | {"gpu": "h100_sxm", "server_price_usd": 250_000,
                                                    "rental_usd_per_gpu_hour": 2.5})
    assert p["rental_usd_per_hour"] == 20.0 and p["gpu_tflops"] == 989 and pricing.server_label(p) == "8×H100 SXM"
    f = pricing.key_figures(p)
    assert f["infra_gross_margin"] == pytest.approx(costs.infra_gross_margin(1.0, 250_000, 5, 20.0))
    years = costs.gpu_years(costs.training_flops(175e9, 300e9), 989)
    assert f["train_cost_yours_usd"] == pytest.approx(costs.training_cost_usd(years, 2.5, 1, 0.5))
    chart = pricing_charts.infra_margin(pricing.infra_curve(p), pricing.infra_points(p),
                                        f["infra_breakeven_utilization"], 1.0, pricing.server_label(p)).to_dict()
    assert chart["title"]["text"].startswith("A rented 8×H100 SXM server breaks even at")


def test_the_default_server_is_the_reports_and_its_rent_per_gpu_hour():
    p = pricing.validate(pricing.report_params())
    assert pricing.server_label(p) == "8×A100" and p["rental_usd_per_gpu_hour"] == pytest.approx(24.21 / 8)
    assert p["training_usd_per_gpu_hour"] == p["inference_usd_per_gpu_hour"] == p["rental_usd_per_gpu_hour"]
    assert pricing.validate(p) == p          # resolving is idempotent


def test_tflops_given_name_your_gpu():
    p = pricing.validate(pricing.report_params() | {"gpu_tflops": 500, "gpus_per_server": 4})
    assert pricing.server_label(p) == "4×your GPU" and p["rental_usd_per_gpu_hour"] == pytest.approx(24.21 / 4)


@pytest.mark.parametrize("change, fragment", [
    ({"gpu": "h100_sxn"}, "is not allowed; allowed: one of a100_sxm"),
    ({"gpu": "h100_sxn"}, "did you mean 'h100_sxm'?"),
    ({"rental_usd_per_gpu_hour": 2.5, "rental_usd_per_hour": 30}, "are both given and disagree"),
    ({"gpus_per_server": 2.5}, "is not a whole number"),
    ({"gpu_tflops": -1}, "parameter 'gpu_tflops' = -1 is out of range"),
    ({"training_usd_per_gpu_hour": "cheap"}, "parameter 'training_usd_per_gpu_hour' = 'cheap' is not a number"),
])
def test_bad_hardware_is_refused_by_name(change, fragment):
    with pytest.raises(ParameterError) as info:
        pricing.validate(pricing.report_params() | change)
    assert fragment in str(info.value)


def test_a_per_gpu_rent_below_depreciation_is_named_as_given():
    from helpers.chapters.pricing.warnings import input_warnings

    said = input_warnings(pricing.report_params() | {"rental_usd_per_gpu_hour": 0.2})
    assert len(said) == 1 and said[0].startswith("rental_usd_per_gpu_hour = 0.2 (USD 1.6 a server-hour for 8 GPUs) is below") and "pass it as" not in said[0]


# --- sensitivity and tornado charts -----------------------------------------------------------------
@pytest.mark.parametrize("change", [{}, {"gpu": "h100_sxm", "utilization": 0.4, "rental_usd_per_gpu_hour": 2.5},
                                    {"gpu_tflops": 420, "training_usd_per_gpu_hour": 1.1, "app_output_usd_per_1k": 0.01}])
def test_the_vectorised_headlines_equal_the_chapters_figures(change):
    p = pricing.validate(pricing.report_params() | change)
    vector, figures = headline_figures(p), pricing.key_figures(p)
    assert all(float(vector[n]) == pytest.approx(figures[n], rel=1e-12) for n in HEADLINES)


def test_each_varied_run_of_the_sensitivity_equals_a_run_with_that_input():
    p = pricing.validate(pricing.report_params())
    table = pricing.sensitivity(p).set_index(["parameter", "figure"])
    for name in ("gpu_tflops", "inference_efficiency", "rental_usd_per_hour", "inference_usd_per_gpu_hour"):
        for side in ("low", "high"):
            row = table.loc[(name, "infer_margin_yours")]
            q = pricing.report_params() | {name: row[f"input_{side}"]}
            rerun_figure = pricing.key_figures(pricing.validate(q))["infer_margin_yours"]
            assert row[f"figure_at_{side}"] == pytest.approx(rerun_figure, rel=1e-12), (name, side)


def test_tornado_rows_put_the_largest_swing_first_and_drop_inputs_that_do_not_move_it():
    table = pricing.sensitivity(pricing.validate(pricing.report_params()))
    rows = tornado_rows(table, "app_daily_cost_chatbot_1m_dau")
    assert list(rows["parameter"]) == ["app_output_usd_per_1k", "app_input_usd_per_1k"]
    name, swing = top_input(table, "infra_gross_margin")
    assert name == "depreciation period and server rent per hour" and swing > 0     # tied: named together


@pytest.mark.parametrize("section", ["infrastructure", "model", "application"])
def test_each_layer_has_a_titled_tornado_with_alt_text(section):
    chart = pricing_charts.tornado(pricing.sensitivity(pricing.validate(pricing.report_params())), section).to_dict()
    assert " ".join(chart["title"]["text"]).endswith(" most") and chart["description"].startswith("Tornado chart of the")
    assert all(len(line) <= 58 for line in chart["title"]["text"])
    assert all(t.get("title") for t in chart["layer"][0]["encoding"]["tooltip"])


def test_the_pricing_chapter_shows_three_tornado_charts():
    import json

    nb = json.loads(PRICING.read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert [s for s in sources if "pricing_charts.tornado(sens, " in s].__len__() == 3


def test_make_bench_measures_the_analyst_targets():
    from tools import benchmark

    assert {"sweep_9_direct_s": 1.0, "sweep_notebook_per_point_ratio": 1.2, "sensitivity_s": 3.0}.items() <= benchmark.TARGETS.items()
    assert callable(benchmark.analyst_seconds)
