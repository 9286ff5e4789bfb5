"""The pricing chapter's tables as the notebook shows them: one function per table, with its formats, labels and
caption, so a notebook cell is one call (``pricing.tables.infra_points(p)``).

Money is written ``USD 1,234`` (``helpers.tables.usd``); a source note in ``data/`` that writes ``$190`` is shown as
``USD 190`` by ``helpers.tables`` itself.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from IPython.display import HTML

import helpers.chapters.pricing.audit as audit
import helpers.chapters.pricing.beyond as beyond
import helpers.chapters.pricing.layers as layers
from helpers import tables
from helpers.data import load


def _pct0(x: float) -> str:
    return tables.pct(x, 0)


def _pct2(x: float) -> str:
    return tables.pct(x, 2)


def _figure(x: float, unit: str = "") -> str:
    """A figure of the errata as the report prints it: fractions as percentages, others to six significant digits;
    empty for missing."""
    if pd.isna(x):
        return ""
    return f"{x:.2%}" if unit == "fraction" else f"{x:,.6g}"


def infra_points(p: dict[str, float]) -> HTML:
    """Gross margin of one rented DGX A100 at the report's utilizations and the chosen one."""
    return tables.show(layers.infra_points(p),
                 formats={"utilization": tables.pct, "annual_revenue_usd": tables.usd, "annual_cost_usd": tables.usd,
                          "report_printed": tables.pct, "report_method": _pct2, "exact": _pct2},
                 labels={"utilization": "Utilization", "annual_revenue_usd": "Revenue per year",
                         "annual_cost_usd": "Depreciation per year", "report_printed": "Report, as printed",
                         "report_method": "Report's method (money rounded to 10,000 USD)", "exact": "Exact"},
                 caption="Gross margin of one rented DGX A100 at the report's utilizations and the chosen one")


def training(p: dict[str, float]) -> HTML:
    """Cost of one GPT-3-class training run on rented AWS GPUs (``layers.training_table``)."""
    return tables.show(layers.training_table(p).drop(columns="label"),
                 formats={"peak_tflops": tables.num, "instance_usd_per_hour": lambda x: tables.usd(x, 2),
                          "gpu_years_at_peak": lambda x: tables.num(x, 1), "cost_usd": tables.usd},
                 labels={"case": "Case", "peak_tflops": "Peak TFLOPS used", "instance_usd_per_hour": "Instance USD per hour",
                         "gpu_years_at_peak": "GPU-years at peak", "cost_usd": "Cost of one run"},
                 caption="Cost of one GPT-3-class training run on rented AWS GPUs")


def inference(p: dict[str, float]) -> HTML:
    """Inference cost and API gross margin of the chosen model, GPU cost only (``layers.inference_table``)."""
    return tables.show(layers.inference_table(p).drop(columns="label"),
                 formats={"peak_tflops": tables.num, "cost_usd_per_1k": lambda x: tables.usd(x, 6),
                          "price_usd_per_1k": lambda x: tables.usd(x, 4), "gross_margin": tables.pct},
                 labels={"case": "Case", "peak_tflops": "Peak TFLOPS used", "cost_usd_per_1k": "GPU cost per 1K tokens",
                         "price_usd_per_1k": "Price per 1K tokens", "gross_margin": "Gross margin"},
                 caption=f"Inference cost and API gross margin of a {tables.human(p['model_params'])}-parameter model, GPU cost only")


def your_server(p: dict[str, float]) -> HTML:
    """Training and serving the chapter's model on your server (``layers.your_server``)."""
    return tables.show(layers.your_server(p),
                 formats={"peak_tflops": tables.num, "usd_per_gpu_hour": lambda x: tables.usd(x, 2), "efficiency": tables.pct,
                          "gpu_years_at_peak": lambda x: tables.num(x, 1), "cost_usd": tables.usd,
                          "cost_usd_per_1k": lambda x: tables.usd(x, 6), "gross_margin": tables.pct},
                 labels={"use": "Use", "peak_tflops": "Peak TFLOPS (dense BF16)", "usd_per_gpu_hour": "Rent per GPU-hour",
                         "efficiency": "Share of peak", "gpu_years_at_peak": "GPU-years at peak", "cost_usd": "Cost of one run",
                         "cost_usd_per_1k": "GPU cost per 1K tokens", "gross_margin": "Margin at gpt-3.5-turbo's price"},
                 caption=f"Training and serving a {tables.human(p['model_params'])}-parameter model on your server")


