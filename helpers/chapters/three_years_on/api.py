"""API prices of the three-years-on chapter: list prices in USD per million tokens (yuan converted at the dated
rate), the book's 3:1 blend, and the cheapest model of a capability class on a day."""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from helpers.chapters.three_years_on.dates import on_or_before, report_date
from helpers.data import load, lookup
from helpers.errors import ParameterError

# Blend of input and output tokens for one "price per million tokens" (the book's choice, labelled as such):
# three input tokens to one output token, the convention of public LLM price trackers.
BLEND_INPUT_SHARE = 0.75
CLASS_MODELS = {"gpt35": "GPT-3.5", "gpt4": "GPT-4"}


# --- currency ----------------------------------------------------------------------------------------
def _usd_rate(day: dt.date) -> pd.Series:
    """The fx_rates.csv USD row for ``day``: the latest dated on or before it (before the first, the first)."""
    fx = load("fx_rates")
    usd = fx[fx["currency"] == "USD"].assign(d=lambda f: pd.to_datetime(f["rate_date"]).dt.date).sort_values("d")
    before = usd[usd["d"] <= day]
    return before.iloc[-1] if len(before) else usd.iloc[0]


def cny_per_usd(day: dt.date) -> float:
    """CNY per USD on ``day`` (``_usd_rate``)."""
    return float(_usd_rate(day)["cny_per_unit"])


def fx_note(day: dt.date) -> dict[str, Any]:
    """The rate used for ``day`` and its date (for the prose)."""
    usd = _usd_rate(day)
    return {"cny_per_usd": float(usd["cny_per_unit"]), "rate_date": str(usd["rate_date"])[:10], "rate_id": usd["rate_id"]}


# --- API prices ----------------------------------------------------------------------------------------
def blended_usd_per_1m(input_usd_per_1m: Any, output_usd_per_1m: Any) -> Any:
    """One price per million tokens: ``0.75 × input + 0.25 × output`` (the book's 3:1 blend)."""
    return BLEND_INPUT_SHARE * np.asarray(input_usd_per_1m) + (1 - BLEND_INPUT_SHARE) * np.asarray(output_usd_per_1m)


def api_prices_usd(day: dt.date) -> pd.DataFrame:
    """Every API price row in USD per million tokens (CNY converted at ``cny_per_usd(day)``), with its MMLU score."""
    api = load("api_prices").copy()
    rate = np.where(api["currency"] == "CNY", cny_per_usd(day), 1.0)
    api["input_usd_per_1m"] = api["input_per_1m"] / rate
    api["output_usd_per_1m"] = api["output_per_1m"] / rate
    api["blended_usd_per_1m"] = blended_usd_per_1m(api["input_usd_per_1m"], api["output_usd_per_1m"])
    scores = load("benchmark_scores").set_index("model_id")["score_pct"]
    api["mmlu_pct"] = api["model_id"].map(scores)
    api["lineage"] = api["provider"] + " " + api["model_id"].fillna(api["model"])  # one model's successive prices
    return api


def latest_api_prices(day: dt.date) -> pd.DataFrame:
    """The latest recorded API price of each model (one lineage: e.g. gpt-3.5-turbo's snapshots) on ``day``."""
    return on_or_before(api_prices_usd(day), "effective_date", day).sort_values("effective_date").groupby("lineage").tail(1)


def threshold_pct(class_id: str) -> float:
    """The 2023 MMLU score that defines a capability class (``gpt35`` or ``gpt4``)."""
    return float(lookup("benchmark_scores", class_id, "score_pct"))


def cheapest_in_class(class_id: str, day: dt.date) -> pd.Series:
    """The cheapest model (3:1 blended USD price) scoring at or above the class's 2023 MMLU, on ``day``.

    Each model's latest price on or before ``day`` counts (a model's snapshots are one lineage, ``model_id``);
    models without a checked score are left out.
    """
    api = on_or_before(api_prices_usd(day), "effective_date", day)
    api = api[api["mmlu_pct"] >= threshold_pct(class_id)].sort_values("effective_date")
    current = api.groupby("lineage", as_index=False).tail(1)
    if current.empty:
        raise ParameterError(f"parameter 'price_date' = {day} is before the first {CLASS_MODELS[class_id]}-class price; "
                             f"allowed: from {load('api_prices')['effective_date'].min()}")
    return current.sort_values("blended_usd_per_1m").iloc[0]


def class_price_series(class_id: str, until: dt.date) -> pd.DataFrame:
    """Cheapest class price at every date a price changed, up to ``until`` (a step series)."""
    api = load("api_prices")
    days = sorted({pd.Timestamp(d).date() for d in api["effective_date"]} | {report_date(), until})
    rows = []
    for d in days:
        if d > until:
            continue
        try:
            best = cheapest_in_class(class_id, d)
        except ParameterError:
            continue
        rows.append({"date": d.isoformat(), "capability_class": f"{CLASS_MODELS[class_id]} class (MMLU ≥ {threshold_pct(class_id):g})",
                     "model": f"{best['provider']} {best['model']}", "mmlu_pct": best["mmlu_pct"],
                     "blended_usd_per_1m": float(best["blended_usd_per_1m"]),
                     "input_usd_per_1m": float(best["input_usd_per_1m"]), "output_usd_per_1m": float(best["output_usd_per_1m"])})
    return pd.DataFrame(rows)
