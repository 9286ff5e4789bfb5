"""The cost formulas against the report's printed figures and against hand computation."""
from __future__ import annotations

import numpy as np
import pytest

from helpers.data import lookup
from helpers.formulas import costs


def printed(figure_id: str) -> tuple[float, float]:
    """(report value, half a unit of its last printed digit)."""
    return (lookup("report_figures", figure_id, "report_value"),
            lookup("report_figures", figure_id, "printed_step") / 2 * (1 + 1e-9))


# --- infrastructure ---------------------------------------------------------------------------
def test_depreciation_and_revenue_by_hand():
    assert costs.annual_depreciation_usd(200_000, 5) == 40_000
    assert costs.annual_rental_revenue_usd(24.21, 1.0) == pytest.approx(24.21 * 8760)
    assert costs.annual_rental_revenue_usd(10.0, 0.5) == pytest.approx(43_800)


@pytest.mark.parametrize("utilization, figure", [(1.0, "infra_margin_full"), (0.5, "infra_margin_half"),
                                                 (0.2, "infra_margin_20pct")])
def test_report_method_reproduces_printed_margins(utilization, figure):
    value, tol = printed(figure)
    x = costs.infra_gross_margin_report_method(utilization, 200_000, 5, 24.21)
    # rounded or, as for 1 − 4/21 = 80.95 % printed 80.9 %, truncated to the printed digit
    assert value - tol <= x < value + 2 * tol


@pytest.mark.parametrize("utilization, exact", [(1.0, 1 - 40_000 / 212_079.6), (0.5, 1 - 40_000 / 106_039.8),
                                                (0.2, 1 - 40_000 / 42_415.92)])
def test_exact_margin_by_hand(utilization, exact):
    assert costs.infra_gross_margin(utilization, 200_000, 5, 24.21) == pytest.approx(exact, rel=1e-12)


def test_exact_margin_differs_from_report_where_it_rounded():
    assert round(costs.infra_gross_margin(1.0, 200_000, 5, 24.21), 3) == 0.811   # report: 0.809
    assert round(costs.infra_gross_margin(0.2, 200_000, 5, 24.21), 3) == 0.057   # report: 0


def test_breakeven_is_where_margin_is_zero():
    u = costs.breakeven_utilization(200_000, 5, 24.21)
    assert u == pytest.approx(40_000 / 212_079.6)
    assert costs.infra_gross_margin(u, 200_000, 5, 24.21) == pytest.approx(0, abs=1e-12)
    assert costs.breakeven_utilization(100_000, 4, 10) == pytest.approx(25_000 / 87_600)


def test_margin_is_negative_below_breakeven():
    assert costs.infra_gross_margin(0.1, 200_000, 5, 24.21) < 0


# --- training ---------------------------------------------------------------------------------
def test_training_flops_matches_report():
    value, tol = printed("train_flops")
    assert costs.training_flops(175e9, 300e9) == pytest.approx(value, abs=tol)
    assert costs.training_flops(7e9, 2e12) == pytest.approx(8.4e22)


@pytest.mark.parametrize("tflops, figure", [(28, "train_gpu_years_v100"), (312, "train_gpu_years_a100")])
def test_gpu_years_match_report(tflops, figure):
    value, tol = printed(figure)
    assert costs.gpu_years(3.15e23, tflops) == pytest.approx(value, abs=tol)


def test_gpu_years_by_hand():
    # 1e12 FLOP/s for one year is 3.1536e19 FLOPs
    assert costs.gpu_years(3.1536e19, 1.0) == pytest.approx(1.0)
    assert costs.gpu_years(3.1536e19, 1.0, efficiency=0.5) == pytest.approx(2.0)


@pytest.mark.parametrize("tflops, usd_per_hour, figure", [(28, 18.3, "train_cost_v100_usd"),
                                                          (312, 19.22, "train_cost_a100_usd")])
def test_training_cost_matches_report(tflops, usd_per_hour, figure):
    value, tol = printed(figure)
    years = costs.gpu_years(3.15e23, tflops)
    assert costs.training_cost_usd(years, usd_per_hour, 8, 0.5) == pytest.approx(value, abs=tol)


def test_training_cost_by_hand():
    # 10 GPU-years at $2/GPU-hour and 100 % efficiency: 10 × 2 × 8760
    assert costs.training_cost_usd(10, 16, 8, 1.0) == pytest.approx(175_200)
    assert costs.training_cost_usd(10, 16, 8, 0.25) == pytest.approx(700_800)


# --- inference --------------------------------------------------------------------------------
def test_inference_flops_matches_report():
    value, tol = printed("infer_flops_per_call")
    assert costs.inference_flops(175e9, 1000) == pytest.approx(value, abs=tol)


