"""The errata: every figure the report prints against an exact recomputation from its own inputs (always the
report's inputs, never this run's: it audits the report), and the hardware and price inputs checked against vendors."""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.chapters.pricing.inputs import report_params
from helpers.chapters.pricing.layers import _tflops, app_costs, key_figures
from helpers.data import load, value
from helpers.formulas import costs

_CAUSES = {
    "infra_margin_full": "The report rounds revenue to 21 万 (USD 210,000) before dividing; exact revenue is 24.21 × 8,760 = USD 212,080.",
    "infra_revenue_half_usd": "The report says 'under 11 万', which is true (USD 106,040), but then divides by 11 万.",
    "infra_margin_half": "Revenue rounded up to 11 万 before dividing; exact revenue is USD 106,040.",
    "infra_margin_20pct": "Revenue rounded to 4 万, equal to the cost; exact revenue (USD 42,416) still exceeds depreciation: break-even is below 19 % utilization.",
    "train_gpu_years_v100": "Matches, but 28 TFLOPS is the V100 PCIe's plain FP16 rate; the V100 SXM2 in p3dn.24xlarge has 125 TFLOPS of FP16 tensor-core throughput, like the A100's 312 (see the like-for-like rows).",
    "train_cost_v100_usd": "Matches to the report's rounding, on the same non-tensor 28 TFLOPS figure.",
    "infer_cost_h100_usd_per_1k": "Matches, but uses 1,513 TFLOPS, the H100 PCIe's FP16 rate with 2:4 sparsity; dense is 756, so the like-for-like cost is twice as high.",
    "infer_margin_a100": "Matches, but USD 0.02/1K was text-davinci-003's price; gpt-3.5-turbo launched in March 2023 at USD 0.002/1K.",
    "h100_vs_a100_sxm_peak_ratio": "1,979 / 624 = 3.17, printed as 320 %; both are sparse figures, so the ratio is like for like (dense: 989 / 312 = 3.17).",
    "h100_vs_a100_training_throughput": "Quoted from Lambda's benchmark, not computed: no recomputation is possible from the report.",
}


def _report_recomputed() -> dict[str, float]:
    """Every printed figure recomputed exactly from the report's own inputs."""
    p = report_params()
    kf = key_figures(p)
    args = (p["server_price_usd"], p["depreciation_years"], p["rental_usd_per_hour"])
    app = app_costs(p).assign(key=lambda d: "app_daily_cost_" + d["scenario_id"] + "_"
                              + np.where(d["dau"] == 1e6, "1m", "10m") + "_dau")
    r = {
        "infra_annual_cost_usd": kf["infra_annual_cost_usd"],
        "infra_revenue_full_usd": costs.annual_rental_revenue_usd(p["rental_usd_per_hour"], 1.0),
        "infra_margin_full": costs.infra_gross_margin(1.0, *args),
        "infra_revenue_half_usd": costs.annual_rental_revenue_usd(p["rental_usd_per_hour"], 0.5),
        "infra_margin_half": costs.infra_gross_margin(0.5, *args),
        "infra_revenue_20pct_usd": costs.annual_rental_revenue_usd(p["rental_usd_per_hour"], 0.2),
        "infra_margin_20pct": costs.infra_gross_margin(0.2, *args),
        "h100_vs_a100_sxm_peak_ratio": _tflops("h100_sxm_comparison") / _tflops("a100_sxm_comparison"),
        "h100_vs_a100_training_throughput": np.nan,
        "infer_flops_per_call": costs.inference_flops(value("gpt35_params"), value("infer_prompt_tokens") + value("infer_output_tokens"),
                                                      value("infer_flops_per_param_token")),
        "api_price_cut": 1 - value("api_price_2023_usd_per_1k") / value("api_price_2022_usd_per_1k"),
    }
    for k in ("train_flops", "train_gpu_years_v100", "train_cost_v100_usd", "train_gpu_years_a100", "train_cost_a100_usd",
              "infer_cost_a100_usd_per_1k", "infer_margin_a100", "infer_cost_h100_usd_per_1k", "infer_margin_h100"):
        r[k] = kf[k]
    r.update(dict(zip(app["key"], app["daily_cost_usd"])))
    return {k: float(v) for k, v in r.items()}


def errata() -> pd.DataFrame:
    """Every figure of the three sections: printed value, exact recomputation, difference, cause."""
    fig = load("report_figures")
    rec = _report_recomputed()
    fig["recomputed"] = fig["figure_id"].map(rec)
    fig["difference"] = fig["recomputed"] - fig["report_value"]
    fig["matches"] = fig["difference"].abs() <= fig["printed_step"] / 2 * (1 + 1e-9)
    causes = {**_CAUSES, "infer_margin_h100": (
        f"Computed from the cost already rounded to 0.00051; the exact cost is {rec['infer_cost_h100_usd_per_1k']:.6f} "
        f"(USD per 1K tokens), which gives {rec['infer_margin_h100']:.1%}.")}
    fig["cause"] = [
        causes.get(i, "Matches to the report's rounding." if m else "Differs beyond the report's rounding.")
        if pd.notna(d) else causes.get(i, "Not recomputable.")
        for i, m, d in zip(fig["figure_id"], fig["matches"], fig["difference"])]
    return fig[["figure_id", "section", "description", "report_text", "report_value", "recomputed",
                "difference", "matches", "unit", "printed_step", "cause"]]


def checked_inputs() -> pd.DataFrame:
    """The report's hardware and price inputs beside what the vendor states."""
    g = load("gpu_tflops")
    rows = [{"input": f"{r['gpu']} peak, {r['used_for']}", "report_value": r["report_tflops"], "unit": "TFLOPS",
             "what_it_is": r["what_the_figure_is"], "like_for_like": r["like_for_like_tflops"],
             "like_for_like_label": r["like_for_like_label"]} for _, r in g.iterrows()]
    c = load("cloud_prices")
    rows += [{"input": f"{r['provider']} {r['instance']}, {r['report_pricing_label']}", "report_value": r["usd_per_hour"],
              "unit": "USD per hour", "what_it_is": r["checked_note"], "like_for_like": np.nan, "like_for_like_label": ""}
             for _, r in c.iterrows()]
    a = load("pricing_assumptions")
    a = a[a["checked_note"].notna()]
    rows += [{"input": r["description"], "report_value": r["value"], "unit": r["unit"], "what_it_is": r["checked_note"],
              "like_for_like": r["checked_value"], "like_for_like_label": "vendor's price"} for _, r in a.iterrows()]
    return pd.DataFrame(rows)


def position_in_range(x: float, low: float, high: float) -> str:
    """Where ``x`` lies relative to ``[low, high]``: ``"below"``, ``"within"`` or ``"above"``."""
    return "below" if x < low else "above" if x > high else "within"
