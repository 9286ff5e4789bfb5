"""The ecosystem chapter's parameters (``RULES``, ``validate``), its layers and its income-statement model."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from helpers import params
from helpers.data import load, lookup
from helpers.errors import ParameterError
from helpers.formulas import pnl

# The chapter's papermill parameters: allowed range and meaning (validated by `validate`).
RULES: dict[str, params.Rule] = {
    "cny_per_usd": params.Rule("exchange rate for converting forecasts, Chinese yuan per US dollar"),
    "forecast_base_year": params.Rule("base year of the growth rates; a year the iResearch forecast states before 2030",
                               low=2023, high=2028, low_open=False, integer=True),
    "baseline_gross_margin": params.Rule("gross margin before AI, share of revenue", **params.FRACTION),
    "baseline_opex_share": params.Rule("operating expenses before AI, share of revenue", **params.SHARE_OF_REVENUE),
    "incumbent_ai_cost_share": params.Rule("incumbent's extra AI cost, share of revenue", **params.SHARE_OF_REVENUE),
    "innovator_price_uplift": params.Rule("innovator's price rise, share of the old price", low=0.0, high=10.0, low_open=False),
    "innovator_ai_cost_share": params.Rule("innovator's extra AI cost, share of revenue", **params.SHARE_OF_REVENUE),
    "adopter_ai_cost_share": params.Rule("adopter's AI cost, share of revenue", **params.SHARE_OF_REVENUE),
    "adopter_labour_saved_share": params.Rule("adopter's labour cost saved, share of revenue", **params.SHARE_OF_REVENUE),
}


PLAYER_TYPES = ("incumbent", "innovator", "adopter")
PLAYER_NAMES = {"incumbent": "Incumbent 守成者", "innovator": "Innovator 创新者", "adopter": "Adopter 采纳者"}
LAYERS = ("infrastructure", "model", "application")
LAYER_NAMES = {"infrastructure": "Infrastructure 基础设施层", "model": "Model 模型层", "application": "Application 应用层"}


def report_params() -> dict[str, float]:
    """The chapter's parameters at their defaults, read from ``data/``."""
    a = load("eco_pnl_assumptions").set_index("assumption_id")["value"]
    return {
        "cny_per_usd": average_rate_2023(),
        "forecast_base_year": 2023.0,
        **{k: float(a[k]) for k in RULES if k in a.index},
    }


def average_rate_2023() -> float:
    """2023 average CNY per USD (SAFE central-parity average), from ``fx_rates``."""
    return float(lookup("fx_rates", "USD_2023_AVG", "cny_per_unit"))


def base_years() -> list[float]:
    """Years before 2030 for which iResearch states a market size: the allowed base years."""
    f = load("market_forecasts")
    stated = f[(f["forecaster"] == "iresearch") & f["market_size_cny_100m"].notna() & (f["year"] < 2030)]
    return sorted(float(y) for y in stated["year"])


@params.with_lang
def validate(values: Mapping[str, Any]) -> dict[str, float]:
    """Validate the chapter's parameters; one ParameterError naming parameter, value and range."""
    p = params.validate(values, RULES)
    params.check_choice("forecast_base_year", p["forecast_base_year"], base_years())
    if p["adopter_labour_saved_share"] > p["baseline_opex_share"]:
        raise ParameterError(
            f"parameter 'adopter_labour_saved_share' = {values['adopter_labour_saved_share']!r} exceeds "
            f"baseline_opex_share = {values['baseline_opex_share']!r}; allowed: 0 ≤ adopter_labour_saved_share ≤ baseline_opex_share")
    return p


# --- layers ----------------------------------------------------------------------------------------
def players_per_layer() -> pd.DataFrame:
    """Distinct companies each report names per layer (our layer mapping, as in the table)."""
    pl = load("players_by_layer")
    src = load("sources").set_index("source_id")["publisher"]
    pl = pl[pl["layer"].notna()]
    out = pl.groupby(["source_id", "layer"])["company_zh"].nunique().rename("companies").reset_index()
    out["report"] = out["source_id"].map(src)
    out["layer_name"] = out["layer"].map(LAYER_NAMES)
    return out


# --- enterprise operations ------------------------------------------------------------------------
def pnl_scenarios(p: Mapping[str, float]) -> pd.DataFrame:
    """Operating margin before and after AI for the three player types."""
    a = load("eco_pnl_assumptions").set_index("assumption_id")["value"]
    rows = []
    for t in PLAYER_TYPES:
        uplift = p.get(f"{t}_price_uplift", float(a[f"{t}_price_uplift"]))
        ai = p[f"{t}_ai_cost_share"]
        saved = p.get(f"{t}_labour_saved_share", 0.0)
        before = pnl.operating_margin_before(p["baseline_gross_margin"], p["baseline_opex_share"])
        after = pnl.operating_margin_after(p["baseline_gross_margin"], p["baseline_opex_share"], uplift, ai, saved)
        rows.append({"player_type": t, "player": PLAYER_NAMES[t], "price_uplift": uplift, "ai_cost_share": ai,
                     "labour_saved_share": saved, "margin_before": before, "margin_after": after,
                     "profit_change": pnl.operating_profit_change(uplift, ai, saved)})
    return pd.DataFrame(rows)