@pytest.mark.parametrize("usd_per_gpu_hour, tflops, figure", [(19.22 / 8, 312, "infer_cost_a100_usd_per_1k"),
                                                              (1.99, 1513, "infer_cost_h100_usd_per_1k")])
def test_inference_cost_matches_report(usd_per_gpu_hour, tflops, figure):
    value, tol = printed(figure)
    assert costs.inference_cost_usd_per_1k(175e9, usd_per_gpu_hour, tflops, 0.25) == pytest.approx(value, abs=tol)


def test_inference_cost_by_hand():
    # $3.6/h = $0.001/s; 1 TFLOPS; 1e9 params: 2e12 FLOPs per 1K tokens = 2 s = $0.002 at 100 %
    assert costs.inference_cost_usd_per_1k(1e9, 3.6, 1.0, 1.0) == pytest.approx(0.002)
    assert costs.inference_cost_usd_per_1k(1e9, 3.6, 1.0, 0.5) == pytest.approx(0.004)


def test_margin_at_price():
    value, tol = printed("infer_margin_a100")
    assert costs.margin_at_price(0.003, 0.02) == pytest.approx(value, abs=tol)
    value, tol = printed("infer_margin_h100")
    assert costs.margin_at_price(0.00051, 0.002) == pytest.approx(value, abs=tol)  # the report's rounded cost
    assert costs.margin_at_price(3, 2) == pytest.approx(-0.5)


# --- application ------------------------------------------------------------------------------
@pytest.mark.parametrize("scenario, calls, tin, tout", [("query_tool", 3, 50, 300), ("research_assistant", 10, 3000, 1000),
                                                        ("chatbot", 100, 50, 50)])
@pytest.mark.parametrize("dau, suffix", [(1e6, "1m"), (1e7, "10m")])
def test_app_daily_cost_matches_report(scenario, calls, tin, tout, dau, suffix):
    value, tol = printed(f"app_daily_cost_{scenario}_{suffix}_dau")
    assert costs.app_daily_cost_usd(dau, calls, tin, tout, 0.0015, 0.002) == pytest.approx(value, abs=tol)


def test_app_daily_cost_by_hand():
    # 1000 users × 2 calls × (100 × $0.01 + 200 × $0.02)/1000 = 2000 × $0.005 = $10
    assert costs.app_daily_cost_usd(1000, 2, 100, 200, 0.01, 0.02) == pytest.approx(10.0)


def test_round_to():
    assert costs.round_to(106_039.8, 1e4) == 110_000
    assert costs.round_to(42_415.9, 1e4) == 40_000


# --- vectorisation ----------------------------------------------------------------------------
def test_formulas_broadcast_over_arrays():
    u = np.linspace(0.1, 1.0, 10)
    m = costs.infra_gross_margin(u, 200_000, 5, 24.21)
    assert m.shape == (10,) and np.all(np.diff(m) > 0)
    c = costs.app_daily_cost_usd(np.array([1e6, 1e7]), 3, 50, 300, 0.0015, 0.002)
    assert c[1] == pytest.approx(10 * c[0])
    assert isinstance(costs.gross_margin(2.0, 1.0), float)


def million_scenarios(n: int = 1_000_000) -> dict:
    """The report's inputs with utilization, rent and TFLOPS drawn at random for ``n`` scenarios."""
    rng = np.random.default_rng(0)
    return dict(utilization=rng.uniform(0.05, 1, n), server_price_usd=200_000, depreciation_years=5,
                rental_usd_per_hour=rng.uniform(1, 50, n), gpus_per_server=8, gpu_tflops=rng.uniform(10, 2000, n),
                model_params=175e9, training_tokens=300e9, training_efficiency=0.5, inference_efficiency=0.25,
                price_usd_per_1k=0.002)


def test_sweep_of_a_million_scenarios_is_fast():
    import time

    x = million_scenarios()
    start = time.perf_counter()
    out = costs.sweep(**x)
    assert time.perf_counter() - start < 1.0  # the benchmark's target is 0.1 s; this guards against loops
    assert all(np.shape(v) == (1_000_000,) for v in out.values())
    u, rent, tflops = x["utilization"][0], x["rental_usd_per_hour"][0], x["gpu_tflops"][0]
    assert out["infra_margin"][0] == pytest.approx(costs.infra_gross_margin(u, 200_000, 5, rent))
    years = costs.gpu_years(costs.training_flops(175e9, 300e9), tflops)
    assert out["training_cost_usd"][0] == pytest.approx(costs.training_cost_usd(years, rent, 8, 0.5))
    assert out["inference_margin"][0] == pytest.approx(
        1 - costs.inference_cost_usd_per_1k(175e9, rent / 8, tflops, 0.25) / 0.002)
