"""The report's three pricing models, layer by layer (infrastructure, model, application), and the figures the
chapter glues from them (``key_figures``). Every function takes a validated parameter dict."""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.chapters.pricing.inputs import resolve, server_label
from helpers.data import load, lookup, value
from helpers.formulas import costs

REPORT_UTILIZATIONS = (1.0, 0.5, 0.2)
SCENARIO_DAU = (1_000_000, 10_000_000)


def _tflops(figure_id: str, like_for_like: bool = False) -> float:
    return lookup("gpu_tflops", figure_id, "like_for_like_tflops" if like_for_like else "report_tflops")


def _instance(price_id: str) -> tuple[float, float]:
    return lookup("cloud_prices", price_id, "usd_per_hour"), lookup("cloud_prices", price_id, "gpus_per_instance")


# --- infrastructure ------------------------------------------------------------------------------
def infra_curve(p: dict[str, float], step: float = 0.01) -> pd.DataFrame:
    """Gross margin vs utilization from ``step`` to 1, exact and by the report's rounding method."""
    p = resolve(p)
    u = np.round(np.arange(step, 1.0 + step / 2, step), 6)
    args = (p["server_price_usd"], p["depreciation_years"], p["rental_usd_per_hour"])
    return pd.DataFrame({
        "utilization": u,
        "gross_margin": costs.infra_gross_margin(u, *args),
        "annual_revenue_usd": costs.annual_rental_revenue_usd(p["rental_usd_per_hour"], u),
    })


def infra_points(p: dict[str, float]) -> pd.DataFrame:
    """The report's three utilizations (and the chosen one): report's printed margin, its method, exact."""
    p = resolve(p)
    printed = {1.0: "infra_margin_full", 0.5: "infra_margin_half", 0.2: "infra_margin_20pct"}
    u = sorted(set(REPORT_UTILIZATIONS) | {p["utilization"]}, reverse=True)
    args = (p["server_price_usd"], p["depreciation_years"], p["rental_usd_per_hour"])
    return pd.DataFrame({
        "utilization": u,
        "annual_revenue_usd": [costs.annual_rental_revenue_usd(p["rental_usd_per_hour"], x) for x in u],
        "annual_cost_usd": costs.annual_depreciation_usd(p["server_price_usd"], p["depreciation_years"]),
        "report_printed": [lookup("report_figures", printed[x], "report_value") if x in printed else np.nan for x in u],
        "report_method": [costs.infra_gross_margin_report_method(x, *args) for x in u],
        "exact": [costs.infra_gross_margin(x, *args) for x in u],
    })


# --- model layer ---------------------------------------------------------------------------------
def _training_row(p: dict[str, float], label: str, short: str, figure_id: str, price_id: str, like: bool) -> dict:
    flops = costs.training_flops(p["model_params"], p["training_tokens"], value("train_flops_per_param_token"))
    tflops = _tflops(figure_id, like)
    usd_per_hour, gpus = _instance(price_id)
    years = costs.gpu_years(flops, tflops)
    return {"case": label.format(tflops=tflops), "label": short.format(tflops=tflops), "peak_tflops": tflops, "instance_usd_per_hour": usd_per_hour,
            "gpu_years_at_peak": years,
            "cost_usd": costs.training_cost_usd(years, usd_per_hour, gpus, p["training_efficiency"])}


def training_table(p: dict[str, float]) -> pd.DataFrame:
    """GPT-3-class training on V100 (2020) and A100 (2023): the report's TFLOPS, then like for like."""
    return pd.DataFrame([
        _training_row(p, "V100, p3dn.24xlarge (2020): report's {tflops:g} TFLOPS", "V100 2020, {tflops:g} TFLOPS (report)",
                      "v100_training", "aws_p3dn_launch", False),
        _training_row(p, "V100, p3dn.24xlarge (2020): like for like, {tflops:g} TFLOPS", "V100 2020, {tflops:g} TFLOPS (like for like)",
                      "v100_training", "aws_p3dn_launch", True),
        _training_row(p, "A100, p4d.24xlarge (2023): {tflops:g} TFLOPS, as the report", "A100 2023, {tflops:g} TFLOPS (report)",
                      "a100_training", "aws_p4d_launch", False),
    ])


