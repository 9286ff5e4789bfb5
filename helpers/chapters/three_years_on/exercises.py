"""Expected answers of the three-years-on chapter's exercises (ex2b_1 … ex2b_4 in ``data/exercises.csv``), computed
from ``data/`` through the chapter's helpers (never typed)."""
from __future__ import annotations

import datetime as dt

from helpers.data import lookup
from helpers.workshop import expected

# The what-if of ex2b_2: today's H100 server rented on demand instead of under a one-year commitment (the report's basis).
WHAT_IF_RENT_BASIS = "on-demand"
# The exercises' own inputs (not a source's figures): each asks for a figure the chapter does not print.
EX2B_1_DEPRECIATION_YEARS = 3.0            # ex2b_1: the H100 server written off in 3 years instead of the chapter's 5
EX2B_4_DAY = dt.date(2024, 12, 31)         # ex2b_4: the price fall from the report's date to the end of 2024


@expected("ex2b_1")
def breakeven_utilization_latest_3_years() -> float:
    """Recompute: break-even utilization of the 8-GPU H100 server at the latest dated prices, written off over
    ``EX2B_1_DEPRECIATION_YEARS`` instead of the chapter's default (fraction)."""
    from helpers.chapters import three_years_on as T
    from helpers.formulas import costs

    x = T.inputs(T.latest_date())
    return float(costs.breakeven_utilization(x["server_price_usd"], EX2B_1_DEPRECIATION_YEARS,
                                             x["rental_usd_per_server_hour"]))


@expected("ex2b_2")
def breakeven_on_demand_latest() -> float:
    """What if: break-even utilization at the latest prices with the server rented on demand (the rerun's
    ``now_infra_breakeven_utilization`` with ``rent_basis`` = ``WHAT_IF_RENT_BASIS``)."""
    from helpers.chapters import three_years_on as T

    return T.figures_at(T.latest_date(), 1.0, WHAT_IF_RENT_BASIS)["infra_breakeven_utilization"]


@expected("ex2b_3")
def report_flop_price_fall_low_share() -> float:
    """Check the source: the low end of the report's fall in the price per FLOP every 2.5 years (fraction)."""
    return float(lookup("now_claims", "flop_price_fall", "fall_low_share"))


@expected("ex2b_4")
def gpt35_class_price_fall_factor_end_2024() -> float:
    """Recompute: cheapest GPT-3.5-class blended API price at the report's date ÷ at ``EX2B_4_DAY`` (the chapter
    prints the factor to its latest date)."""
    from helpers.chapters import three_years_on as T

    then, now = T.cheapest_in_class("gpt35", T.report_date()), T.cheapest_in_class("gpt35", EX2B_4_DAY)
    return float(then["blended_usd_per_1m"] / now["blended_usd_per_1m"])
