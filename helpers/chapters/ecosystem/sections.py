"""The report's chapter-1 sections: its claims, lists and company tables (``eco_claims``, ``eco_lists`` ...)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.data import load, lookup
from helpers.errors import DataError

# --- the report's chapter-1 sections: claims, lists, companies -------------------------------------
SECTIONS = ("architecture", "niches", "operations", "landscape", "new_companies", "model_companies",
            "app_companies", "language_apps", "multimodal_apps")


def claims(section: str) -> pd.DataFrame:
    """The report's claims of one chapter-1 section (``data/eco_claims.csv``), in table order."""
    if section not in SECTIONS:
        raise DataError(f"section = {section!r} is not a chapter-1 section of eco_claims; allowed: {', '.join(SECTIONS)}")
    c = load("eco_claims")
    return c[c["section"] == section].reset_index(drop=True)


def claim(claim_id: str, column: str = "value") -> float:
    """One stated figure of ``data/eco_claims.csv`` (``value`` or ``value_high``); the claim must carry one."""
    x = lookup("eco_claims", claim_id, column)
    if not isinstance(x, float) or np.isnan(x):
        raise DataError(f"data/eco_claims.csv: row claim_id = {claim_id!r}, column {column!r} is empty; "
                        "that claim states no figure")
    return x


def list_items(list_id: str) -> pd.DataFrame:
    """The items of one enumeration of ``data/eco_lists.csv``, in the report's order."""
    items = load("eco_lists")
    items = items[items["list_id"] == list_id].sort_values("item_order")
    if items.empty:
        known = ", ".join(sorted(load("eco_lists")["list_id"].unique()))
        raise DataError(f"list_id = {list_id!r} is not in data/eco_lists.csv; allowed: {known}")
    return items.reset_index(drop=True)


def lists_table(list_ids: list[str]) -> pd.DataFrame:
    """Several enumerations as one table: one row per list, its items joined "English (中文)"."""
    rows = []
    for lid in list_ids:
        it = list_items(lid)
        rows.append({"list_en": it["list_en"].iloc[0],
                     "items": "; ".join(f"{e} ({z})" if e != z else e for e, z in zip(it["item_en"], it["item_zh"]))})
    return pd.DataFrame(rows)


def ai_waves() -> pd.DataFrame:
    """The report's four waves of AI: how long each took (years; a low–high range for deep learning) and
    the start of the newest one. Read from ``eco_lists`` (names) and ``eco_claims`` (figures)."""
    names = list_items("ai_waves")
    ids = ("wave1_expert_knowledge_years", "wave2_shallow_ml_years", "wave3_deep_learning_years")
    rows = []
    for i, (zh, en) in enumerate(zip(names["item_zh"], names["item_en"])):
        if i < len(ids):
            low = claim(ids[i])
            high = lookup("eco_claims", ids[i], "value_high")
            high = low if not isinstance(high, float) or np.isnan(high) else high
            rows.append({"wave": i + 1, "name_en": en.split(" (")[0], "name_zh": zh, "years_low": low, "years_high": high,
                         "label": f"{low:g} years" if high == low else f"{low:g}–{high:g} years"})
        else:
            start = claim("wave4_start_year")
            rows.append({"wave": i + 1, "name_en": en.split(" (")[0], "name_zh": zh.split("（")[0], "years_low": np.nan,
                         "years_high": np.nan, "label": f"since {start:.0f} (ongoing)"})
    w = pd.DataFrame(rows)
    w["wave_name"] = w["wave"].map(lambda n: f"Wave {n}: ") + w["name_en"]
    return w


def gpt2_to_gpt3() -> dict[str, float]:
    """GPT-2 → GPT-3 as the report states it, and the ratios recomputed from its own figures."""
    p2, p3 = claim("gpt2_params"), claim("gpt3_params")
    d2, d3 = claim("gpt2_data_gb"), claim("gpt3_data_gb")
    return {"gpt2_params": p2, "gpt3_params": p3, "params_ratio_stated": claim("gpt3_over_gpt2_params"),
            "params_ratio_recomputed": p3 / p2, "gpt2_data_gb": d2, "gpt3_data_gb": d3, "data_ratio_recomputed": d3 / d2}


def core_teams() -> pd.DataFrame:
    """Core teams of Adept, Inflection and Character.ai, as the report's company cards print them."""
    return load("eco_core_teams")


def multimodal_startups() -> pd.DataFrame:
    """The Chinese multimodal-application start-ups the report's map names, in map order."""
    return load("eco_multimodal_startups").sort_values("map_order").reset_index(drop=True)


def startup_landscape_q1() -> pd.DataFrame:
    """What survives of the lost 2023-Q1 start-up landscape chart: every Q1 share the text states, by
    dimension (segment; product direction), with the report's qualifier ('nearly' for language)."""
    s = load("eco_startups")
    q = s[(s["period"] == "2023Q1") & s["share"].notna()].copy()
    q["dimension_en"] = q["dimension"].map({"segment": "By segment (sums to about 100 %)",
                                            "product_direction": "By product direction (two of several)"})
    q["label"] = q["category_en"].str.replace(r" \(.*\)$", "", regex=True).str.replace(
        "Underlying technology: large-model companies and toolchain companies", "Large models and toolchains", regex=False)
    q["stated_as"] = np.where(q["share_qualifier"] == "nearly", "stated as 'nearly'", "stated")
    return q.reset_index(drop=True)
