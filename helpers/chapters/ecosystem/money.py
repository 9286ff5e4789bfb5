"""The ecosystem chapters' start-ups, companies, money and market size, read from ``data/``."""
from __future__ import annotations

import pandas as pd

from helpers.data import load
from helpers.formulas import market

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
