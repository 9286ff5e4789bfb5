"""Every figure the chapter's prose cites, recorded and glued for read-back by one call: ``figures(p)``.

``p`` is what ``validate`` returns (``price_date``, ``utilization``, ``rent_basis``). Computed figures follow the
parameters (``F.glue``); the report's own figures and the sources' inputs never do (``F.quote``).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from helpers.chapters import pricing
from helpers.chapters.three_years_on.api import BLEND_INPUT_SHARE, cheapest_in_class, fx_note, threshold_pct
from helpers.chapters.three_years_on.dates import report_date, since_report
from helpers.chapters.three_years_on.gpus import (
    RENT_BASES,
    like_for_like_h100_offers,
    like_for_like_h100_usd_per_gpu_hour,
)
from helpers.chapters.three_years_on.models import fall_factors, figures_at, inputs, measured_efficiency
from helpers.chapters.three_years_on.trend import claim_factor_range, faster_or_slower, flop_claim, flop_price_falls
from helpers.data import load
from helpers.formulas.costs import HOURS_PER_YEAR
from helpers.prose import Figures

# The three models' figures glued at both dates, as now_<key> and then_<key>.
MODEL_KEYS = ("infra_gross_margin", "infra_breakeven_utilization", "train_cost_gpt3_usd", "infer_cost_usd_per_1k",
              "infer_cost_measured_usd_per_1k", "api_blended_usd_per_1k", "open_train_cost_usd", "open_train_cost_reported_hours_usd")


def figures(p: dict[str, Any]) -> Figures:
    """Every figure of the chapter at ``p``'s date, utilization and rent basis, recorded for read-back (quotes closed)."""
    day, u, basis = p["price_date"], p["utilization"], p["rent_basis"]
    F = Figures()
    x = inputs(day, u, basis)
    now, then = figures_at(day, u, basis), figures_at(report_date(), u)
    _flop_falls(F, day, basis)
    F.glue("rent_basis", RENT_BASES[basis])
    F.glue("other_rent_basis", RENT_BASES["on-demand" if basis == "commitment" else "commitment"])
    falls = fall_factors(day)
    F.glue("now_price_date", day.isoformat())
    F.glue("param_utilization", u)
    apps = [f"app_daily_cost_{s}_{n}_dau" for s in load("app_scenarios")["scenario_id"] for n in ("1m", "10m")]
    for k in (*MODEL_KEYS, *apps):
        F.glue(f"now_{k}", now[k])
        F.glue(f"then_{k}", then[k])
    for k, v in falls.items():
        F.glue(k, v)
    _inputs(F, x, now, then)
    _capability_classes(F, day)
    _trend(F, day, x, now, then, falls)
    _quotes(F, x)
    F.close()
    return F


def _flop_falls(F: Figures, day: dt.date, basis: str) -> None:
    """The fall in the price of a FLOP from each of the report's A100 prices, with the trend's range over its span."""
    for key, r in zip(("launch", "report"), flop_price_falls(day, basis).itertuples()):
        F.glue(f"flop_fall_{key}", r.fall_factor)
        F.glue(f"flop_trend_low_{key}", r.trend_low)
        F.glue(f"flop_trend_high_{key}", r.trend_high)
        F.glue(f"flop_years_{key}", r.years)
        F.glue(f"flop_vs_trend_{key}", r.versus_trend)
        F.glue(f"flop_from_{key}", f"{r.from_date:%B %Y}")


def _inputs(F: Figures, x: dict[str, Any], now: dict[str, float], then: dict[str, float]) -> None:
    """The inputs in force at the date, and the ratios the model layer's prose reads off them."""
    F.glue("now_server_price_usd", x["server_price_usd"])
    F.glue("now_rental_usd_per_server_hour", x["rental_usd_per_server_hour"])
    F.glue("now_usd_per_gpu_hour", x["usd_per_gpu_hour"])
    F.glue("now_peak_tflops", x["peak_tflops"])
    F.glue("now_api_input_usd_per_1m", x["api_input_usd_per_1k"] * 1000)
    F.glue("now_api_output_usd_per_1m", x["api_output_usd_per_1k"] * 1000)
    for k in ("server", "rental_label", "gpu_label", "api_model"):
        F.glue(f"now_{k}", x[k])
    F.glue("now_regime_is_report", x["regime"] == "report")
    F.glue("train_cost_factor", then["train_cost_gpt3_usd"] / now["train_cost_gpt3_usd"])
    F.glue("infer_margin_now_at_api", 1 - now["infer_cost_usd_per_1k"] / now["api_blended_usd_per_1k"])
    F.glue("infer_margin_then_at_api", 1 - then["infer_cost_usd_per_1k"] / then["api_blended_usd_per_1k"])
    F.glue("measured_efficiency", measured_efficiency())
    F.glue("blend_input_share", BLEND_INPUT_SHARE)
    F.glue("blend_ratio", BLEND_INPUT_SHARE / (1 - BLEND_INPUT_SHARE))


