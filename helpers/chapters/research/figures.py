"""The figures the frontier-research chapter's prose cites, recorded (glued) in one call: ``figures(p)``."""
from __future__ import annotations

import calendar

import pandas as pd

from helpers.chapters.research import affiliation_counts, company_share, paper_figures, papers, report_figures, sections
from helpers.data import load
from helpers.prose import Figures


def _counts(F: Figures, chosen: pd.DataFrame) -> None:
    """The chosen sections' paper counts: in all, identified, by organisation type and by section (follow the parameters)."""
    ident = chosen[chosen["identified_by"] != "unidentified"]
    F.glue("papers_total", float(len(chosen)))
    F.glue("papers_identified", float(len(ident)))
    F.glue("papers_unidentified", float(len(chosen) - len(ident)))
    F.glue("papers_by_company_share", company_share(chosen))
    for kind, n in affiliation_counts(chosen).items():
        F.glue(f"papers_{kind}_only" if kind != "mixed" else "papers_mixed", float(n))
    for s in sections():
        F.glue(f"papers_{s}", float((chosen["section"] == s).sum()))


def _report(F: Figures) -> None:
    """What the report and its papers say, and what the extracted text keeps (never follows the parameters)."""
    for name, value in report_figures().items():
        F.quote(name, value)
    for name, value in paper_figures().items():
        F.quote(name, value)
    every_paper = load("papers")
    F.quote("tribute_papers_preserved", float((every_paper["section"] == "tribute_2022").sum()))
    footnoted = every_paper[every_paper["footnote"].notna()]
    F.quote("footnote_lists", float(footnoted["section"].nunique()))
    F.quote("footnoted_papers", float(len(footnoted)))
    month = every_paper.set_index("paper_id")["month"]
    F.quote("instructgpt_month", f"{pd.Timestamp(month['ouyang2022training'] + '-01'):%B %Y}")
    F.quote("rombach_month", f"{pd.Timestamp(month['rombach2021high'] + '-01'):%B %Y}")
    F.quote("llama_month", calendar.month_name[int(report_figures()["llama_release_month"])])
    checks = load("research_figures")
    F.quote("figures_total", float(len(checks)))
    F.quote("figures_checked", float(checks["paper_value"].notna().sum()))
    F.quote("figures_differ", float(checks["paper_check"].fillna("").str.startswith("Differs").sum()))


def figures(p: dict[str, list[str]]) -> Figures:
    """Every figure the chapter's prose cites, for the validated parameters ``p`` (``research.validate``): the
    counts of the chosen sections' papers glued, the report's and its papers' figures quoted, the list closed."""
    F = Figures()
    _counts(F, papers(p["sections"], p["org_types"]))
    _report(F)
    F.close()
    return F
