"""Expected answers of the ecosystem chapters' workshop exercises (``ex1_*``: 01_ecosystem, ``ex1b_*``:
01b_companies), computed from ``data/`` through the chapter's helpers and registered with ``@expected``.
Nothing is typed here but row ids and the scenario's name."""
from __future__ import annotations

import pandas as pd

from helpers.chapters import ecosystem
from helpers.data import lookup
from helpers.formulas import market
from helpers.workshop import expected

RMB_SCENARIO = "rmb-7.3-ecosystem"


def iresearch_cagr(from_year: int, to_year: int) -> float:
    """iResearch's implied compound annual growth of China's AIGC market between two stated years (fraction)."""
    return float(market.cagr(ecosystem.market_size("iresearch", from_year), ecosystem.market_size("iresearch", to_year),
                             to_year - from_year))


@expected("ex1_1")
def iresearch_monthly_growth_2023_2030() -> float:
    """Recompute: iResearch's implied compound growth rate per month from 2023 to 2030 (fraction; the chapter
    prints the rate per year, ``market_cagr_2023_2030_iresearch``): 84 periods of a month."""
    months = 12 * (2030 - 2023)
    return float(market.cagr(ecosystem.market_size("iresearch", 2023), ecosystem.market_size("iresearch", 2030),
                             months))


def market_2030_usd_bn(cny_per_usd: float) -> float:
    """iResearch's 2030 market size in USD billion at an exchange rate (CNY per USD), as the chapter converts it."""
    return float(market.cny_100m_to_usd_bn(ecosystem.market_size("iresearch", 2030), cny_per_usd))


@expected("ex1_2")
def market_2030_usd_bn_at_rmb_7_3() -> float:
    """What if: the 2030 market in USD billion with the renminbi at the scenario's rate (``rmb-7.3-ecosystem``;
    glued by the rerun as ``market_size_2030_usd_bn_iresearch``)."""
    from helpers.scenario_files import load_scenario

    return market_2030_usd_bn(float(load_scenario(RMB_SCENARIO)["parameters"]["cny_per_usd"]))


@expected("ex1_3")
def copilot_price_uplift() -> float:
    """Check the source: Microsoft 365 Copilot's price rise as the book records it (fraction of the old price)."""
    return float(lookup("eco_pnl_assumptions", "innovator_price_uplift", "value"))


@expected("ex1b_1")
def data_per_parameter_fall_gpt2_to_gpt3() -> float:
    """Recompute: by what factor the pre-training data per parameter fell from GPT-2 to GPT-3 (GB per parameter
    then ÷ now), from the report's four figures (the chapter prints the two ratios, not this one)."""
    gpt2 = ecosystem.claim("gpt2_data_gb") / ecosystem.claim("gpt2_params")
    gpt3 = ecosystem.claim("gpt3_data_gb") / ecosystem.claim("gpt3_params")
    return float(gpt2 / gpt3)


@expected("ex1b_2")
def language_apps_share() -> float:
    """Check the source: language applications' share of the generative-AI companies founded in the last three
    years, as the language-applications section states it (fraction)."""
    return float(lookup("eco_startups", "language_apps_last_three_years", "share"))


def multimodal_startups_per_category() -> pd.DataFrame:
    """Start-ups named on the report's multimodal map per category: columns ``category_en``, ``startups``."""
    m = ecosystem.multimodal_startups()
    return m.groupby("category_en", sort=False).size().rename("startups").reset_index()


@expected("ex1b_3")
def multimodal_map_counts() -> pd.DataFrame:
    """Recompute: the multimodal map's start-ups counted per category (a table)."""
    return multimodal_startups_per_category()


def innovator_margin_after(**changes: float) -> float:
    """The innovator's operating margin with AI (fraction) at the chapter's defaults with ``changes`` applied, as a
    papermill rerun with those parameters glues it (``pnl_margin_after_innovator``)."""
    p = ecosystem.validate({**ecosystem.report_params(), **changes})
    scen = ecosystem.pnl_scenarios(p).set_index("player_type")
    return float(scen.at["innovator", "margin_after"])


@expected("ex1_4")
def innovator_margin_without_price_rise() -> float:
    """What if: the innovator's operating margin with AI when it cannot raise its price (``innovator_price_uplift`` 0)."""
    return innovator_margin_after(innovator_price_uplift=0.0)