def apps(p: dict[str, float]) -> HTML:
    """Daily API cost of the report's three application archetypes at one and ten million DAU."""
    sc = load("app_scenarios")
    at = layers.app_costs(p).pivot(index="scenario_id", columns="dau", values="daily_cost_usd")
    sc["cost_1m_dau"] = sc["scenario_id"].map(at[1_000_000])
    sc["cost_10m_dau"] = sc["scenario_id"].map(at[10_000_000])
    return tables.show(sc[["name_en", "name_zh", "calls_per_user_per_day", "input_tokens_per_call", "output_tokens_per_call",
                     "cost_1m_dau", "cost_10m_dau"]],
                 formats={"calls_per_user_per_day": tables.num, "input_tokens_per_call": tables.num,
                          "output_tokens_per_call": tables.num, "cost_1m_dau": tables.usd, "cost_10m_dau": tables.usd},
                 labels={"name_en": "Scenario", "name_zh": "Report's name", "calls_per_user_per_day": "Calls per user per day",
                         "input_tokens_per_call": "Input tokens per call", "output_tokens_per_call": "Output tokens per call",
                         "cost_1m_dau": "Cost per day, 1M DAU", "cost_10m_dau": "Cost per day, 10M DAU"},
                 caption="Daily API cost of the report's three application archetypes")


def unpriced_plans() -> HTML:
    """The surveyed plans without a comparable per-image or per-word price (``beyond.unpriced_plans``)."""
    return tables.show(beyond.unpriced_plans()[["product", "plan", "price", "currency", "unit", "billing", "note"]],
                 formats={"price": lambda x: "" if np.isnan(x) else f"{x:g}"},
                 labels={"product": "Product", "plan": "Plan", "price": "Price", "currency": "Currency", "unit": "Unit",
                         "billing": "Billing", "note": "Why not charted"},
                 caption="Plans without a comparable per-image or per-word price")


def training_runs() -> HTML:
    """Guohai Securities' training-cost table, as the source gives it."""
    tr = load("training_runs")
    return tables.show(tr[["model_as_reported", "compute_share", "data_share", "labour_share", "run_cost_low_usd",
                     "run_cost_high_usd", "runs_per_year_low", "runs_per_year_high", "annual_cost_usd",
                     "annual_cost_qualifier", "invested_usd"]],
                 formats={"compute_share": _pct0, "data_share": _pct0, "labour_share": _pct0,
                          "run_cost_low_usd": tables.usd, "run_cost_high_usd": tables.usd,
                          "runs_per_year_low": tables.num, "runs_per_year_high": tables.num,
                          "annual_cost_usd": tables.usd, "invested_usd": tables.usd},
                 labels={"model_as_reported": "Model (as the report names it)", "compute_share": "Compute",
                         "data_share": "Data", "labour_share": "Labour", "run_cost_low_usd": "Run cost from",
                         "run_cost_high_usd": "Run cost to", "runs_per_year_low": "Runs a year from",
                         "runs_per_year_high": "to", "annual_cost_usd": "Annual cost",
                         "annual_cost_qualifier": "Qualifier", "invested_usd": "Invested (about)"},
                 caption="Guohai Securities' training-cost table (amounts converted from 万美元; an empty cell is blank in the source)")


def errata() -> HTML:
    """Every printed figure of the three sections against its exact recomputation (``audit.errata``)."""
    err = audit.errata()
    shown = err.assign(report=[_figure(v, u) for v, u in zip(err["report_value"], err["unit"])],
                       exact=[_figure(v, u) for v, u in zip(err["recomputed"], err["unit"])],
                       agrees=err["matches"].map({True: "yes", False: "no"}))
    return tables.show(shown[["section", "description", "report_text", "report", "exact", "unit", "agrees", "cause"]],
                 labels={"section": "Layer", "description": "Figure", "report_text": "Report's words", "report": "Report",
                         "exact": "Exact recomputation", "unit": "Unit", "agrees": "Matches", "cause": "Cause"},
                 caption="The report's printed figures against exact recomputation")


def checked_inputs() -> HTML:
    """The report's hardware and price inputs checked against vendors (``audit.checked_inputs``)."""
    return tables.show(audit.checked_inputs(),
                 formats={"report_value": _figure, "like_for_like": _figure},
                 labels={"input": "Input", "report_value": "Report's value", "unit": "Unit",
                         "what_it_is": "What it is / what we found", "like_for_like": "Like-for-like or vendor value",
                         "like_for_like_label": "Basis"},
                 caption="The report's hardware and price inputs checked against vendors")
