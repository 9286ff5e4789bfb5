"""The talent chapter: counting the founder table three ways, the parameter, papermill reruns."""
from __future__ import annotations

import pytest
from conftest import NOTEBOOKS, assert_quotes_unchanged, has_tooltips, run_notebook

from helpers import charts
from helpers.chapters import talent
from helpers.chapters.talent import charts as talent_charts
from helpers.errors import ParameterError
from machinery import rerun

NB = NOTEBOOKS / "05_talent.ipynb"


def test_three_ways_of_counting():
    assert (talent.total("rows"), talent.total("scholars"), talent.total("companies")) == (25, 23, 21)


def test_repeated_scholars_are_the_cross_field_ones():
    f = talent.founders()
    repeated = f[f.duplicated("scholar_key", keep=False)]
    assert repeated["scholar_key"].nunique() == 2
    assert (repeated.groupby("scholar_key")["field_en"].nunique() == 2).all()


def test_us_share_by_hand():
    f = talent.founders()
    us_companies = f[f["country_en"] == "United States"]["company_key"].nunique()
    assert talent.us_share("companies") == pytest.approx(us_companies / f["company_key"].nunique())
    assert talent.us_share("rows") == pytest.approx((f["country_en"] == "United States").mean())
    for way in talent.COUNT_BY:
        assert abs(talent.us_share(way) - 0.75) < 0.05   # the report's "about 3/4" holds every way


def test_machine_learning_leads_every_way():
    for way in talent.COUNT_BY:
        assert talent.counts_by("field_en", way).iloc[0]["field_en"] == "Machine learning"


def test_no_ethnicity_column():
    assert not {"ethnicity", "nationality"} & set(talent.founders().columns)


@pytest.mark.parametrize("value", ["people", "", None, 3, ["rows"]])
def test_bad_count_by_is_refused(value):
    with pytest.raises(ParameterError, match=r"parameter 'count_by' = .* is not allowed; allowed: one of rows, scholars, companies"):
        talent.validate({"count_by": value})


def test_charts():
    for way in talent.COUNT_BY:
        for chart in (talent_charts.by_field(talent.counts_by("field_en", way), way),
                      talent_charts.by_year_country(talent.founders(), way)):
            spec = charts.spec_of(chart)
            assert len(spec["description"]) > 40 and has_tooltips(spec)   # alt text that says something; tooltips


@pytest.mark.slow
@pytest.mark.parametrize("count_by", ["companies"])   # the other ways are unit-tested through talent.us_share
def test_rerun_counts_follow_count_by(tmp_path, count_by):
    out = run_notebook(NB, tmp_path / "t.ipynb", count_by=count_by)
    assert_quotes_unchanged(out, NB)
    g = rerun.glued_figures(out)
    assert g["founder_us_share"] == pytest.approx(talent.us_share(count_by))
    assert (g["founder_table_rows"], g["founder_distinct_scholars"], g["founder_distinct_companies"]) == (25, 23, 21)


def _prose(nb_path) -> str:
    import json
    cells = json.loads(nb_path.read_text())["cells"]
    text = [("".join(c["source"])) for c in cells if c["cell_type"] == "markdown"]
    for c in cells:
        for o in c.get("outputs", []):
            text.append("".join(o.get("data", {}).get("text/markdown", "")))
    return "\n".join(text)


def test_prose_does_not_call_the_list_most_cited_and_heads_with_the_company_share():
    """Slip 17 of issue 13: 'most-cited' is not the report's word; its 'about 3/4' speaks of start-ups (companies)."""
    prose = _prose(NB)
    assert "most-cited" not in prose.lower() and "most cited" not in prose.lower()
    takeaways = prose[prose.index("Key takeaways"):prose.index("</div>")]
    assert f"**{talent.us_share('companies'):.0%}**" in takeaways
    assert f"{talent.us_share('companies'):.0%}" == "71%"


def test_every_claim_of_the_two_sections_is_on_the_page():
    prose = _prose(NB)
    for name in ("Noam Shazeer", "Manjunath Kudlur", "Dario Amodei", "Richard Socher", "DeepMind", "OpenAI",
                 "Alibaba", "Google, Microsoft and Meta", "the UK is worth watching", "华人"):
        assert name in prose, name


# --- workshop exercises (helpers/chapters/talent/exercises.py) ---------------------------------------------------
@pytest.mark.slow
def test_what_if_ex5_2_solution_equals_the_papermill_rerun(tmp_path):
    """Exercise ex5_2's solution computes through the helpers what `python -m helpers.rerun -p count_by rows` glues."""
    from helpers.workshop import expected_answer

    out = tmp_path / "rows.ipynb"
    assert rerun.main([str(NB), str(out), "-p", "count_by", "rows"]) == 0
    assert expected_answer("ex5_2") == pytest.approx(rerun.glued_figures(out)["founder_us_share"], rel=1e-12)
    assert expected_answer("ex5_2") != pytest.approx(talent.us_share("scholars"))   # the rerun changes the figure


def test_exercise_answers_differ_where_the_questions_say_they_do():
    from helpers.workshop import expected_answer

    assert expected_answer("ex5_3") == talent.total("rows") != talent.total("scholars")   # the report counts rows
    f = talent.founders()
    twice = set(expected_answer("ex5_4"))
    assert len(twice) == talent.total("rows") - talent.total("scholars")
    assert all(f.loc[f["scholar"] == s, "company_key"].nunique() == 1 for s in twice)    # same company both times
    assert talent.us_share("companies") < expected_answer("ex5_1")       # North America: the US and Canada
    assert talent.us_share("companies") < talent.us_share("scholars") < expected_answer("ex5_2")
