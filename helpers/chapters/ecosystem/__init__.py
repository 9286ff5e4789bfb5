"""The ecosystem chapter's computations: layers, P&L model, start-ups, companies, money, market size.

Every function reads validated parameters (``validate``) and tables from ``data/``; nothing is
typed here but the names of the rows a chart or sentence picks out.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from helpers import params
from helpers.data import load, lookup
from helpers.errors import DataError, ParameterError
from helpers.formulas import market, pnl

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


# --- start-ups ------------------------------------------------------------------------------------
# The two categories the report tracks from Q1 to H1, paired by us (Q1 names the first one
# "large-model and toolchain companies", H1 "companies focused on underlying technology").
SHIFT_PAIRS = {"Underlying technology (models and tooling)": ("q1_model_and_tooling", "h1_underlying_technology"),
               "Productivity tools": ("q1_productivity_tools", "h1_productivity_tools")}


def startup_shift() -> pd.DataFrame:
    """The two categories whose share the report states for both 2023 Q1 and 2023 H1."""
    s = load("eco_startups").set_index("stat_id")
    rows = [{"stat_id": sid, "category": cat, "period": s.at[sid, "period"],
             "sample_size_approx": s.at[sid, "sample_size_approx"], "share": s.at[sid, "share"],
             "report_text": s.at[sid, "report_text"]}
            for cat, ids in SHIFT_PAIRS.items() for sid in ids]
    return pd.DataFrame(rows)


def startup_share(period: str, dimension: str) -> float:
    """The stated share of one category: underlying technology (segment) or productivity tools."""
    s = startup_shift()
    cat = list(SHIFT_PAIRS)[0] if dimension == "underlying_tech" else list(SHIFT_PAIRS)[1]
    return float(s[(s["period"] == period) & (s["category"] == cat)]["share"].item())


# --- companies ------------------------------------------------------------------------------------
def model_rounds() -> pd.DataFrame:
    """Adept, Inflection and Character.ai rounds with a plottable date (first of the stated month)."""
    r = load("eco_model_company_rounds")
    r["date_start"] = pd.to_datetime(r["date"] + "-01")
    return r


def unicorn_valuations() -> pd.DataFrame:
    """QbitAI's overseas unicorns, in USD billions, with the figure's kind."""
    u = load("unicorns")
    u["valuation_usd_bn"] = u["valuation_usd_100m"] / 10
    return u


# --- money ----------------------------------------------------------------------------------------
def q3_totals() -> dict[str, float]:
    """Cyzone's 2023-Q3 headline figures by metric id."""
    t = load("cyzone_q3_totals").set_index("metric_id")["value"]
    return {k: float(v) for k, v in t.items()}


# --- market size ----------------------------------------------------------------------------------
def market_points(cny_per_usd: float) -> pd.DataFrame:
    """Stated market-size points of both forecasters, in 亿 CNY and in USD billions."""
    f = load("market_forecasts")
    f = f[f["market_size_cny_100m"].notna()].copy()
    src = {"iresearch": "iResearch 艾瑞咨询", "qbitai": "QbitAI 量子位智库"}
    f["forecaster_name"] = f["forecaster"].map(src)
    f["market_size_usd_bn"] = market.cny_100m_to_usd_bn(f["market_size_cny_100m"].to_numpy(), cny_per_usd)
    return f.reset_index(drop=True)


def market_size(forecaster: str, year: int) -> float:
    """One stated market size, 亿 CNY."""
    f = load("market_forecasts")
    row = f[(f["forecaster"] == forecaster) & (f["year"] == year)]
    return float(row["market_size_cny_100m"].item())


def growth_table(base_year: float) -> pd.DataFrame:
    """Implied compound growth from ``base_year`` (and between consecutive stated years) per forecaster."""
    pts = market_points(1.0)
    rows = []
    ire = pts[pts["forecaster"] == "iresearch"].sort_values("year")
    years = ire["year"].tolist()
    values = dict(zip(ire["year"], ire["market_size_cny_100m"]))
    for a, b in zip(years, years[1:]):
        rows.append({"forecaster": "iResearch", "from_year": a, "to_year": b, "from_cny_100m": values[a],
                     "to_cny_100m": values[b], "cagr": market.cagr(values[a], values[b], b - a)})
    base = int(base_year)
    for _, r in pts[pts["year"] > base].iterrows():
        if r["forecaster"] == "iresearch" and (base, r["year"]) in {(x["from_year"], x["to_year"]) for x in rows}:
            continue
        rows.append({"forecaster": r["forecaster_name"].split(" ")[0] + (" (from iResearch's base)" if r["forecaster"] == "qbitai" else ""),
                     "from_year": base, "to_year": r["year"], "from_cny_100m": values[base],
                     "to_cny_100m": r["market_size_cny_100m"],
                     "cagr": market.cagr(values[base], r["market_size_cny_100m"], r["year"] - base)})
    return pd.DataFrame(rows)


# --- the report's chapter-1 sections: claims, lists, companies -------------------------------------
SECTIONS = ("architecture", "niches", "operations", "landscape", "new_companies", "model_companies",
            "app_companies", "language_apps", "multimodal_apps")


