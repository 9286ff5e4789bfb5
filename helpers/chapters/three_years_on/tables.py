"""The chapter's tables: the three models side by side at two dates, and the dated prices behind them (API list
prices, GPU rental offers, GPU datasheets). Each ``*_html`` builds the table through ``helpers.tables``; the
notebook displays ``side_by_side(p)`` and ``dated_prices(p)`` for its validated parameters ``p``."""
from __future__ import annotations

import datetime as dt
import html
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import HTML

from helpers import tables
from helpers.chapters.three_years_on.api import latest_api_prices
from helpers.chapters.three_years_on.dates import report_date, since_report
from helpers.chapters.three_years_on.gpus import rentals
from helpers.chapters.three_years_on.models import comparison
from helpers.data import load


def _fmt(x: float, unit: str) -> str:
    """A figure in its unit, for the comparison table."""
    if unit == "share":
        return tables.pct(x)
    return tables.usd(x, 5 if unit == "USD per 1K tokens" else 0)


def comparison_html(cmp: pd.DataFrame, then_label: str, now_label: str) -> str:
    """The side-by-side table: each figure at the report's date and at ``price_date``, with the factor."""
    rows = [[html.escape(r.layer), html.escape(r.figure), _fmt(r.report_date_value, r.unit), _fmt(r.now_value, r.unit),
             "—" if np.isnan(r.factor) else f"{r.factor:.2f}×"] for r in cmp.itertuples()]
    return tables.html_table(["Layer", "Figure", html.escape(then_label), html.escape(now_label), "Factor (then ÷ now)"],
                             rows, caption="The report's three pricing models at two dates", numeric=(2, 3, 4))


def prices_html(day: dt.date) -> str:
    """The latest recorded API price of each model (one lineage: e.g. gpt-3.5-turbo's snapshots) on ``day``."""
    rows = [[html.escape(r.provider), html.escape(r.model), str(r.effective_date)[:10],
             f"{r.input_per_1m:g} / {r.output_per_1m:g} {r.currency}",
             f"{tables.usd(r.input_usd_per_1m, 3)} / {tables.usd(r.output_usd_per_1m, 3)}", "—" if np.isnan(r.mmlu_pct) else f"{r.mmlu_pct:g}",
             f'<a href="{html.escape(r.source_url)}">{html.escape(r.source_id)}</a>']
            for r in latest_api_prices(day).sort_values("blended_usd_per_1m").itertuples()]
    return tables.html_table(["Provider", "Model", "Price since", "Input / output per million", "In USD", "MMLU (%)", "Source"],
                             rows, caption="Latest recorded API list price of each model on the chosen date", numeric=(3, 4, 5))


def rentals_html(day: dt.date) -> str:
    """Every GPU rental offer observed on or before ``day``."""
    r = rentals(day).sort_values(["observed_date", "usd_per_gpu_hour"])
    rows = [[str(x.observed_date), html.escape(x.provider), html.escape(x.instance), html.escape(x.gpu),
             html.escape(x.commitment), tables.usd(x.usd_per_instance_hour, 2), tables.usd(x.usd_per_gpu_hour, 2)] for x in r.itertuples()]
    return tables.html_table(["Observed", "Provider", "Instance", "GPU", "Commitment", "Per instance-hour", "Per GPU-hour"],
                             rows, caption="GPU rental offers observed up to the chosen date", numeric=(5, 6))


def _spec(v: float, fmt: str) -> str:
    """A datasheet figure in ``fmt``, or a dash where it is not confirmed."""
    return "—" if pd.isna(v) else format(v, fmt)


def specs_html() -> str:
    """The GPUs' datasheet figures (dense tensor peaks, memory bandwidth, power); blank where not confirmed."""
    rows = [[html.escape(r.gpu), html.escape(r.form_factor), _spec(r.bf16_dense_tflops, ",.0f"), _spec(r.fp8_dense_tflops, ",.0f"),
             _spec(r.memory_bandwidth_tb_s, ".2f"), _spec(r.tdp_w, ",.0f"), f'<a href="{html.escape(r.source_url)}">{html.escape(r.source_id)}</a>']
            for r in load("gpu_specs").itertuples()]
    return tables.html_table(["GPU", "Form", "BF16 dense (TFLOPS)", "FP8 dense (TFLOPS)", "Memory (TB/s)", "TDP (W)", "Source"],
                             rows, caption="Datasheet figures of the GPUs priced here", numeric=(2, 3, 4, 5))


def side_by_side(p: dict[str, Any]) -> HTML:
    """The three models at the report's date and at ``p``'s ``price_date`` (today's rent on ``p``'s basis)."""
    day = p["price_date"]
    return HTML(comparison_html(comparison(day, p["utilization"], p["rent_basis"]),
                                f"At the report ({report_date()})", f"At {day}"))


def dated_prices(p: dict[str, Any]) -> HTML:
    """The dated prices in force on ``p``'s ``price_date`` (from the report's date on): API list prices, GPU rental
    offers, and the GPUs' datasheets."""
    day = since_report(p["price_date"])
    return HTML(prices_html(day) + rentals_html(day) + specs_html())
