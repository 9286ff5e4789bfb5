"""Beyond the report: Guohai Securities' product prices and training-cost shares, QbitAI's revenue models."""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.data import load

BILLING_LABELS = {"one_off": "one-off pack", "month": "monthly plan", "year": "yearly plan", "free": "free"}


def product_unit_prices(cny_per_usd: float, cny_per_gbp: float) -> pd.DataFrame:
    """Priced plans with a stated quantity of images or words, in USD per image / per 1K words."""
    cny_per = {"CNY": 1.0, "USD": cny_per_usd, "GBP": cny_per_gbp}
    df = load("product_prices")
    df = df[df["price"].notna() & df["quantity"].notna() & df["unit"].isin(["image", "word"])].copy()
    df["price_usd"] = df["price"] * df["currency"].map(cny_per) / cny_per_usd
    per = np.where(df["unit"] == "word", 1000.0, 1.0)
    df["units_per_price_unit"] = per
    df["usd_per_unit"] = df["price_usd"] / df["quantity"] * per
    df["price_unit"] = np.where(df["unit"] == "word", "USD per 1K words", "USD per image")
    df["billing_label"] = df["billing"].map(BILLING_LABELS)
    return df.reset_index(drop=True)


def unpriced_plans() -> pd.DataFrame:
    """Plans the survey lists without a comparable per-unit price (free, unlimited, per item or credit)."""
    df = load("product_prices")
    keep = df["price"].isna() | df["quantity"].isna() | ~df["unit"].isin(["image", "word"])
    return df[keep].reset_index(drop=True)


def revenue_mix() -> pd.DataFrame:
    """Revenue-model shares in 2023 and 2027, with the status of each 2027 figure."""
    rm = load("revenue_models")
    rows = []
    for _, r in rm.iterrows():
        has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in str(r["name_zh"]))
        name = f"{r['name_en']} {r['name_zh']}" if has_cjk else r["name_en"]   # no Latin duplicate of the English
        if pd.notna(r["share_now"]):
            rows.append({"model_id": r["model_id"], "revenue_model": name, "year": "2023", "share": r["share_now"],
                         "status": "stated"})
        if pd.notna(r["share_2027_reading"]):
            status = "stated" if pd.notna(r["share_2027"]) else "our interpretation"
            rows.append({"model_id": r["model_id"], "revenue_model": name, "year": "2027",
                         "share": r["share_2027_reading"], "status": status})
    return pd.DataFrame(rows)


def sub_item_shares() -> pd.DataFrame:
    """Each sub-item's share of its category at the low and high ends of Guohai's ranges.

    ``of_category_low = share_low(item) / share_low(category)``, likewise at the high end; items the
    source leaves blank are dropped. The two ratios are equal for the compute items, not for data labelling.
    """
    df = load("training_cost_shares")
    top = df[df["parent_id"].isna()].set_index("item_id")
    sub = df[df["parent_id"].notna() & df["share_low"].notna()].copy()
    sub["of_category_low"] = sub["share_low"] / sub["parent_id"].map(top["share_low"])
    sub["of_category_high"] = sub["share_high"] / sub["parent_id"].map(top["share_high"])
    sub["fixed_share"] = np.isclose(sub["of_category_low"], sub["of_category_high"])
    return sub.reset_index(drop=True)


def training_cost_ranges() -> pd.DataFrame:
    """Training-cost items with their share ranges; sub-items carry their parent's name."""
    df = load("training_cost_shares")
    names = df.set_index("item_id")["item_en"]
    df["group"] = [names[p] if isinstance(p, str) else names[i] for i, p in zip(df["item_id"], df["parent_id"])]
    df["level"] = np.where(df["parent_id"].isna(), "cost category", "item within category")
    return df

