"""Expected answers of the three-years-on chapter's exercises (ex2b_1 … ex2b_4 in ``data/exercises.csv``), computed
from ``data/`` through the chapter's helpers (never typed)."""
from __future__ import annotations

import datetime as dt

from helpers.data import lookup
from helpers.workshop import expected

# The what-if date of ex2b_2: one year after the report's publication (2023-07-28), the book's choice.
WHAT_IF_PRICE_DATE = "2024-07-28"


@expected("ex2b_1")
def breakeven_utilization_latest() -> float:
    """Recompute: break-even utilization of the 8-GPU H100 server at the latest dated prices (fraction)."""
    from helpers.chapters import three_years_on as T

    return T.figures(T.latest_date())["infra_breakeven_utilization"]


@expected("ex2b_2")
def train_cost_gpt3_one_year_on_usd() -> float:
    """What if: a GPT-3-class training run priced at ``WHAT_IF_PRICE_DATE`` (the rerun's ``now_train_cost_gpt3_usd``)."""
    from helpers.chapters import three_years_on as T

    return T.figures(dt.date.fromisoformat(WHAT_IF_PRICE_DATE))["train_cost_gpt3_usd"]


@expected("ex2b_3")
def report_flop_price_fall_low_share() -> float:
    """Check the source: the low end of the report's fall in the price per FLOP every 2.5 years (fraction)."""
    return float(lookup("now_claims", "flop_price_fall", "fall_low_share"))


@expected("ex2b_4")
def gpt35_class_price_fall_factor() -> float:
    """Recompute: cheapest GPT-3.5-class blended API price at the report's date ÷ at the latest date."""
    from helpers.chapters import three_years_on as T

    return T.fall_factors(T.latest_date())["api_price_fall_factor_gpt35_class"]
