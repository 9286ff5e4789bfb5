"""The regulation chapter: instruments by jurisdiction and date, local targets, funds and bonds."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from helpers import params
from helpers.data import load, lookup, report_published

JURISDICTIONS = ("CN", "US", "EU")
JURISDICTION_NAMES = {"CN": "China 中国", "US": "United States 美国", "EU": "European Union 欧盟"}
EARLIEST = dt.date(2000, 1, 1)


def report_date() -> dt.date:
    """The report's publication date (the default ``as_of``)."""
    return report_published()


def validate(values: dict[str, Any]) -> dict[str, Any]:
    """``jurisdictions`` (a non-empty list drawn from CN, US, EU) and ``as_of`` (an ISO date)."""
    return {"jurisdictions": params.check_subset("jurisdictions", values.get("jurisdictions"), list(JURISDICTIONS)),
            "as_of": params.parse_date("as_of", values.get("as_of"), EARLIEST)}


def _dated() -> pd.DataFrame:
    """All instrument rows with an effective date: the source's own, else the date a later check found."""
    r = load("reg_instruments")
    stated = r["date"].map(lambda d: isinstance(d, dt.date))
    checked = r["later_status_date"].map(lambda d: isinstance(d, dt.date))
    r["effective_date"] = r["date"].where(stated, r["later_status_date"])
    r["date_basis"] = ["stated by the source" if s else "from a later check" if c else "undated"
                       for s, c in zip(stated, checked)]
    return r


def instruments(jurisdictions: list[str], as_of: dt.date) -> pd.DataFrame:
    """Dated instrument rows of the chosen jurisdictions on or before ``as_of``."""
    r = _dated()
    r = r[r["jurisdiction"].isin(jurisdictions) & (r["date_basis"] != "undated")]
    r = r[r["effective_date"].map(lambda d: d <= as_of)].copy()
    r["jurisdiction_name"] = r["jurisdiction"].map(JURISDICTION_NAMES)
    return r.sort_values("effective_date").reset_index(drop=True)


def undated(jurisdictions: list[str]) -> pd.DataFrame:
    """Instrument rows with no date at all (listed, not counted on the timeline)."""
    r = _dated()
    return r[r["jurisdiction"].isin(jurisdictions) & (r["date_basis"] == "undated")].reset_index(drop=True)


def instrument_counts(jurisdictions: list[str], as_of: dt.date) -> dict[str, int]:
    """Distinct instruments (``instrument_key``) dated on or before ``as_of``, in total and per jurisdiction.

    A jurisdiction not chosen counts zero.
    """
    r = instruments(jurisdictions, as_of)
    out = {"total": int(r["instrument_key"].nunique())}
    for j in JURISDICTIONS:
        out[j.lower()] = int(r[r["jurisdiction"] == j]["instrument_key"].nunique())
    return out


def target(target_id: str) -> float:
    """A quantified local target, 亿 CNY."""
    return float(lookup("local_targets", target_id, "value_cny_100m"))


def special_bonds() -> pd.DataFrame:
    """The special-bond quota series in our reading of its order (see the table's reading_note)."""
    return load("cyzone_special_bonds").sort_values("year").reset_index(drop=True)


def city_plan_matrix() -> pd.DataFrame:
    """First-tier cities' plans as a dimension × city table (items joined)."""
    c = load("local_city_plans")
    order = ["compute", "data", "industry", "ecosystem", "cross_region"]
    c["dimension"] = pd.Categorical(c["dimension"], [d for d in order if d in set(c["dimension"])] +
                                    sorted(set(c["dimension"]) - set(order)))
    return (c.sort_values(["dimension", "item_no"]).groupby(["dimension", "city_en"], observed=True)["item_en"]
            .apply(lambda s: " • ".join(s)).unstack("city_en").reset_index())