def _inference_cost(p: dict[str, float], figure_id: str, price_id: str, like: bool) -> float:
    usd_per_hour, gpus = _instance(price_id)
    return costs.inference_cost_usd_per_1k(p["model_params"], usd_per_hour / gpus, _tflops(figure_id, like),
                                           p["inference_efficiency"], value("infer_flops_per_param_token"))


def inference_table(p: dict[str, float]) -> pd.DataFrame:
    """Cost per 1K tokens and margin on A100 and H100, at the report's prices and like for like."""
    price_2022 = value("api_price_2022_usd_per_1k")
    price_2023 = value("api_price_2023_usd_per_1k")
    t_a100, t_h100, t_h100_dense = (_tflops("a100_inference"), _tflops("h100_pcie_inference"),
                                    _tflops("h100_pcie_inference", True))
    rows = [
        (f"A100 (p4d.24xlarge), {t_a100:,g} TFLOPS dense, sold at USD {price_2022:g}/1K (the report)",
         f"A100 at USD {price_2022:g} (report)", "a100_inference", "aws_p4d_launch", False, price_2022),
        (f"A100 (p4d.24xlarge), {t_a100:,g} TFLOPS dense, sold at USD {price_2023:g}/1K (gpt-3.5-turbo's real launch price)",
         f"A100 at USD {price_2023:g} (real price)", "a100_inference", "aws_p4d_launch", False, price_2023),
        (f"H100 PCIe (Lambda), {t_h100:,g} TFLOPS sparse, sold at USD {price_2023:g}/1K (the report)",
         f"H100 sparse at USD {price_2023:g} (report)", "h100_pcie_inference", "lambda_h100_pcie", False, price_2023),
        (f"H100 PCIe (Lambda), {t_h100_dense:,g} TFLOPS dense, sold at USD {price_2023:g}/1K (like for like)",
         f"H100 dense at USD {price_2023:g} (like for like)", "h100_pcie_inference", "lambda_h100_pcie", True, price_2023),
    ]
    out = []
    for label, short, fig, price_id, like, price in rows:
        cost = _inference_cost(p, fig, price_id, like)
        out.append({"case": label, "label": short, "peak_tflops": _tflops(fig, like), "cost_usd_per_1k": cost,
                    "price_usd_per_1k": price, "gross_margin": costs.margin_at_price(cost, price)})
    return pd.DataFrame(out)


def your_server(p: dict[str, float]) -> pd.DataFrame:
    """Training and serving the chapter's model on your server (``gpu``/``gpu_tflops``, rents per GPU-hour): one row
    each, dense BF16 peak, the run's efficiencies; serving sold at gpt-3.5-turbo's launch price, as the report's."""
    q = resolve(p)
    flops = costs.training_flops(q["model_params"], q["training_tokens"], value("train_flops_per_param_token"))
    years = costs.gpu_years(flops, q["gpu_tflops"])
    serve = costs.inference_cost_usd_per_1k(q["model_params"], q["inference_usd_per_gpu_hour"], q["gpu_tflops"],
                                            q["inference_efficiency"], value("infer_flops_per_param_token"))
    price = value("api_price_2023_usd_per_1k")
    label = server_label(q)
    return pd.DataFrame([
        {"use": f"Training on {label}", "peak_tflops": q["gpu_tflops"], "usd_per_gpu_hour": q["training_usd_per_gpu_hour"],
         "efficiency": q["training_efficiency"], "gpu_years_at_peak": years,
         "cost_usd": costs.training_cost_usd(years, q["training_usd_per_gpu_hour"], 1, q["training_efficiency"]),
         "cost_usd_per_1k": np.nan, "gross_margin": np.nan},
        {"use": f"Serving on {label}", "peak_tflops": q["gpu_tflops"], "usd_per_gpu_hour": q["inference_usd_per_gpu_hour"],
         "efficiency": q["inference_efficiency"], "gpu_years_at_peak": np.nan, "cost_usd": np.nan,
         "cost_usd_per_1k": serve, "gross_margin": costs.margin_at_price(serve, price)},
    ])


