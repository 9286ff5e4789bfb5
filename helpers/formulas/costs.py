"""Cost formulas of the report's three pricing models, vectorised.

Every function takes scalars or numpy arrays (broadcast together) and returns the same,
so a sweep over a million scenarios is one call. Units are in the argument names.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

HOURS_PER_YEAR = 365 * 24
SECONDS_PER_YEAR = HOURS_PER_YEAR * 3600
TOKENS_PER_1K = 1000.0


def _a(x: ArrayLike) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _out(x: np.ndarray) -> np.ndarray | float:
    return float(x) if np.ndim(x) == 0 else x


# --- infrastructure layer -------------------------------------------------------------------
def annual_depreciation_usd(server_price_usd: ArrayLike, depreciation_years: ArrayLike) -> np.ndarray | float:
    """Straight-line depreciation per year: ``price / years``."""
    return _out(_a(server_price_usd) / _a(depreciation_years))


def annual_rental_revenue_usd(rental_usd_per_hour: ArrayLike, utilization: ArrayLike,
                              hours_per_year: float = HOURS_PER_YEAR) -> np.ndarray | float:
    """Rental revenue per year: ``usd_per_hour × hours_per_year × utilization``."""
    return _out(_a(rental_usd_per_hour) * hours_per_year * _a(utilization))


def gross_margin(revenue_usd: ArrayLike, cost_usd: ArrayLike) -> np.ndarray | float:
    """Gross margin as a fraction of revenue: ``1 − cost / revenue`` (negative when cost > revenue; NaN, undefined,
    where revenue is zero: e.g. the report's method rounds a small revenue to 0 万)."""
    revenue = _a(revenue_usd)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(np.where(revenue == 0, np.nan, 1.0 - _a(cost_usd) / revenue))


def infra_gross_margin(utilization: ArrayLike, server_price_usd: ArrayLike, depreciation_years: ArrayLike,
                       rental_usd_per_hour: ArrayLike) -> np.ndarray | float:
    """Cloud provider's gross margin on one rented server at a utilization (depreciation is the only cost)."""
    cost = annual_depreciation_usd(server_price_usd, depreciation_years)
    return gross_margin(annual_rental_revenue_usd(rental_usd_per_hour, utilization), cost)


def breakeven_utilization(server_price_usd: ArrayLike, depreciation_years: ArrayLike,
                          rental_usd_per_hour: ArrayLike) -> np.ndarray | float:
    """Utilization at which rental revenue equals depreciation: ``(price / years) / (usd_per_hour × 8760)``."""
    return _out(_a(annual_depreciation_usd(server_price_usd, depreciation_years))
                / _a(annual_rental_revenue_usd(rental_usd_per_hour, 1.0)))


# --- model layer: training ------------------------------------------------------------------------
def training_flops(params: ArrayLike, tokens: ArrayLike, flops_per_param_token: ArrayLike = 6.0) -> np.ndarray | float:
    """Training compute in FLOPs: ``6 · N · D`` (N parameters, D tokens)."""
    return _out(_a(flops_per_param_token) * _a(params) * _a(tokens))


def gpu_years(flops: ArrayLike, peak_tflops: ArrayLike, efficiency: ArrayLike = 1.0) -> np.ndarray | float:
    """Years one GPU needs for ``flops`` at ``efficiency`` × its peak: ``flops / (peak·10¹² · eff) / s_per_year``.

    The report quotes GPU-years at peak (efficiency 1) and applies efficiency to the cost.
    """
    return _out(_a(flops) / (_a(peak_tflops) * 1e12 * _a(efficiency)) / SECONDS_PER_YEAR)


def training_cost_usd(gpu_years_at_peak: ArrayLike, instance_usd_per_hour: ArrayLike, gpus_per_instance: ArrayLike,
                      efficiency: ArrayLike) -> np.ndarray | float:
    """Rental cost of a training run: ``GPU-years × (usd_per_hour / GPUs) × 8760 / efficiency``."""
    usd_per_gpu_hour = _a(instance_usd_per_hour) / _a(gpus_per_instance)
    return _out(_a(gpu_years_at_peak) * usd_per_gpu_hour * HOURS_PER_YEAR / _a(efficiency))


# --- model layer: inference -----------------------------------------------------------------------
def inference_flops(params: ArrayLike, tokens: ArrayLike, flops_per_param_token: ArrayLike = 2.0) -> np.ndarray | float:
    """Inference compute in FLOPs: ``2 · N`` per token processed (prompt and output alike)."""
    return _out(_a(flops_per_param_token) * _a(params) * _a(tokens))


def inference_cost_usd_per_1k(params: ArrayLike, usd_per_gpu_hour: ArrayLike, peak_tflops: ArrayLike,
                              efficiency: ArrayLike, flops_per_param_token: ArrayLike = 2.0) -> np.ndarray | float:
    """GPU cost of 1,000 tokens: ``usd_per_gpu_hour / 3600 / (peak·10¹²) × 2·N·1000 / efficiency``."""
    usd_per_flop = _a(usd_per_gpu_hour) / 3600.0 / (_a(peak_tflops) * 1e12)
    return _out(usd_per_flop * _a(inference_flops(params, TOKENS_PER_1K, flops_per_param_token)) / _a(efficiency))


def margin_at_price(cost_usd_per_1k: ArrayLike, price_usd_per_1k: ArrayLike) -> np.ndarray | float:
    """Gross margin of selling at ``price`` what costs ``cost``: ``1 − cost / price``."""
    return gross_margin(price_usd_per_1k, cost_usd_per_1k)


# --- application layer ----------------------------------------------------------------------------
def app_daily_cost_usd(dau: ArrayLike, calls_per_user_per_day: ArrayLike, input_tokens_per_call: ArrayLike,
                       output_tokens_per_call: ArrayLike, input_usd_per_1k: ArrayLike,
                       output_usd_per_1k: ArrayLike) -> np.ndarray | float:
    """Daily API bill: ``DAU × calls × (in_tokens × in_price + out_tokens × out_price) / 1000``."""
    per_call = (_a(input_tokens_per_call) * _a(input_usd_per_1k)
                + _a(output_tokens_per_call) * _a(output_usd_per_1k)) / TOKENS_PER_1K
    return _out(_a(dau) * _a(calls_per_user_per_day) * per_call)


# --- the report's arithmetic ----------------------------------------------------------------------
def round_to(x: ArrayLike, step: float) -> np.ndarray | float:
    """Round to the nearest multiple of ``step`` (the report rounds money to 万 = 10⁴ before dividing)."""
    return _out(np.round(_a(x) / step) * step)


def infra_gross_margin_report_method(utilization: ArrayLike, server_price_usd: ArrayLike,
                                     depreciation_years: ArrayLike, rental_usd_per_hour: ArrayLike,
                                     step_usd: float = 1e4) -> np.ndarray | float:
    """The report's margin: revenue and cost each rounded to 10⁴ USD first, then ``1 − cost / revenue``."""
    cost = round_to(annual_depreciation_usd(server_price_usd, depreciation_years), step_usd)
    revenue = round_to(annual_rental_revenue_usd(rental_usd_per_hour, utilization), step_usd)
    return gross_margin(revenue, cost)


# --- sweeps ----------------------------------------------------------------------------------------
def sweep(*, utilization: ArrayLike, server_price_usd: ArrayLike, depreciation_years: ArrayLike,
          rental_usd_per_hour: ArrayLike, gpus_per_server: ArrayLike, gpu_tflops: ArrayLike, model_params: ArrayLike,
          training_tokens: ArrayLike, training_efficiency: ArrayLike, inference_efficiency: ArrayLike,
          price_usd_per_1k: ArrayLike) -> dict[str, np.ndarray | float]:
    """The infrastructure and model layers' formulas over arrays of scenarios at once, every input named (the pricing
    chapter's parameters; the rent is per server-hour and split over the server's GPUs for training and serving)."""
    usd_per_gpu_hour = _a(rental_usd_per_hour) / _a(gpus_per_server)
    years = gpu_years(training_flops(model_params, training_tokens), gpu_tflops)
    serve = inference_cost_usd_per_1k(model_params, usd_per_gpu_hour, gpu_tflops, inference_efficiency)
    return {
        "infra_margin": infra_gross_margin(utilization, server_price_usd, depreciation_years, rental_usd_per_hour),
        "breakeven": breakeven_utilization(server_price_usd, depreciation_years, rental_usd_per_hour),
        "training_cost_usd": training_cost_usd(years, usd_per_gpu_hour, 1, training_efficiency),
        "inference_cost_usd_per_1k": serve,
        "inference_margin": margin_at_price(serve, price_usd_per_1k),
    }
