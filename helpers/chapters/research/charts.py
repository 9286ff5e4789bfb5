"""The frontier-research chapter's charts."""
from __future__ import annotations

import altair as alt
import pandas as pd

from helpers.charts import BLUE, GREEN, LIGHT_GREY, MID_BLUE, ORANGE
from helpers.data import load

# Section names are long ("The 'slow thinking' of large models 大模型的“慢思考”"): never cut them.
LABEL_LIMIT_PX = 0          # Vega: 0 means no limit
ORG_COLOURS = {"company": BLUE, "mixed": MID_BLUE, "university": GREEN, "lab": ORANGE}


def _names() -> dict[str, str]:
    s = load("research_sections")
    return dict(zip(s["section"], s["name_en"] + " " + s["name_zh"]))


def _order(names: dict[str, str] | None = None) -> list[str]:
    names = names or _names()
    return [names[s] for s in load("research_sections").sort_values("order")["section"]]


def _names_en() -> dict[str, str]:
    s = load("research_sections")
    return dict(zip(s["section"], s["name_en"]))


def papers_per_section(papers: pd.DataFrame) -> alt.Chart:
    """Stacked bars: papers per section, by the type of organisation their authors belong to."""
    d = papers.assign(section_name=papers["section"].map(_names()),
                      org=papers["org_type"].fillna("not identified"))[["section_name", "org"]]
    domain = [o for o in ORG_COLOURS if o in set(d["org"])] + (["not identified"] if "not identified" in set(d["org"]) else [])
    return alt.Chart(d).mark_bar().encode(
        y=alt.Y("section_name:N", title=None, sort=_order(), axis=alt.Axis(labelLimit=LABEL_LIMIT_PX)),
        x=alt.X("count():Q", title="Papers (count)", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("org:N", title="Authors' organisations", scale=alt.Scale(
            domain=domain, range=[ORG_COLOURS.get(o, LIGHT_GREY) for o in domain])),
        order=alt.Order("org:N"),
        tooltip=[alt.Tooltip("section_name:N", title="Section"), alt.Tooltip("org:N", title="Organisations"),
                 alt.Tooltip("count():Q", title="Papers")]
    ).properties(width=360, height=210,
                 title=alt.Title(f"{len(papers)} papers across {papers['section'].nunique()} sections",
                                 subtitle="Papers the report's research chapter cites, by their authors' organisations"),
                 description="Bar chart of papers per section: " + "; ".join(
                     f"{s}: {n}" for s, n in papers["section"].value_counts().sort_index().items()))


def papers_by_org_type(ident: pd.DataFrame) -> alt.Chart:
    """Bars: identified papers by organisation type."""
    d = ident.groupby("org_type").size().rename("papers").reset_index()
    return alt.Chart(d).mark_bar().encode(
        y=alt.Y("org_type:N", title=None, sort="-x"),
        x=alt.X("papers:Q", title="Identified papers (count)", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("org_type:N", legend=None, scale=alt.Scale(domain=list(ORG_COLOURS), range=list(ORG_COLOURS.values()))),
        tooltip=[alt.Tooltip("org_type:N", title="Organisation type"), alt.Tooltip("papers:Q", title="Papers")]
    ).properties(width=320, height=140,
                 title=alt.Title("Who wrote the papers the report cites",
                                 subtitle="'mixed': company authors with university or lab authors"),
                 description="Bar chart of identified papers by organisation type: " + "; ".join(
                     f"{o}: {n}" for o, n in zip(d["org_type"], d["papers"])))


def quarter_ticks(dates: pd.Series) -> list[dict[str, int]]:
    """Vega-Lite date objects for the first month of every quarter from the first to the last date."""
    start = pd.Timestamp(dates.min()).to_period("Q").start_time
    stop = pd.Timestamp(dates.max())
    return [{"year": t.year, "month": t.month, "date": 1} for t in pd.date_range(start, stop, freq="QS")]


def release_timeline(ident: pd.DataFrame) -> alt.Chart:
    """Points: identified papers by month of first release and section (a tick per quarter, labelled by month)."""
    dated = ident[ident["month"].notna()]
    d = pd.DataFrame({"title": dated["title"], "org_type": dated["org_type"],
                      "date": pd.to_datetime(dated["month"] + "-01"), "section_name": dated["section"].map(_names_en()),
                      "section_zh": dated["section"].map(_names())})
    return alt.Chart(d).mark_circle(size=90, opacity=0.85).encode(
        x=alt.X("date:T", title="Month of first release",
                axis=alt.Axis(format="%b %Y", values=quarter_ticks(d["date"]), labelAngle=0, labelOverlap=False)),
        y=alt.Y("section_name:N", title=None, sort=_order(_names_en()), axis=alt.Axis(labelLimit=LABEL_LIMIT_PX)),
        color=alt.Color("org_type:N", title="Authors' organisations",
                        scale=alt.Scale(domain=list(ORG_COLOURS), range=list(ORG_COLOURS.values()))),
        tooltip=[alt.Tooltip("title:N", title="Paper"), alt.Tooltip("section_zh:N", title="Section"),
                 alt.Tooltip("date:T", format="%B %Y", title="Released"),
                 alt.Tooltip("org_type:N", title="Organisations")]
    ).properties(width=400, height=210,
                 title=alt.Title(f"Released between {d['date'].min():%B %Y} and {d['date'].max():%B %Y}",
                                 subtitle="Identified papers by month of first release (arXiv version 1)"),
                 description="Timeline of papers: " + "; ".join(f"{t[:40]} ({dd:%Y-%m})" for t, dd in zip(d["title"], d["date"])))
