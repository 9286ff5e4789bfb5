"""The regulation chapter: counts by jurisdiction and date, parameters, the local figures, papermill."""
from __future__ import annotations

import datetime as dt

import papermill
import pytest
from conftest import NOTEBOOKS, assert_quotes_unchanged, has_tooltips, run_notebook

from helpers import charts, provenance
from helpers.chapters import regulation
from helpers.chapters.regulation import charts as regulation_charts
from helpers.data import load
from helpers.errors import ParameterError
from machinery import rerun

NB = NOTEBOOKS / "04_regulation.ipynb"
ALL = ["CN", "US", "EU"]


def test_default_as_of_is_the_report_date():
    declared = papermill.inspect_notebook(str(NB))
    assert dt.date.fromisoformat(eval(declared["as_of"]["default"])) == regulation.report_date()
    assert eval(declared["jurisdictions"]["default"]) == ALL


def test_counts_grow_with_as_of_and_respect_jurisdictions():
    early = regulation.instrument_counts(ALL, dt.date(2022, 12, 31))
    late = regulation.instrument_counts(ALL, dt.date(2026, 1, 1))
    assert early["total"] < late["total"]
    assert late["total"] == late["cn"] + late["us"] + late["eu"]
    only_eu = regulation.instrument_counts(["EU"], dt.date(2026, 1, 1))
    assert only_eu["cn"] == 0 and only_eu["us"] == 0 and only_eu["total"] == only_eu["eu"] == late["eu"]


def test_nothing_after_as_of_is_counted():
    day = dt.date(2023, 3, 1)
    inst = regulation.instruments(ALL, day)
    assert (inst["effective_date"].map(lambda d: d <= day)).all()


def test_dates_prefer_the_source_over_later_checks():
    r = regulation._dated().set_index("instrument_id")
    row = r.loc["cn_genai_measures_qiming"]
    assert row["date_basis"] == "stated by the source" and row["effective_date"] == row["date"]
    assert set(r["date_basis"]) <= {"stated by the source", "stated by the source (month only)",
                                    "stated by the source (year only)", "from a later check", "undated"}


@pytest.mark.parametrize("instrument_id, day", [
    ("cn_deep_synthesis_qiming", dt.date(2023, 1, 10)),    # the report: 'first half' of 2023; in force 10 January
    ("us_nist_ai_rmf_qiming", dt.date(2023, 1, 26)),       # the report: 'early in the year'; released 26 January
    ("cn_state_council_legislative_plan_2023_qiming", dt.date(2023, 5, 31)),   # '2023 年度'; the notice is dated 31 May
])
def test_year_only_dates_take_the_exact_day_a_later_check_found(instrument_id, day):
    row = regulation._dated().set_index("instrument_id").loc[instrument_id]
    assert row["date_precision"] == "year"                 # what the source gives
    assert (row["effective_date"], row["effective_precision"], row["date_basis"]) == (day, "day", "from a later check")


def test_a_year_or_month_without_an_exact_day_stays_a_period():
    r = regulation._dated().set_index("instrument_id")
    law = r.loc["cn_ai_law_qiming"]                      # '2024 年的议程': a year, no exact day known
    assert (law["effective_precision"], law["effective_date"], law["period_end"]) == ("year", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    ethics = r.loc["cn_ethics_review_measures_qiming"]   # the later date (October) is outside the source's May: not used
    assert (ethics["effective_precision"], ethics["period_end"]) == ("month", dt.date(2023, 5, 31))
    assert regulation.period_end(dt.date(2024, 2, 1), "month") == dt.date(2024, 2, 29)
    with pytest.raises(ValueError, match="date_precision = 'week' is not allowed"):
        regulation.period_end(dt.date(2024, 2, 1), "week")
    with pytest.raises(ValueError, match="known only to the year"):
        regulation.exact_day_text("cn_ai_law_qiming")


def test_timeline_draws_periods_as_bars_and_days_as_dots():
    inst = regulation.instruments(ALL, regulation.report_date())
    spec = charts.spec_of(regulation_charts.timeline(inst, regulation.report_date()))
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "point"]
    assert "Measures for Science and Technology Ethics Review (Trial) (2023-05, month only)" in spec["description"]
    assert "(2023-01-26, exact day)" in spec["description"]


def test_the_reports_forecasts_come_from_the_data():
    f = regulation.forecasts()
    assert f["ai_law_agenda_year"] == 2024 and f["eu_act_expected_text"] == "the end of 2023 or early 2024"
    assert (f["plan_2017_issued_text"], f["plan_2017_target_year"]) == ("July 2017", 2025)
    assert f["eu_act_in_force_text"] == "1 August 2024"


def test_three_tiers_in_the_report_four_in_the_act():
    assert regulation.eu_act_tiers_as_reported() == 3
    assert regulation.eu_act_risk_tiers() == 4


LINKS = {"reg_instruments": "later_status_source_url", "reg_eu_ai_act_tiers": "act_source_url",
         "reg_cn_ethics_high_risk": "final_list_source_url"}


