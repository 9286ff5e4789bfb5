"""Expected answers of the three-years-on chapter's exercises (ex2b_1 … ex2b_4 in ``data/exercises.csv``), computed
from ``data/`` through the chapter's helpers (never typed)."""
from __future__ import annotations

from helpers.data import lookup
from helpers.workshop import expected

# The what-if of ex2b_2: today's H100 server rented on demand instead of under a one-year commitment (the report's basis).
WHAT_IF_RENT_BASIS = "on-demand"


@expected("ex2b_1")
def breakeven_utilization_latest() -> float:
    """Recompute: break-even utilization of the 8-GPU H100 server at the latest dated prices (fraction)."""
    from helpers.chapters import three_years_on as T

    return T.figures_at(T.latest_date())["infra_breakeven_utilization"]


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
def gpt35_class_price_fall_factor() -> float:
    """Recompute: cheapest GPT-3.5-class blended API price at the report's date ÷ at the latest date."""
    from helpers.chapters import three_years_on as T

    return T.fall_factors(T.latest_date())["api_price_fall_factor_gpt35_class"]
