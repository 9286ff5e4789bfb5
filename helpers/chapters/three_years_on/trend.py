"""The report's FLOP-price trend (40–50 % every 2.5 years) against dated prices.

The trend is measured from the dates the report's prices applied (``cloud_prices.price_date``: the A100 instance's
launch price from November 2020, its current price from the report's date), both ways.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from helpers.chapters import pricing
from helpers.chapters.three_years_on.dates import report_date
from helpers.chapters.three_years_on.gpus import dense_tflops, rent_offer
from helpers.data import load, lookup


def flop_claim() -> pd.Series:
    """The report's claim that FLOP prices fall 40–50 % every 2.5 years (``now_claims.csv``, ``flop_price_fall``)."""
    return load("now_claims").set_index("claim_id").loc["flop_price_fall"]


def claim_band(start_date: dt.date, start_price: float, until: dt.date) -> pd.DataFrame:
    """The report's claim as a band: ``price × (1 − fall)^(years / 2.5)`` for the claim's low and high fall."""
    c = flop_claim()
    days = pd.date_range(start_date, until, periods=24)
    years = (days - pd.Timestamp(start_date)).days / 365.25
    return pd.DataFrame({"date": days.strftime("%Y-%m-%d"),
                         "slow": start_price * (1 - c["fall_low_share"]) ** (years / c["period_years"]),
                         "fast": start_price * (1 - c["fall_high_share"]) ** (years / c["period_years"])})


def claim_factor_range(start: dt.date, end: dt.date) -> tuple[float, float]:
    """Fall factors (old ÷ new) the claim implies between two dates: low (40 %) and high (50 %)."""
    c = flop_claim()
    years = (end - start).days / 365.25
    return (float((1 - c["fall_low_share"]) ** (-years / c["period_years"])),
            float((1 - c["fall_high_share"]) ** (-years / c["period_years"])))


def usd_per_pflop_hour(usd_per_gpu_hour: float, dense_tflops: float) -> float:
    """Price of one hour of a petaFLOP/s of dense peak: the rent per GPU-hour over the GPU's peak (USD)."""
    return usd_per_gpu_hour / (dense_tflops / 1000)


def flop_price_falls(day: dt.date, basis: str = "commitment") -> pd.DataFrame:
    """The fall in the price of a FLOP from each of the report's two A100 prices to today's H100 rent on ``basis``,
    beside the fall the report's trend (40–50 % every 2.5 years) implies over the same span.

    One row per reading: from the launch price (``aws_p4d_launch``, applying from the instance's launch) and from
    the report's current price (``aws_p4d_ohio``, applying at the report's date). Dense peaks both ways (A100 312,
    H100 SXM from ``gpu_specs``).
    """
    a100 = lookup("gpu_tflops", "a100_training", "like_for_like_tflops")
    prices = load("cloud_prices").set_index("price_id")
    if day <= report_date():   # the report's own rent is today's: its current A100 price
        day = report_date()
        now_price = usd_per_pflop_hour(float(prices.at["aws_p4d_ohio", "usd_per_hour"]) / float(prices.at["aws_p4d_ohio", "gpus_per_instance"]), a100)
    else:
        now_price = usd_per_pflop_hour(float(rent_offer(day, basis)["usd_per_gpu_hour"]), dense_tflops("h100_sxm"))
    rows = []
    for pid, reading in (("aws_p4d_launch", "from the A100 instance's launch price"), ("aws_p4d_ohio", "from the report's current A100 price")):
        start = prices.at[pid, "price_date"]
        then_price = usd_per_pflop_hour(float(prices.at[pid, "usd_per_hour"]) / float(prices.at[pid, "gpus_per_instance"]), a100)
        lo, hi = claim_factor_range(start, day)
        fall = then_price / now_price
        rows.append({"reading": reading, "price_id": pid, "from_date": start, "to_date": day,
                     "years": (day - start).days / 365.25, "then_usd_per_pflop_hour": then_price,
                     "now_usd_per_pflop_hour": now_price, "fall_factor": fall, "trend_low": lo, "trend_high": hi,
                     "versus_trend": pricing.position_in_range(fall, lo, hi)})
    return pd.DataFrame(rows)


def faster_or_slower(factor_a: float, factor_b: float, tolerance: float = 0.05) -> str:
    """How one fall factor compares with another: ``"faster than"``, ``"slower than"`` or ``"about as fast as"``."""
    ratio = factor_a / factor_b
    return "faster than" if ratio > 1 + tolerance else "slower than" if ratio < 1 - tolerance else "about as fast as"