@pytest.mark.parametrize("table, column", LINKS.items())
def test_source_links_are_canonical_and_copies_go_to_checked_via(table, column):
    t = load(table)
    assert "checked_via" in t.columns
    links = t[column].dropna()
    assert [u for u in links if provenance.copy_host(u)] == []
    via = t["checked_via"].dropna()
    assert via.str.match(r"^https?://").all() and not (t[column] == t["checked_via"]).any()


def test_the_regulators_pages():
    r = load("reg_instruments").set_index("instrument_id")
    assert r.at["eu_ai_act_entry_into_force_qiming", "later_status_source_url"] == "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
    assert provenance.host(r.at["cn_genai_measures_qiming", "later_status_source_url"]) == "cac.gov.cn"
    assert provenance.host(r.at["us_nist_ai_rmf_qiming", "later_status_source_url"]) == "nist.gov"
    assert set(load("reg_eu_ai_act_tiers")["act_source_url"]) == {"https://eur-lex.europa.eu/eli/reg/2024/1689/oj"}
    assert {provenance.host(u) for u in load("reg_cn_ethics_high_risk")["final_list_source_url"]} == {"gov.cn"}


def test_local_figures():
    assert regulation.target("chengdu_ai_output_2025") == 1500
    assert regulation.target("nanjing_ai_core_revenue_2025") == 500
    b = regulation.special_bonds()
    assert list(b["year"]) == list(range(2017, 2024)) and b.set_index("year").at[2023, "amount_cny_100m"] == 40300
    official = b.dropna(subset=["official_new_quota_cny_100m"]).set_index("year")["official_new_quota_cny_100m"]
    assert official.to_dict() == {2023: 38000}             # the Government Work Report's quota, beside Cyzone's figure


def test_every_later_status_names_its_page():
    r = load("reg_instruments")
    later = r[r["later_status"].notna()]
    assert later["later_status_source_url"].str.match(r"^https?://").all()


@pytest.mark.parametrize("values, fragment", [
    ({"jurisdictions": ["CN", "UK"], "as_of": "2023-07-28"}, "has 'UK', which is not allowed"),
    ({"jurisdictions": [], "as_of": "2023-07-28"}, "is not a list of names"),
    ({"jurisdictions": "CN", "as_of": "2023-07-28"}, None),
    ({"jurisdictions": ALL, "as_of": "28/07/2023"}, "parameter 'as_of' = '28/07/2023' is not a date"),
    ({"jurisdictions": ALL, "as_of": "1999-12-31"}, "is before 2000-01-01"),
])
def test_parameters(values, fragment):
    if fragment is None:
        assert regulation.validate(values)["jurisdictions"] == ["CN"]
        return
    with pytest.raises(ParameterError) as info:
        regulation.validate(values)
    assert fragment in str(info.value)


def test_charts():
    inst = regulation.instruments(ALL, regulation.report_date())
    for chart in (regulation_charts.timeline(inst, regulation.report_date()),
                  regulation_charts.special_bonds(regulation.special_bonds()),
                  regulation_charts.city_targets(load("local_targets"))):
        spec = charts.spec_of(chart)
        assert len(spec["description"]) > 40 and has_tooltips(spec)   # alt text that says something; tooltips


@pytest.mark.slow
def test_rerun_with_other_jurisdictions_and_date(tmp_path):
    out = run_notebook(NB, tmp_path / "r.ipynb", jurisdictions=["EU"], as_of="2025-01-01")
    assert_quotes_unchanged(out, NB)
    g = rerun.glued_figures(out)
    n = regulation.instrument_counts(["EU"], dt.date(2025, 1, 1))
    assert (g["instruments_total"], g["instruments_cn"], g["instruments_eu"]) == (n["total"], 0, n["eu"])
    assert g["chengdu_ai_output_target_2025_cny_100m"] == 1500 and g["special_bond_quota_2023_cny_100m"] == 40300


def test_the_chapter_carries_the_sections_points():
    import json
    cells = json.loads(NB.read_text())["cells"]
    prose = "\n".join(["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"] +
                      ["".join(o.get("data", {}).get("text/markdown", "")) for c in cells for o in c.get("outputs", [])])
    for phrase in ("three-tier risk system", "**4 risk tiers**", "欧洲业界担心", "Shenzhen", "Chengdu", "Beijing",
                   "创新人才与应用场景", "the 2024 agenda", "the end of 2023 or early 2024", "ahead of schedule",
                   "10 January 2023", "26 January 2023", "38,000 亿", "Alibaba", "(06_outlook.ipynb)"):
        assert phrase in prose, phrase
    assert "reached 40,300" not in prose and "quotas reached" not in prose     # slip 16


@pytest.mark.slow
def test_what_if_exercise_ex4_2_equals_the_papermill_rerun(tmp_path):
    """Exercise ex4_2's solution (through the helpers) equals what the exercise's papermill rerun glues."""
    from helpers.workshop import expected_answer

    out = tmp_path / "out.ipynb"
    assert rerun.main([str(NB), str(out), "-p", "as_of", "2024-12-31"]) == 0
    glued = rerun.glued_figures(out)["instruments_total"]
    assert expected_answer("ex4_2") == glued
    assert glued > rerun.glued_figures(NB)["instruments_total"]   # instruments enter after the report's publication
