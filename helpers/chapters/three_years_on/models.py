"""The report's three pricing models at a date: every input on that day (the report's on or before its date, dated
prices after it), the figures of the infrastructure, model and application layers, and the falls since the report.
Formulas are ``helpers.formulas.costs``; nothing here re-derives them."""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from helpers import tables
from helpers.chapters import pricing
from helpers.chapters.pricing import efficiency
from helpers.chapters.three_years_on.api import CLASS_MODELS, blended_usd_per_1m, cheapest_in_class
from helpers.chapters.three_years_on.dates import report_date
from helpers.chapters.three_years_on.gpus import (
    dense_tflops,
    h100_server_price,
    like_for_like_h100_usd_per_gpu_hour,
    rent_offer,
)
from helpers.data import load, lookup, value
from helpers.formulas import costs


def inputs(day: dt.date, utilization: float = 1.0, basis: str = "commitment") -> dict[str, Any]:
    """Every input of the three models on ``day``: the report's on or before its date, dated prices after it."""
    rp = pricing.report_params()
    base = {"price_date": day.isoformat(), "utilization": utilization, "depreciation_years": rp["depreciation_years"],
            "model_params": rp["model_params"], "training_tokens": rp["training_tokens"],
            "training_efficiency": rp["training_efficiency"], "inference_efficiency": rp["inference_efficiency"]}
    if day <= report_date():
        usd_per_hour, gpus = lookup("cloud_prices", "aws_p4d_launch", "usd_per_hour"), lookup("cloud_prices", "aws_p4d_launch", "gpus_per_instance")
        return {**base, "regime": "report", "server": f"DGX A100 ({gpus:g} × A100), the report's", "server_gpus": int(gpus),
                "server_price_usd": rp["server_price_usd"], "rental_usd_per_server_hour": rp["rental_usd_per_hour"],
                "rental_label": f"AWS p4d.24xlarge at the report's USD {rp['rental_usd_per_hour']:.2f}/h",
                "peak_tflops": lookup("gpu_tflops", "a100_training", "report_tflops"),
                "usd_per_gpu_hour": usd_per_hour / gpus, "gpu_label": f"A100 (p4d.24xlarge, the report's USD {usd_per_hour:.2f}/h)",
                "api_input_usd_per_1k": rp["app_input_usd_per_1k"], "api_output_usd_per_1k": rp["app_output_usd_per_1k"],
                "api_model": "gpt-3.5-turbo (the report's prices)"}
    rent, server, best = rent_offer(day, basis), h100_server_price(day), cheapest_in_class("gpt35", day)
    return {**base, "regime": "dated", "server": f"{server['server']}, {server['price_kind']} of {str(server['observed_date'])[:10]}",
            "server_gpus": int(rent["gpus_per_instance"]),
            "server_price_usd": float(server["price_usd"]), "rental_usd_per_server_hour": float(rent["usd_per_instance_hour"]),
            "rental_label": f"{rent['provider']} {rent['instance']} ({rent['commitment']}, {rent['observed_date']})",
            "peak_tflops": dense_tflops("h100_sxm"), "usd_per_gpu_hour": float(rent["usd_per_gpu_hour"]),
            "gpu_label": f"H100 SXM ({rent['provider']}, USD {rent['usd_per_gpu_hour']:.2f}/GPU-hour)",
            "api_input_usd_per_1k": float(best["input_usd_per_1m"]) / 1000, "api_output_usd_per_1k": float(best["output_usd_per_1m"]) / 1000,
            "api_model": f"{best['provider']} {best['model']} (cheapest GPT-3.5 class)"}


def measured_efficiency() -> float:
    """Whole-call utilisation measured on an H100 at the pricing chapter's serving batch (prefill and decode)."""
    return efficiency.effective_mfu(value("serving_batch"))[1]


def open_run() -> pd.Series:
    """The open model's training run the chapter prices (``open_training_runs.csv``, DeepSeek-V3)."""
    return load("open_training_runs").set_index("run_id").loc["deepseek_v3"]


def open_run_cost_usd(x: dict[str, Any]) -> dict[str, float]:
    """DeepSeek-V3's run priced at ``x``'s GPU: 6·N_active·D at the report's efficiency, and its reported GPU-hours."""
    run = open_run()
    flops = costs.training_flops(run["active_params"], run["training_tokens"], value("train_flops_per_param_token"))
    years = costs.gpu_years(flops, x["peak_tflops"])
    return {"open_train_flops": float(flops),
            "open_train_cost_usd": float(costs.training_cost_usd(years, x["usd_per_gpu_hour"], 1, x["training_efficiency"])),
            "open_train_cost_reported_hours_usd": float(run["reported_gpu_hours"] * x["usd_per_gpu_hour"])}


