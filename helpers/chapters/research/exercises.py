"""Expected answers of the research chapter's workshop exercises (ex3_1..ex3_3 in ``data/exercises.csv``),
computed from ``data/`` through the chapter's helpers; never typed."""
from __future__ import annotations

from helpers.chapters import research
from helpers.workshop import expected

WHAT_IF_SECTIONS = ["agents", "multimodal", "embodied"]   # ex3_2's assumption: only the applied sections


def company_share_for(sections: list[str]) -> float:
    """Share of identified papers in ``sections`` with at least one company author (what the chapter glues as
    ``papers_by_company_share``), every organisation type counted."""
    return research.company_share(research.papers(sections, list(research.ORG_TYPES)))


ACADEMIC_ORG_TYPES = ["university", "lab", "mixed"]   # ex3_1: a university or lab author ("mixed" has one)


@expected("ex3_1")
def academic_share_all_sections() -> float:
    """Recompute: share of the chapter's identified papers (every section) with at least one university or lab
    author (org_type university, lab or mixed), a fraction; the chapter prints the company share."""
    p = research.papers(research.sections(), list(research.ORG_TYPES))
    identified = p[p["identified_by"] != "unidentified"]
    return float(identified["org_type"].isin(ACADEMIC_ORG_TYPES).mean())


@expected("ex3_2")
def company_share_applied_sections() -> float:
    """What if: ``papers_by_company_share`` when the chapter is rerun with sections agents, multimodal, embodied."""
    return company_share_for(WHAT_IF_SECTIONS)


@expected("ex3_3")
def tribute_papers_selected() -> float:
    """Check the source: how many 2022 papers the report says it selected for its tribute (筛选出这 10 篇论文)."""
    return float(research.report_figures()["tribute_papers_selected"])
