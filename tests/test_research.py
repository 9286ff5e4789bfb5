"""The frontier-research chapter: the paper table, the bibliography, parameters and reruns."""
from __future__ import annotations

import re

import pytest
from conftest import NOTEBOOKS, ROOT, assert_quotes_unchanged, has_tooltips, run_notebook

from helpers import charts
from helpers.chapters import research
from helpers.chapters.research import charts as research_charts
from helpers.data import load
from helpers.errors import ParameterError
from machinery import rerun

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


def test_the_notebook_glues_what_figures_records():
    """The chapter's figures come from one call, ``figures(p)``: at the defaults it records exactly what the
    committed notebook glued, with the same values."""
    from helpers.chapters.research import figures as research_figures

    p = research.validate({"sections": research.sections(), "org_types": list(research.ORG_TYPES)})
    F = research_figures.figures(p)
    glued = rerun.glued_figures(NB)
    assert set(glued) == set(F.values) | {"quoted_figures"}
    assert {k: glued[k] for k in F.values} == F.values and glued["quoted_figures"] == F.quoted


@pytest.mark.slow
def test_rerun_on_one_section(tmp_path):
    out = run_notebook(NB, tmp_path / "r.ipynb", sections=["safety"])
    assert_quotes_unchanged(out, NB)
    g = rerun.glued_figures(out)
    n = (load("papers")["section"] == "safety").sum()
    assert g["papers_total"] == n and g["papers_safety"] == n and g["papers_agents"] == 0
    assert g["tribute_papers_preserved"] == 5
    full = rerun.glued_figures(NB)
    assert full["papers_total"] == len(load("papers")) and full["papers_unidentified"] + full["papers_identified"] == full["papers_total"]


