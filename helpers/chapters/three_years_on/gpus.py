"""GPU rental and server prices of the three-years-on chapter: every rental offer (the report's and the dated
table's), the kind of rent each is, today's like-for-like rent of the report's server, and GPU datasheet peaks.

Like is compared with like. The report rents its A100 server from AWS under a one-year commitment (Savings
Plans), so today's rent is AWS's 8 × H100 instance (``p5.48xlarge``) under a one-year commitment
(``rent_basis = "commitment"``, the default); ``"on-demand"`` takes the same instance on demand.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from helpers.chapters.three_years_on.dates import on_or_before, report_date
from helpers.data import load, lookup
from helpers.errors import ParameterError

H100_SXM = "NVIDIA H100 SXM"
LIKE_FOR_LIKE_H100 = "lambda_h100_pcie"  # the report's own H100 offer (cloud_prices row; dated rows extend its id)

# The report's rent is a one-year commitment on AWS; today's like-for-like rent is AWS's 8 × H100 instance.
RENT_PROVIDER, RENT_INSTANCE = "Amazon Web Services", "p5.48xlarge"
RENT_BASES = {"commitment": "on a one-year commitment", "on-demand": "on demand"}


def rentals(day: dt.date | None = None) -> pd.DataFrame:
    """Every rental offer per GPU-hour: the report's (cloud_prices, dated at the report) and the dated table's."""
    rep = load("cloud_prices")
    rep = rep[rep["price_id"].isin(["aws_p4d_launch", "lambda_h100_pcie"])]
    report_rows = pd.DataFrame({
        "rental_id": rep["price_id"], "observed_date": report_date().isoformat(), "provider": rep["provider"],
        "instance": rep["instance"], "gpu": rep["gpu"],
        "commitment": rep["report_pricing_label"], "usd_per_instance_hour": rep["usd_per_hour"],
        "gpus_per_instance": rep["gpus_per_instance"], "origin": "the report (2023)"})
    dated = load("gpu_rental_prices").assign(origin="dated price", observed_date=lambda f: f["observed_date"].astype(str).str[:10])
    cols = list(report_rows.columns)
    out = pd.concat([report_rows, dated[cols]], ignore_index=True)
    out["usd_per_gpu_hour"] = out["usd_per_instance_hour"] / out["gpus_per_instance"]
    out["rent_class"] = out["commitment"].map(rent_class)
    out["offer"] = out["provider"] + " " + out["instance"] + " (" + out["commitment"].str.split(",").str[0] + ")"
    return out if day is None else on_or_before(out, "observed_date", day)


def rent_class(commitment: str) -> str:
    """The kind of rent a ``commitment`` text describes: commitment (a term of a year or more), on-demand,
    short reservation (days to months, e.g. AWS Capacity Blocks) or spot."""
    t = commitment.lower()
    if "spot" in t or "preemptible" in t:
        return "spot"
    if "capacity block" in t or "1–182 days" in t:
        return "short reservation"
    if any(k in t for k in ("1-year", "1 year", "one-year", "3-year", "3 year", "savings plan", "reserved instance")):
        return "commitment"
    if "on-demand" in t or "on demand" in t:
        return "on-demand"
    raise ValueError(f"rent_class: commitment {commitment!r} is not recognised; allowed: a text naming a term, "
                     "on-demand, a capacity block or spot")


def _aws_h100_rents(basis: str, day: dt.date | None = None) -> pd.DataFrame:
    """AWS ``p5.48xlarge`` (8 × H100 SXM) rents of ``basis`` recorded on or before ``day`` (every date if None)."""
    r = rentals(day)
    return r[(r["provider"] == RENT_PROVIDER) & (r["instance"] == RENT_INSTANCE) & (r["rent_class"] == basis)]


def rent_offer(day: dt.date, basis: str) -> pd.Series:
    """The latest AWS ``p5.48xlarge`` (8 × H100 SXM) rent of ``basis`` on or before ``day``; an empty Series on or
    before the report's date (the report's own rent applies), a ``ParameterError`` after it when none is recorded."""
    if day <= report_date():
        return pd.Series(dtype=object)
    r = _aws_h100_rents(basis, day)
    if r.empty:
        raise ParameterError(f"parameter 'price_date' = '{day}' is before the first recorded rent of AWS {RENT_INSTANCE} "
                             f"{RENT_BASES[basis]}; allowed with rent_basis '{basis}': "
                             f"from {_aws_h100_rents(basis)['observed_date'].min()}")
    return r.sort_values("observed_date", kind="stable").iloc[-1]


def h100_server_price(day: dt.date) -> pd.Series:
    """The latest 8 × H100 SXM server purchase price on or before ``day``."""
    s = on_or_before(load("server_prices"), "observed_date", day)
    return s[s["gpu"] == H100_SXM].sort_values("observed_date").iloc[-1]


def like_for_like_h100_offers(day: dt.date) -> pd.DataFrame:
    """The report's own H100 offer (Lambda 1x H100 PCIe, on demand) at every date recorded on or before ``day``."""
    r = rentals(day)
    return r[r["rental_id"].str.startswith(LIKE_FOR_LIKE_H100)].sort_values("observed_date")


def like_for_like_h100_usd_per_gpu_hour(day: dt.date) -> float:
    """The report's own H100 offer (Lambda 1x H100 PCIe, on demand): its latest price on or before ``day``."""
    return float(like_for_like_h100_offers(day).iloc[-1]["usd_per_gpu_hour"])


def dense_tflops(gpu_id: str) -> float:
    """Dense BF16 tensor peak from gpu_specs.csv."""
    return float(lookup("gpu_specs", gpu_id, "bf16_dense_tflops"))