def claims(section: str) -> pd.DataFrame:
    """The report's claims of one chapter-1 section (``data/eco_claims.csv``), in table order."""
    if section not in SECTIONS:
        raise DataError(f"section = {section!r} is not a chapter-1 section of eco_claims; allowed: {', '.join(SECTIONS)}")
    c = load("eco_claims")
    return c[c["section"] == section].reset_index(drop=True)


def claim(claim_id: str, column: str = "value") -> float:
    """One stated figure of ``data/eco_claims.csv`` (``value`` or ``value_high``); the claim must carry one."""
    x = lookup("eco_claims", claim_id, column)
    if not isinstance(x, float) or np.isnan(x):
        raise DataError(f"data/eco_claims.csv: row claim_id = {claim_id!r}, column {column!r} is empty; "
                        "that claim states no figure")
    return x


def list_items(list_id: str) -> pd.DataFrame:
    """The items of one enumeration of ``data/eco_lists.csv``, in the report's order."""
    items = load("eco_lists")
    items = items[items["list_id"] == list_id].sort_values("item_order")
    if items.empty:
        known = ", ".join(sorted(load("eco_lists")["list_id"].unique()))
        raise DataError(f"list_id = {list_id!r} is not in data/eco_lists.csv; allowed: {known}")
    return items.reset_index(drop=True)


def lists_table(list_ids: list[str]) -> pd.DataFrame:
    """Several enumerations as one table: one row per list, its items joined "English (中文)"."""
    rows = []
    for lid in list_ids:
        it = list_items(lid)
        rows.append({"list_en": it["list_en"].iloc[0],
                     "items": "; ".join(f"{e} ({z})" if e != z else e for e, z in zip(it["item_en"], it["item_zh"]))})
    return pd.DataFrame(rows)


def ai_waves() -> pd.DataFrame:
    """The report's four waves of AI: how long each took (years; a low–high range for deep learning) and
    the start of the newest one. Read from ``eco_lists`` (names) and ``eco_claims`` (figures)."""
    names = list_items("ai_waves")
    ids = ("wave1_expert_knowledge_years", "wave2_shallow_ml_years", "wave3_deep_learning_years")
    rows = []
    for i, (zh, en) in enumerate(zip(names["item_zh"], names["item_en"])):
        if i < len(ids):
            low = claim(ids[i])
            high = lookup("eco_claims", ids[i], "value_high")
            high = low if not isinstance(high, float) or np.isnan(high) else high
            rows.append({"wave": i + 1, "name_en": en.split(" (")[0], "name_zh": zh, "years_low": low, "years_high": high,
                         "label": f"{low:g} years" if high == low else f"{low:g}–{high:g} years"})
        else:
            start = claim("wave4_start_year")
            rows.append({"wave": i + 1, "name_en": en.split(" (")[0], "name_zh": zh.split("（")[0], "years_low": np.nan,
                         "years_high": np.nan, "label": f"since {start:.0f} (ongoing)"})
    w = pd.DataFrame(rows)
    w["wave_name"] = w["wave"].map(lambda n: f"Wave {n}: ") + w["name_en"]
    return w


def gpt2_to_gpt3() -> dict[str, float]:
    """GPT-2 → GPT-3 as the report states it, and the ratios recomputed from its own figures."""
    p2, p3 = claim("gpt2_params"), claim("gpt3_params")
    d2, d3 = claim("gpt2_data_gb"), claim("gpt3_data_gb")
    return {"gpt2_params": p2, "gpt3_params": p3, "params_ratio_stated": claim("gpt3_over_gpt2_params"),
            "params_ratio_recomputed": p3 / p2, "gpt2_data_gb": d2, "gpt3_data_gb": d3, "data_ratio_recomputed": d3 / d2}


def core_teams() -> pd.DataFrame:
    """Core teams of Adept, Inflection and Character.ai, as the report's company cards print them."""
    return load("eco_core_teams")


def multimodal_startups() -> pd.DataFrame:
    """The Chinese multimodal-application start-ups the report's map names, in map order."""
    return load("eco_multimodal_startups").sort_values("map_order").reset_index(drop=True)


def startup_landscape_q1() -> pd.DataFrame:
    """What survives of the lost 2023-Q1 start-up landscape chart: every Q1 share the text states, by
    dimension (segment; product direction), with the report's qualifier ('nearly' for language)."""
    s = load("eco_startups")
    q = s[(s["period"] == "2023Q1") & s["share"].notna()].copy()
    q["dimension_en"] = q["dimension"].map({"segment": "By segment (sums to about 100 %)",
                                            "product_direction": "By product direction (two of several)"})
    q["label"] = q["category_en"].str.replace(r" \(.*\)$", "", regex=True).str.replace(
        "Underlying technology: large-model companies and toolchain companies", "Large models and toolchains", regex=False)
    q["stated_as"] = np.where(q["share_qualifier"] == "nearly", "stated as 'nearly'", "stated")
    return q.reset_index(drop=True)