def figures_at(day: dt.date, utilization: float = 1.0, basis: str = "commitment") -> dict[str, float]:
    """The three models' figures at ``day`` (plain floats; USD, fractions, FLOPs) with today's rent on ``basis``."""
    x = inputs(day, utilization, basis)
    infra = (x["server_price_usd"], x["depreciation_years"], x["rental_usd_per_server_hour"])
    flops = costs.training_flops(x["model_params"], x["training_tokens"], value("train_flops_per_param_token"))
    years = costs.gpu_years(flops, x["peak_tflops"])
    f = {
        "infra_gross_margin": costs.infra_gross_margin(utilization, *infra),
        "infra_breakeven_utilization": costs.breakeven_utilization(*infra),
        "train_cost_gpt3_usd": costs.training_cost_usd(years, x["usd_per_gpu_hour"], 1, x["training_efficiency"]),
        "infer_cost_usd_per_1k": costs.inference_cost_usd_per_1k(x["model_params"], x["usd_per_gpu_hour"], x["peak_tflops"],
                                                                 x["inference_efficiency"], value("infer_flops_per_param_token")),
        "infer_cost_measured_usd_per_1k": costs.inference_cost_usd_per_1k(x["model_params"], x["usd_per_gpu_hour"], x["peak_tflops"],
                                                                          measured_efficiency(), value("infer_flops_per_param_token")),
        "api_blended_usd_per_1k": blended_usd_per_1m(x["api_input_usd_per_1k"], x["api_output_usd_per_1k"]),
        **open_run_cost_usd(x),
    }
    apps = pricing.app_costs({"app_input_usd_per_1k": x["api_input_usd_per_1k"], "app_output_usd_per_1k": x["api_output_usd_per_1k"]})
    for r in apps.itertuples():
        f[f"app_daily_cost_{r.scenario_id}_{_dau_tag(r.dau)}_dau"] = r.daily_cost_usd
    return {k: float(v) for k, v in f.items()}


def _dau_tag(dau: float) -> str:
    """``1e6`` → ``1m``, ``1e7`` → ``10m``: the daily-user count in a glue name."""
    return f"{dau / 1e6:g}m"


def fall_factors(day: dt.date) -> dict[str, float]:
    """Price at the report's date ÷ price at ``day`` (above 1: cheaper now): the cheapest API of each capability
    class, and the report's own H100 offer (Lambda's 1x H100 PCIe on demand) against its own later price."""
    r = report_date()
    out = {f"api_price_fall_factor_{c}_class": float(cheapest_in_class(c, r)["blended_usd_per_1m"]
                                                     / cheapest_in_class(c, max(day, r))["blended_usd_per_1m"])
           for c in CLASS_MODELS}
    out["gpu_rental_fall_factor_h100"] = like_for_like_h100_usd_per_gpu_hour(r) / like_for_like_h100_usd_per_gpu_hour(max(day, r))
    return out


def comparison(day: dt.date, utilization: float = 1.0, basis: str = "commitment") -> pd.DataFrame:
    """Each figure at the report's date beside its value at ``day``, with the factor between them."""
    then, now = figures_at(report_date(), utilization), figures_at(day, utilization, basis)
    rp, run, apps = pricing.report_params(), open_run(), load("app_scenarios")
    labels = {
        "infra_gross_margin": ("Infrastructure", "Cloud gross margin on one rented GPU server", "share"),
        "infra_breakeven_utilization": ("Infrastructure", "Break-even utilization", "share"),
        "train_cost_gpt3_usd": ("Model: training", f"GPT-3-class run ({tables.human(rp['model_params'])} parameters, "
                                f"{tables.human(rp['training_tokens'])} tokens), rented", "USD"),
        "open_train_cost_usd": ("Model: training", f"{run['model']}-size run ({tables.human(run['active_params'])} active, "
                                f"{tables.human(run['training_tokens'])} tokens), rented", "USD"),
        "infer_cost_usd_per_1k": ("Model: inference", f"GPU cost of 1K tokens on a {tables.human(rp['model_params'])} parameter model, "
                                  f"report's {tables.pct(rp['inference_efficiency'], 0)} efficiency", "USD per 1K tokens"),
        "infer_cost_measured_usd_per_1k": ("Model: inference", "GPU cost of 1K tokens at the measured efficiency", "USD per 1K tokens"),
        "api_blended_usd_per_1k": ("Model: inference", "Cheapest GPT-3.5-class API price (3:1 blend, per 1K tokens)", "USD per 1K tokens"),
        **{f"app_daily_cost_{s}_{_dau_tag(dau)}_dau": ("Application", f"{n}, daily API bill at {_dau_tag(dau).upper()} DAU", "USD per day")
           for s, n in zip(apps["scenario_id"], apps["name_en"]) for dau in pricing.SCENARIO_DAU},
    }
    rows = [{"layer": layer, "figure": text, "unit": unit, "key": k, "report_date_value": then[k], "now_value": now[k],
             "factor": then[k] / now[k] if unit != "share" else np.nan} for k, (layer, text, unit) in labels.items()]
    return pd.DataFrame(rows)
