"""The talent chapter's charts."""
from __future__ import annotations

import altair as alt
import pandas as pd

from helpers.charts import BLUE

UNIT = {"rows": "printed rows", "scholars": "distinct scholars", "companies": "distinct companies"}


def by_field(counts: pd.DataFrame, count_by: str) -> alt.Chart:
    """Bars: founders' start-ups per AI 2000 field, counted ``count_by``."""
    top = counts.iloc[0]
    return alt.Chart(counts).mark_bar(color=BLUE).encode(
        y=alt.Y("field_en:N", title=None, sort="-x"),
        x=alt.X("count:Q", title=f"Count ({UNIT[count_by]})", axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("field_en:N", title="AI 2000 field"), alt.Tooltip("count:Q", title=UNIT[count_by].capitalize())]
    ).properties(width=360, height=220,
                 title=alt.Title(f"{top['field_en']} leads, with {top['count']} {UNIT[count_by]}",
                                 subtitle="AI 2000 scholars at start-ups founded after GPT-3, by the scholar's AI 2000 field"),
                 description="Bar chart by field: " + "; ".join(f"{f}: {c}" for f, c in zip(counts["field_en"], counts["count"])))


def by_year_country(founders: pd.DataFrame, count_by: str) -> alt.Chart:
    """Stacked bars: units per year, coloured by the company's country as the table prints it."""
    key = {"rows": "row_id", "scholars": "scholar_key", "companies": "company_key"}[count_by]
    d = founders.groupby(["year", "country_en"])[key].nunique().rename("count").reset_index()
    d["year"] = d["year"].astype(str)
    us = d[d["country_en"] == "United States"]["count"].sum()
    return alt.Chart(d).mark_bar().encode(
        x=alt.X("year:N", title="Year (as printed; our reading: the company's founding year)", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title=f"Count ({UNIT[count_by]})", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("country_en:N", title="Country (as printed)", scale=alt.Scale(scheme="tableau10")),
        tooltip=[alt.Tooltip("year:N", title="Year"), alt.Tooltip("country_en:N", title="Country"),
                 alt.Tooltip("count:Q", title=UNIT[count_by].capitalize())]
    ).properties(width=300, height=240,
                 title=alt.Title(f"Most are in the US ({us} of {d['count'].sum()} per-year {UNIT[count_by]})",
                                 subtitle="By year and by the company's country"),
                 description="Stacked bar chart by year and country: " + "; ".join(
                     f"{y} {c}: {n}" for y, c, n in zip(d["year"], d["country_en"], d["count"])))
