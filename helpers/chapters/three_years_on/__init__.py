"""Three years on: the report's three pricing models rerun at dated 2023–2026 prices.

Every function takes a ``price_date``: the prices in force on that day are the latest row of each dated
table (``gpu_rental_prices``, ``server_prices``, ``api_prices``) on or before it. On or before the report's
own date the report's inputs are used (``helpers.chapters.pricing.report_params``), so the report's date
gives the report's figures. Formulas are ``helpers.formulas.costs``; nothing here re-derives them.

Like is compared with like. The report rents its A100 server from AWS under a one-year commitment
(Savings Plans), so today's rent is AWS's 8 × H100 instance (``p5.48xlarge``) under a one-year commitment
(``rent_basis = "commitment"``, the default); ``rent_basis = "on-demand"`` takes the same instance on demand,
the other half of a market that has split. The FLOP-price trend is measured from the dates the report's
prices applied (``cloud_prices.price_date``: the A100 instance's launch price from November 2020, its current
price from the report's date), both ways.

The modules, by concern: ``parameters`` (``validate``), ``dates``, ``api`` (API prices and capability classes),
``gpus`` (rental offers, servers, datasheets), ``models`` (the three models at a date: ``figures_at``),
``trend`` (the report's FLOP-price trend), ``figures`` (``figures(p)``: every figure the prose cites, glued),
``tables`` and ``charts``. The names below are re-exported here for the notebook, the tests and the exercises.
"""
from __future__ import annotations

from helpers.chapters.three_years_on import tables
from helpers.chapters.three_years_on.api import (
    BLEND_INPUT_SHARE,
    CLASS_MODELS,
    api_prices_usd,
    blended_usd_per_1m,
    cheapest_in_class,
    class_price_series,
    cny_per_usd,
    fx_note,
    latest_api_prices,
    threshold_pct,
)
from helpers.chapters.three_years_on.dates import EARLIEST_DATE, latest_date, on_or_before, report_date, since_report
from helpers.chapters.three_years_on.figures import figures
from helpers.chapters.three_years_on.gpus import (
    H100_SXM,
    LIKE_FOR_LIKE_H100,
    RENT_BASES,
    RENT_INSTANCE,
    RENT_PROVIDER,
    dense_tflops,
    h100_server_price,
    like_for_like_h100_offers,
    like_for_like_h100_usd_per_gpu_hour,
    rent_class,
    rent_offer,
    rentals,
)
from helpers.chapters.three_years_on.models import (
    comparison,
    fall_factors,
    figures_at,
    inputs,
    measured_efficiency,
    open_run,
    open_run_cost_usd,
)
from helpers.chapters.three_years_on.parameters import RULES, parse_rent_basis, validate
from helpers.chapters.three_years_on.trend import (
    claim_band,
    claim_factor_range,
    faster_or_slower,
    flop_claim,
    flop_price_falls,
    usd_per_pflop_hour,
)


def key_tables(p: dict) -> dict:
    """The chapter's key tables for a run's validated parameters, as data (a rerun writes each as CSV): each figure at
    the report's date beside its value at ``price_date``, the API prices and the GPU rentals recorded by then."""
    day = p["price_date"]
    return {"comparison": comparison(day, p["utilization"], p["rent_basis"]), "api_prices": latest_api_prices(day),
            "gpu_rentals": rentals(day)}


__all__ = [
    "BLEND_INPUT_SHARE", "CLASS_MODELS", "EARLIEST_DATE", "H100_SXM", "LIKE_FOR_LIKE_H100", "RENT_BASES", "RENT_INSTANCE",
    "RENT_PROVIDER", "RULES", "api_prices_usd", "blended_usd_per_1m", "cheapest_in_class", "claim_band",
    "claim_factor_range", "class_price_series", "cny_per_usd", "comparison", "dense_tflops", "fall_factors",
    "faster_or_slower", "figures", "figures_at", "flop_claim", "flop_price_falls", "fx_note", "h100_server_price",
    "inputs", "key_tables", "latest_api_prices", "latest_date", "like_for_like_h100_offers", "like_for_like_h100_usd_per_gpu_hour",
    "measured_efficiency", "on_or_before", "open_run", "open_run_cost_usd", "parse_rent_basis", "rent_class",
    "rent_offer", "rentals", "report_date", "since_report", "tables", "threshold_pct", "usd_per_pflop_hour", "validate",
]