def _capability_classes(F: Figures, day: dt.date) -> None:
    """The cheapest model of each capability class, and its blended price, now and at the report's date."""
    for c in ("gpt35", "gpt4"):
        F.glue(f"{c}_cheapest_now", cheapest_in_class(c, since_report(day))["model"])
    for c in ("gpt4", "gpt35"):
        F.glue(f"{c}_blended_now", float(cheapest_in_class(c, since_report(day))["blended_usd_per_1m"]))
    for c in ("gpt4", "gpt35"):
        F.glue(f"{c}_blended_then", float(cheapest_in_class(c, report_date())["blended_usd_per_1m"]))


def _trend(F: Figures, day: dt.date, x: dict[str, Any], now: dict[str, float], then: dict[str, float],
           falls: dict[str, float]) -> None:
    """The report's FLOP trend since its date, the yearly cost and revenue of both servers, the report's own H100
    offer now, and the yuan rate in force."""
    rp = pricing.report_params()
    lo, hi = claim_factor_range(report_date(), since_report(day))
    F.glue("claim_factor_low", lo)
    F.glue("claim_factor_high", hi)
    F.glue("now_annual_cost_usd", x["server_price_usd"] / x["depreciation_years"])
    F.glue("now_annual_revenue_full_usd", x["rental_usd_per_server_hour"] * HOURS_PER_YEAR)
    F.glue("then_annual_cost_usd", rp["server_price_usd"] / rp["depreciation_years"])
    F.glue("then_annual_revenue_full_usd", rp["rental_usd_per_hour"] * HOURS_PER_YEAR)
    train_factor = then["train_cost_gpt3_usd"] / now["train_cost_gpt3_usd"]
    F.glue("train_vs_claim", pricing.position_in_range(train_factor, lo, hi))
    F.glue("h100_pcie_latest_date", str(like_for_like_h100_offers(since_report(day))["observed_date"].max()))
    F.glue("api_vs_flop", faster_or_slower(falls["api_price_fall_factor_gpt35_class"], train_factor))
    F.glue("h100_rent_direction", "got cheaper" if falls["gpu_rental_fall_factor_h100"] > 1 else "did not get cheaper")
    F.glue("years_since_report", (since_report(day) - report_date()).days / 365.25)
    F.glue("h100_pcie_now", like_for_like_h100_usd_per_gpu_hour(since_report(day)))
    fx = fx_note(day)
    F.glue("fx_rate_date", fx["rate_date"])
    F.glue("fx_cny_per_usd", fx["cny_per_usd"])  # the rate in force at price_date: follows it


def _quotes(F: Figures, x: dict[str, Any]) -> None:
    """What the report states: its date, its FLOP-price sentence and trend, the 2023 MMLU thresholds, its inputs."""
    claim = flop_claim()
    F.quote("report_date", report_date().isoformat())
    F.quote("report_flop_text", claim["report_text"])
    F.quote("report_flop_fall_low", float(claim["fall_low_share"]))
    F.quote("report_flop_fall_high", float(claim["fall_high_share"]))
    F.quote("report_flop_fall_period_years", float(claim["period_years"]))
    F.quote("gpt35_mmlu_pct", threshold_pct("gpt35"))
    F.quote("gpt4_mmlu_pct", threshold_pct("gpt4"))
    F.quote("source_depreciation_years", x["depreciation_years"])
    F.quote("source_model_params_billion", x["model_params"] / 1e9)
    F.quote("source_training_efficiency", x["training_efficiency"])
    F.quote("source_inference_efficiency", x["inference_efficiency"])
