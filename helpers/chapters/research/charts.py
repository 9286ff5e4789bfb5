"""The frontier-research chapter's charts."""
from __future__ import annotations

import altair as alt
import pandas as pd

from helpers.data import load


def _names() -> dict[str, str]:
    s = load("research_sections")
    return dict(zip(s["section"], s["name_en"] + " " + s["name_zh"]))


def papers_per_section(papers: pd.DataFrame) -> alt.Chart:
    """Stacked bars: papers per section, identified or not."""
    order = list(load("research_sections").sort_values("order")["section"])
    d = papers.assign(section_name=papers["section"].map(_names()),
                      status=papers["identified_by"].map({"named": "named by the report", "description": "identified from its description",
                                                          "unidentified": "not identified"}))
    names = [_names()[s] for s in order]
    return alt.Chart(d).mark_bar().encode(
        y=alt.Y("section_name:N", title=None, sort=names),
        x=alt.X("count():Q", title="Papers (count)", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("status:N", title=None, scale=alt.Scale(
            domain=["named by the report", "identified from its description", "not identified"],
            range=["#1f5a94", "#7fa6cc", "#c9c9c9"]), legend=alt.Legend(orient="bottom", columns=1)),
        tooltip=[alt.Tooltip("section_name:N", title="Section"), alt.Tooltip("status:N", title="Status"),
                 alt.Tooltip("count():Q", title="Papers")]
    ).properties(width=360, height=200,
                 title=alt.Title(f"{len(papers)} papers across {papers['section'].nunique()} sections",
                                 subtitle="Papers the report's research chapter cites or describes"),
                 description="Bar chart of papers per section: " + "; ".join(
                     f"{s}: {n}" for s, n in papers["section"].value_counts().sort_index().items()))


def papers_by_org_type(ident: pd.DataFrame) -> alt.Chart:
    """Bars: identified papers by organisation type."""
    d = ident.groupby("org_type").size().rename("papers").reset_index()
    return alt.Chart(d).mark_bar(color="#3a9b6e").encode(
        y=alt.Y("org_type:N", title=None, sort="-x"),
        x=alt.X("papers:Q", title="Identified papers (count)", axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("org_type:N", title="Organisation type"), alt.Tooltip("papers:Q", title="Papers")]
    ).properties(width=320, height=140,
                 title=alt.Title("Who did the research", subtitle="Identified papers by their authors' organisations"),
                 description="Bar chart of identified papers by organisation type: " + "; ".join(
                     f"{o}: {n}" for o, n in zip(d["org_type"], d["papers"])))


def release_timeline(ident: pd.DataFrame) -> alt.Chart:
    """Points: identified papers by month of first release and section."""
    d = ident[ident["month"].notna()][["paper_id", "title", "section", "org_type"]].assign(
        date=pd.to_datetime(ident["month"].dropna() + "-01"), section_name=ident["section"].map(_names()))
    return alt.Chart(d).mark_circle(size=90, opacity=0.85).encode(
        x=alt.X("date:T", title="Month of first release", axis=alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": 3})),
        y=alt.Y("section_name:N", title=None, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("org_type:N", title="Organisation type"),
        tooltip=[alt.Tooltip("title:N", title="Paper"), alt.Tooltip("date:T", format="%Y-%m", title="Released"),
                 alt.Tooltip("org_type:N", title="Organisations")]
    ).properties(width=420, height=200,
                 title=alt.Title(f"Released between {d['date'].min():%B %Y} and {d['date'].max():%B %Y}",
                                 subtitle="Identified papers by month of first release"),
                 description="Timeline of papers: " + "; ".join(f"{t[:40]} ({dd:%Y-%m})" for t, dd in zip(d["title"], d["date"])))
