"""Local ambition: the cities' targets, the first-tier cities' plans and Cyzone's special bonds."""
from __future__ import annotations

import pandas as pd

from helpers.data import load, lookup


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


def target_year(target_id: str) -> float:
    """The year a local target is set for (e.g. 2025)."""
    return float(lookup("local_targets", target_id, "target_year"))
