"""Which input moves the pricing chapter's answers most: each input 10 % down and up, one at a time, the others at the
run's values (``helpers.sensitivity``), over the closed-form headline figures, all runs in one vectorised call, so it
runs at build time and in every sweep."""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from helpers import sensitivity as oat
from helpers.chapters.pricing.inputs import OPTIONAL_RULES, RULES, resolve
from helpers.data import load, value
from helpers.formulas import costs

# The inputs varied, with a short label each. Left out: the exchange rates and the serving batch (no headline figure
# depends on them), ``gpu`` (a name), and ``rental_usd_per_gpu_hour`` and ``gpus_per_server``, which only convert the
# server's rent between its units (and a whole number of GPUs cannot move by 10 %).
INPUT_LABELS: dict[str, str] = {
    "utilization": "utilization",
    "server_price_usd": "server price",
    "depreciation_years": "depreciation period",
    "rental_usd_per_hour": "server rent per hour",
    "gpu_tflops": "GPU peak TFLOPS",
    "training_usd_per_gpu_hour": "training rent per GPU-hour",
    "inference_usd_per_gpu_hour": "serving rent per GPU-hour",
    "model_params": "model parameters",
    "training_tokens": "training tokens",
    "training_efficiency": "training efficiency",
    "inference_efficiency": "serving efficiency",
    "app_input_usd_per_1k": "API input price",
    "app_output_usd_per_1k": "API output price",
}

# The headline figures, and the one each pricing layer's tornado chart shows.
HEADLINES = ("infra_gross_margin", "infra_breakeven_utilization", "train_cost_yours_usd", "infer_cost_yours_usd_per_1k",
             "infer_margin_yours", "app_daily_cost_query_tool_1m_dau", "app_daily_cost_research_assistant_1m_dau",
             "app_daily_cost_chatbot_1m_dau")
SECTION_FIGURE = {"infrastructure": "infra_gross_margin", "model": "infer_margin_yours",
                  "application": "app_daily_cost_chatbot_1m_dau"}


def headline_figures(q: Mapping[str, Any]) -> dict[str, np.ndarray | float]:
    """The headline figures (``HEADLINES``) from resolved inputs whose numbers may be arrays: many runs in one call,
    with the formulas ``key_figures`` uses (a test holds the two equal)."""
    a = {k: np.asarray(v, dtype=float) for k, v in q.items() if not isinstance(v, str)}
    years = costs.gpu_years(costs.training_flops(a["model_params"], a["training_tokens"], value("train_flops_per_param_token")),
                            a["gpu_tflops"])
    serve = costs.inference_cost_usd_per_1k(a["model_params"], a["inference_usd_per_gpu_hour"], a["gpu_tflops"],
                                            a["inference_efficiency"], value("infer_flops_per_param_token"))
    infra = (a["server_price_usd"], a["depreciation_years"], a["rental_usd_per_hour"])
    out = {
        "infra_gross_margin": costs.infra_gross_margin(a["utilization"], *infra),
        "infra_breakeven_utilization": costs.breakeven_utilization(*infra),
        "train_cost_yours_usd": costs.training_cost_usd(years, a["training_usd_per_gpu_hour"], 1, a["training_efficiency"]),
        "infer_cost_yours_usd_per_1k": serve,
        "infer_margin_yours": costs.margin_at_price(serve, value("api_price_2023_usd_per_1k")),
    }
    for _, sc in load("app_scenarios").iterrows():
        out[f"app_daily_cost_{sc['scenario_id']}_1m_dau"] = costs.app_daily_cost_usd(
            1_000_000, sc["calls_per_user_per_day"], sc["input_tokens_per_call"], sc["output_tokens_per_call"],
            a["app_input_usd_per_1k"], a["app_output_usd_per_1k"])
    return out


def _allowed(name: str, x: float) -> bool:
    """Whether the chapter accepts ``x`` for the input ``name`` (its rule's range, a whole number where asked)."""
    rule = RULES.get(name) or OPTIONAL_RULES[name]
    return rule.contains(x) and (not rule.integer or float(x).is_integer())


FOLLOWERS = ("training_usd_per_gpu_hour", "inference_usd_per_gpu_hour")   # rents that follow the server's when None


def vary(p: Mapping[str, Any], name: str, x: float) -> dict[str, Any]:
    """The resolved ``p`` with one input set to ``x``, as a rerun with that input changed would resolve it: the
    server's rent per GPU-hour follows its rent per hour and its GPUs, and the training and serving rents follow it
    where they equal it (as they do when left as None)."""
    q = {**p, name: x}
    q["rental_usd_per_gpu_hour"] = q["rental_usd_per_hour"] / q["gpus_per_server"]
    for rent in FOLLOWERS:
        if name != rent and math.isclose(p[rent], p["rental_usd_per_gpu_hour"]):
            q[rent] = q["rental_usd_per_gpu_hour"]
    return q


def _headlines_of_runs(runs: list[dict[str, Any]]) -> list[dict[str, float]]:
    """The headline figures of every run, computed in one vectorised call (``headline_figures``)."""
    numbers = [k for k, v in runs[0].items() if not isinstance(v, str)]
    figures = headline_figures({k: np.array([r[k] for r in runs], dtype=float) for k in numbers})
    columns = {f: np.broadcast_to(figures[f], (len(runs),)) for f in HEADLINES}
    return [{f: float(columns[f][i]) for f in HEADLINES} for i in range(len(runs))]


def sensitivity(p: Mapping[str, Any], step: float = oat.STEP) -> pd.DataFrame:
    """Every headline figure's swing as each input (``INPUT_LABELS``) moves ``step`` down and up, the others at the
    resolved ``p`` (``helpers.sensitivity``'s long table, with the input's label). Each varied run equals a rerun with
    that one input changed (``vary``); a value the chapter refuses (``RULES``) leaves its side empty."""
    integers = [n for n, r in RULES.items() if r.integer]
    table = oat.one_at_a_time(resolve(p), _headlines_of_runs, INPUT_LABELS, HEADLINES, vary=vary, step=step,
                              integers=integers, allowed=_allowed)
    table.insert(1, "input", table["parameter"].map(INPUT_LABELS))
    return table


def top_input(table: pd.DataFrame, figure: str) -> tuple[str, float]:
    """The input that moves ``figure`` most, and its swing; inputs tied with it are named too ("a and b": a ±10 %
    change moves a product of inputs equally)."""
    rows = oat.tornado_rows(table, figure)
    top = float(rows.at[0, "swing"])
    tied = [str(x) for x, s in zip(rows["input"], rows["swing"]) if math.isclose(s, top, rel_tol=1e-9)]
    return (" and ".join(tied) if len(tied) <= 2 else ", ".join(tied[:-1]) + " and " + tied[-1]), top
