"""The regulation chapter's charts."""
from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from helpers.charts import WIDTH


def timeline(inst: pd.DataFrame, as_of: dt.date) -> alt.Chart:
    """Instruments by date and jurisdiction; hollow points are dates found by a later check."""
    d = inst[["jurisdiction_name", "name_en", "issuer", "date_kind", "date_basis", "source_id"]].assign(
        date=pd.to_datetime(inst["effective_date"]))
    counts = inst.groupby("jurisdiction")["instrument_key"].nunique()
    return alt.Chart(d).mark_point(size=110, filled=True).encode(
        x=alt.X("date:T", title="Date issued, passed or in force", axis=alt.Axis(format="%Y")),
        y=alt.Y("jurisdiction_name:N", title=None),
        color=alt.Color("jurisdiction_name:N", legend=None, scale=alt.Scale(range=["#b8425a", "#7b61a8", "#1f5a94"])),
        shape=alt.Shape("date_basis:N", title="Date", scale=alt.Scale(domain=["stated by the source", "from a later check"],
                                                                     range=["circle", "triangle-up"])),
        tooltip=[alt.Tooltip("name_en:N", title="Instrument"), alt.Tooltip("issuer:N", title="Issuer"),
                 alt.Tooltip("date:T", format="%Y-%m-%d", title="Date"), alt.Tooltip("date_kind:N", title="Date of"),
                 alt.Tooltip("date_basis:N", title="Date basis"), alt.Tooltip("source_id:N", title="Source")]
    ).properties(width=WIDTH - 120, height=170,
                 title=alt.Title(f"China issued {counts.get('CN', 0)} of {inst['instrument_key'].nunique()} instruments dated by {as_of:%d %B %Y}",
                                 subtitle="AI regulatory instruments the reports name, by jurisdiction"),
                 description="Timeline of instruments: " + "; ".join(
                     f"{j} {n} ({dd:%Y-%m})" for j, n, dd in zip(d["jurisdiction_name"], d["name_en"], d["date"])))


def special_bonds(b: pd.DataFrame) -> alt.Chart:
    """Bars of the special-bond quota series (our reading of the order)."""
    d = b[["year", "amount_cny_100m"]].assign(year=b["year"].astype(str))
    return alt.Chart(d).mark_bar(color="#1f5a94").encode(
        x=alt.X("year:N", title="Year (order: our reading)", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("amount_cny_100m:Q", title="Special-bond quota (亿 CNY = 100 million)", axis=alt.Axis(format=",")),
        tooltip=[alt.Tooltip("year:N", title="Year"), alt.Tooltip("amount_cny_100m:Q", format=",.0f", title="亿 CNY")]
    ).properties(width=360, height=240,
                 title=alt.Title(f"Special-bond quotas grew from {d['amount_cny_100m'].iloc[0]:,.0f} to {d['amount_cny_100m'].iloc[-1]:,.0f} 亿 CNY",
                                 subtitle="Local-government special bonds, 2017–2023, as Cyzone charts them (our reading of the order)"),
                 description="Bar chart of special-bond quotas: " + "; ".join(
                     f"{y}: {v:,.0f}" for y, v in zip(d["year"], d["amount_cny_100m"])))


def city_targets(t: pd.DataFrame) -> alt.Chart:
    """Bars of the quantified city targets for 2025."""
    d = t[t["quantified"] == "yes"][["city_en", "city_zh", "target_en", "value_cny_100m", "target_year"]].assign(
        label=lambda x: x["city_en"] + " " + x["city_zh"])
    return alt.Chart(d).mark_bar(color="#3a9b6e").encode(
        y=alt.Y("label:N", title=None, sort="-x"),
        x=alt.X("value_cny_100m:Q", title="Target (亿 CNY = 100 million)", axis=alt.Axis(format=",")),
        tooltip=[alt.Tooltip("label:N", title="City"), alt.Tooltip("target_en:N", title="Target"),
                 alt.Tooltip("value_cny_100m:Q", format=",.0f", title="亿 CNY"), alt.Tooltip("target_year:Q", title="By")]
    ).properties(width=360, height=90,
                 title=alt.Title("Second-tier cities' AI targets for 2025", subtitle="The only quantified city targets the report gives"),
                 description="Bar chart of city targets: " + "; ".join(
                     f"{c}: {v:,.0f} 亿 CNY ({tg})" for c, v, tg in zip(d["label"], d["value_cny_100m"], d["target_en"])))