# --- application layer ---------------------------------------------------------------------------
def app_costs(p: dict[str, float], dau: np.ndarray | tuple = SCENARIO_DAU) -> pd.DataFrame:
    """Daily API cost of each scenario at each DAU (long table)."""
    sc = load("app_scenarios")
    frames = []
    for _, s in sc.iterrows():
        d = np.asarray(dau, dtype=float)
        frames.append(pd.DataFrame({
            "scenario_id": s["scenario_id"], "name_en": s["name_en"],
            "scenario": f"{s['name_en']} {s['name_zh']}", "dau": d,
            "daily_cost_usd": costs.app_daily_cost_usd(d, s["calls_per_user_per_day"], s["input_tokens_per_call"],
                                                       s["output_tokens_per_call"], p["app_input_usd_per_1k"],
                                                       p["app_output_usd_per_1k"])}))
    return pd.concat(frames, ignore_index=True)


# --- headline figures (glued) ----------------------------------------------------------------------
def key_figures(p: dict[str, float]) -> dict[str, float]:
    """The chapter's computed figures, as plain floats (USD, fractions, FLOPs, years)."""
    p = resolve(p)
    infra_args = (p["server_price_usd"], p["depreciation_years"], p["rental_usd_per_hour"])
    train = training_table(p)
    infer = inference_table(p)
    apps = app_costs(p, (1_000_000,)).set_index("scenario_id")["daily_cost_usd"]
    f = {
        "infra_gross_margin": costs.infra_gross_margin(p["utilization"], *infra_args),
        "infra_gross_margin_report_method": costs.infra_gross_margin_report_method(p["utilization"], *infra_args),
        "infra_breakeven_utilization": costs.breakeven_utilization(*infra_args),
        "infra_annual_cost_usd": costs.annual_depreciation_usd(p["server_price_usd"], p["depreciation_years"]),
        "infra_annual_revenue_usd": costs.annual_rental_revenue_usd(p["rental_usd_per_hour"], p["utilization"]),
        "train_flops": costs.training_flops(p["model_params"], p["training_tokens"], value("train_flops_per_param_token")),
        "train_gpu_years_v100": train.at[0, "gpu_years_at_peak"],
        "train_cost_v100_usd": train.at[0, "cost_usd"],
        "train_gpu_years_v100_like_for_like": train.at[1, "gpu_years_at_peak"],
        "train_cost_v100_like_for_like_usd": train.at[1, "cost_usd"],
        "train_gpu_years_a100": train.at[2, "gpu_years_at_peak"],
        "train_cost_a100_usd": train.at[2, "cost_usd"],
        "infer_cost_a100_usd_per_1k": infer.at[0, "cost_usd_per_1k"],
        "infer_margin_a100": infer.at[0, "gross_margin"],
        "infer_margin_a100_at_2023_price": infer.at[1, "gross_margin"],
        "infer_cost_h100_usd_per_1k": infer.at[2, "cost_usd_per_1k"],
        "infer_margin_h100": infer.at[2, "gross_margin"],
        "infer_cost_h100_like_for_like_usd_per_1k": infer.at[3, "cost_usd_per_1k"],
        "infer_margin_h100_like_for_like": infer.at[3, "gross_margin"],
    }
    f["train_cost_drop_report"] = f["train_cost_v100_usd"] / f["train_cost_a100_usd"]
    f["train_cost_drop_like_for_like"] = f["train_cost_v100_like_for_like_usd"] / f["train_cost_a100_usd"]
    f["h100_vs_a100_peak_report"] = _tflops("h100_pcie_inference") / _tflops("a100_inference")
    f["h100_vs_a100_peak_like_for_like"] = _tflops("h100_pcie_inference", True) / _tflops("a100_inference", True)
    yours = your_server(p)
    f["train_gpu_years_yours"] = yours.at[0, "gpu_years_at_peak"]
    f["train_cost_yours_usd"] = yours.at[0, "cost_usd"]
    f["infer_cost_yours_usd_per_1k"] = yours.at[1, "cost_usd_per_1k"]
    f["infer_margin_yours"] = yours.at[1, "gross_margin"]
    for sid, cost in apps.items():
        f[f"app_daily_cost_{sid}_1m_dau"] = cost
    return {k: float(v) for k, v in f.items()}

