"""The frontier-research chapter: the paper table, the bibliography, parameters and reruns."""
from __future__ import annotations

import re

import pytest

from helpers import charts, rerun
from helpers.chapters import research
from helpers.chapters.research import charts as research_charts
from helpers.data import load
from helpers.errors import ParameterError

from conftest import NOTEBOOKS, ROOT, assert_quotes_unchanged, has_tooltips, run_notebook

NB = NOTEBOOKS / "03_frontier_research.ipynb"


def test_every_row_has_a_section_and_a_footnote_or_is_a_tribute():
    p = load("papers")
    assert p["section"].notna().all()
    assert p[p["section"] != "tribute_2022"]["footnote"].notna().all()
    assert (p["section"] == "tribute_2022").sum() == 5


def test_identified_rows_are_complete_and_arxiv_ids_well_formed():
    p = load("papers")
    ident = p[p["identified_by"] != "unidentified"]
    assert ident["title"].notna().all() and ident["year"].notna().all() and ident["org_type"].notna().all()
    assert ident["source_url"].str.match(r"^https://").all()
    assert ident["checked_via"].dropna().str.match(r"^https?://").all()
    ids = p["arxiv_id"].dropna()
    assert ids.map(lambda x: bool(re.fullmatch(r"\d{4}\.\d{4,5}", x))).all()
    unident = p[p["identified_by"] == "unidentified"]
    assert unident["title"].isna().all()          # never guessed


def test_footnotes_are_unique_within_a_section():
    p = load("papers").dropna(subset=["footnote"])
    assert not p.duplicated(["section", "footnote"]).any()


def test_bibliography_is_generated_from_the_table():
    assert (ROOT / "book" / "references.bib").read_text(encoding="utf-8") == research.bibtex(load("papers"))


def test_company_share_by_hand():
    p = load("papers")
    ident = p[p["identified_by"] != "unidentified"]
    assert research.company_share(p) == pytest.approx(ident["org_type"].isin(["company", "mixed"]).mean())


def test_filters():
    only = research.papers(["agents"], list(research.ORG_TYPES))
    assert set(only["section"]) == {"agents"}
    uni = research.papers(research.sections(), ["university"])
    assert set(uni.loc[uni["identified_by"] != "unidentified", "org_type"]) <= {"university"}


@pytest.mark.parametrize("values, fragment", [
    ({"sections": ["agents", "robots"], "org_types": ["company"]}, "parameter 'sections' = ['agents', 'robots'] has 'robots'"),
    ({"sections": ["agents"], "org_types": ["startup"]}, "parameter 'org_types' = ['startup'] has 'startup'"),
    ({"sections": [], "org_types": ["company"]}, "parameter 'sections' = [] is not a list of names"),
])
def test_bad_parameters(values, fragment):
    with pytest.raises(ParameterError) as info:
        research.validate(values)
    assert fragment in str(info.value) and "allowed" in str(info.value)


def test_charts():
    p = research.papers(research.sections(), list(research.ORG_TYPES))
    ident = p[p["identified_by"] != "unidentified"]
    for chart in (research_charts.papers_per_section(p), research_charts.papers_by_org_type(ident),
                  research_charts.release_timeline(ident)):
        spec = charts.spec_of(chart)
        assert len(spec["description"]) > 40 and has_tooltips(spec)   # alt text that says something; tooltips


def test_rerun_on_one_section(tmp_path):
    out = run_notebook(NB, tmp_path / "r.ipynb", sections=["safety"])
    assert_quotes_unchanged(out, NB)
    g = rerun.glued_figures(out)
    n = (load("papers")["section"] == "safety").sum()
    assert g["papers_total"] == n and g["papers_safety"] == n and g["papers_agents"] == 0
    assert g["tribute_papers_preserved"] == 5
    full = rerun.glued_figures(NB)
    assert full["papers_total"] == len(load("papers")) and full["papers_unidentified"] + full["papers_identified"] == full["papers_total"]