# --- the essay (issue 13) ---------------------------------------------------------------------------
def _essay_sources() -> str:
    import json

    cells = json.loads(NB.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code" and "research.cite(" in "".join(c["source"]))


def _page_text() -> str:
    """Everything the executed notebook shows: Markdown cells and every text/markdown or text/html output."""
    import json

    out = []
    for c in json.loads(NB.read_text(encoding="utf-8"))["cells"]:
        if c["cell_type"] == "markdown":
            out.append("".join(c["source"]))
        for o in c.get("outputs", []):
            for kind in ("text/markdown", "text/html"):
                if kind in o.get("data", {}):
                    out.append("".join(o["data"][kind]))
    return "\n".join(out)


def test_every_paper_is_cited_in_the_essay_in_its_own_section():
    import json

    p = load("papers").set_index("paper_id")
    cells = json.loads(NB.read_text(encoding="utf-8"))["cells"]
    heading, seen = None, {}
    names = load("research_sections").set_index("name_zh")
    for c in cells:
        src = "".join(c["source"])
        if c["cell_type"] == "markdown" and src.startswith("## "):
            zh = src[src.find("(") + 1:src.rfind(")")] if "(" in src else ""
            heading = names.index.get_loc(zh) if zh in names.index else None
            heading = names.iloc[heading]["section"] if heading is not None else None
        elif "research.cite(" in src:
            for i in research.cited_ids(src):
                seen.setdefault(i, heading)
    assert set(seen) == set(p.index), f"not cited: {sorted(set(p.index) - set(seen))}"
    wrong = {i: s for i, s in seen.items() if s != p.at[i, "section"]}
    assert not wrong, f"cited first outside their own section: {wrong}"


def test_cite_links_the_canonical_page_and_refuses_unknown_ids():
    text = research.cite("see [@yao2023tree; @hu2023thought]")
    assert text == ("see ([Yao et al. 2023](https://arxiv.org/abs/2305.10601); "
                    "[Hu and Clune 2023](https://arxiv.org/abs/2306.00323))")
    with pytest.raises(KeyError, match=r"\[@nosuch2023\]: no such paper_id in data/papers.csv"):
        research.cite("[@nosuch2023]")


def test_every_named_thing_and_paper_is_on_the_page():
    """A reader of the report finds each name (mentions table) and each paper title on the executed page."""
    import html as h

    page = h.unescape(_page_text())
    m = load("research_mentions")
    missing = [n for n in m["name_en"] if n not in page]
    assert not missing, missing
    titles = [t for t in load("papers")["title"] if t not in page]
    assert not titles, titles
    # a few the issue names, checked in the essay itself
    for name in ["Jeff Dean", "LLaMA", "羊驼", "no moat", "AutoGPT", "BabyAGI", "GPT-Engineer", "post-Turing-test",
                 "社会对齐", "emergence", "confidence calibration", "Tim Dettmers", "Fei-Fei Li", "Lee Sedol", "Messi",
                 "Hinton", "Mega-NeRF", "MidJourney", "Riffusion", "Voyager", "UniAD"]:
        assert name in page, name


def test_every_figure_of_the_chapter_is_quoted_by_the_notebook():
    g = rerun.glued_figures(NB)
    figures = load("research_figures")
    for fid, v in zip(figures["figure_id"], figures["value"]):
        assert g[fid] == pytest.approx(v), fid
    assert set(figures["figure_id"]) <= set(g["quoted_figures"])


def test_crowd_worker_figure_is_marked_as_differing():
    f = load("research_figures").set_index("figure_id").loc["crowd_llm_share"]
    assert (f["value"], f["value_high"], f["paper_value"], f["paper_value_high"]) == (0.30, 0.40, 0.33, 0.46)
    assert f["paper_check"].startswith("Differs") and f["unit"] != f["paper_unit"]
    assert "33-46" not in load("papers").set_index("paper_id").at["veselovsky2023artificial", "identification_basis"].split("does not match")[0]


def test_affiliation_counts_by_hand():
    p = load("papers")
    counts = research.affiliation_counts(p)
    assert sum(counts.values()) == len(p[p["identified_by"] != "unidentified"])
    assert counts["university"] == (p["org_type"] == "university").sum()
    assert counts["company"] == (p["org_type"] == "company").sum()


def test_company_share_is_not_presented_as_proof_of_the_reports_claim():
    page = _page_text()
    assert "out-researches universities holds" not in page.split("What the extracted text keeps, and two claims")[0]
    assert "research investment and talent density" in page


def test_timeline_ticks_are_quarters_labelled_by_month_and_labels_are_never_cut():
    p = research.papers(research.sections(), list(research.ORG_TYPES))
    ident = p[p["identified_by"] != "unidentified"]
    spec = charts.spec_of(research_charts.release_timeline(ident))
    axis = spec["encoding"]["x"]["axis"]
    assert axis["format"] == "%b %Y" and all(v["month"] in (1, 4, 7, 10) for v in axis["values"])
    assert len(axis["values"]) >= 6
    for chart in (research_charts.release_timeline(ident), research_charts.papers_per_section(p)):
        assert charts.spec_of(chart)["encoding"]["y"]["axis"]["labelLimit"] == 0


def test_quarter_ticks():
    import pandas as pd

    ticks = research_charts.quarter_ticks(pd.Series(pd.to_datetime(["2021-12-01", "2022-05-01"])))
    assert ticks == [{"year": 2021, "month": 10, "date": 1}, {"year": 2022, "month": 1, "date": 1},
                     {"year": 2022, "month": 4, "date": 1}]


def test_mentions_refuse_an_unknown_section():
    with pytest.raises(ValueError, match="section='robots' has no rows in data/research_mentions.csv"):
        research.mentions("robots")


def test_figures_table_formats_shares_and_ranges():
    from helpers.chapters.research import tables as research_tables

    h = research_tables.figures_html("x")
    assert "30%–40%" in h and "33%–46% (share of crowd workers)" in h and "0.3–150" in h and "as early as 2026" in h
    assert "$" not in h and "误报率设置为  1e - 5" in h        # the report's TeX span, without the signs JupyterLab typesets


def test_no_figure_is_typed_into_the_essay():
    """Numbers in the prose come from data/ through {fields}; digits left are names (GPT-4, T5, 3D, the
    report's title, the tribute year of its heading) or citation keys."""
    import json

    allowed = re.compile(r"\[@[^\]]+\]|GPT-\d|\bT5\b|Noise2Music|\b3D\b|2020s|State of Generative AI 2023|"
                         r"tribute_2022|\b2022\b")
    for c in json.loads(NB.read_text(encoding="utf-8"))["cells"]:
        src = "".join(c["source"])
        if c["metadata"].get("workshop"):   # exercise cells: ids, commands (a block, or inline code such as a
            # rerun("03_frontier_research", …) call), the report's Chinese sentences quoted
            src = re.sub(r"(?s:```.*?```)|`[^`\n]*`|\bex\d+[a-z]?_\d+\b|[\u4e00-\u9fff][^()（）\n]*[\u4e00-\u9fff]", "", src)
        if c["cell_type"] == "markdown" or "F.say" in src:
            text = allowed.sub("", re.sub(r"\{[^{}]*\}", "", src))
            assert not re.search(r"\d", text), re.findall(r".{30}\d.{10}", text)


def test_each_section_anchor_is_a_heading_of_the_chapter():
    """research_sections.anchor is the id Sphinx gives the section's heading (docutils' make_id of its text)."""
    import json

    from docutils.nodes import make_id

    headings = [make_id("".join(c["source"]).splitlines()[0][3:])
                for c in json.loads(NB.read_text(encoding="utf-8"))["cells"]
                if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("## ")]
    s = load("research_sections")
    assert set(s["anchor"]) <= set(headings), sorted(set(s["anchor"]) - set(headings))
    assert s.loc[s["status"] == "partial", "lost_en"].notna().all()      # a partial section says what was lost


@pytest.mark.slow
def test_what_if_exercise_ex3_2_equals_the_papermill_rerun(tmp_path):
    """Exercise ex3_2's solution (through the helpers) equals what the exercise's papermill rerun glues."""
    from helpers.workshop import expected_answer

    out = tmp_path / "out.ipynb"
    assert rerun.main([str(NB), str(out), "-p", "sections", '["agents", "multimodal", "embodied"]']) == 0
    glued = rerun.glued_figures(out)["papers_by_company_share"]
    assert expected_answer("ex3_2") == pytest.approx(glued, rel=1e-12)
    assert glued != rerun.glued_figures(NB)["papers_by_company_share"]   # the assumption changes the figure
