"""The regulation chapter: counts by jurisdiction and date, parameters, the local figures, papermill."""
from __future__ import annotations

import datetime as dt

import papermill
import pytest

from helpers import charts, rerun
from helpers.chapters import regulation
from helpers.chapters.regulation import charts as regulation_charts
from helpers.data import load
from helpers.errors import ParameterError

from conftest import NOTEBOOKS, assert_quotes_unchanged, has_tooltips, run_notebook

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
    assert set(r["date_basis"]) <= {"stated by the source", "from a later check", "undated"}


def test_local_figures():
    assert regulation.target("chengdu_ai_output_2025") == 1500
    assert regulation.target("nanjing_ai_core_revenue_2025") == 500
    b = regulation.special_bonds()
    assert list(b["year"]) == list(range(2017, 2024)) and b.set_index("year").at[2023, "amount_cny_100m"] == 40300


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


def test_rerun_with_other_jurisdictions_and_date(tmp_path):
    out = run_notebook(NB, tmp_path / "r.ipynb", jurisdictions=["EU"], as_of="2025-01-01")
    assert_quotes_unchanged(out, NB)
    g = rerun.glued_figures(out)
    n = regulation.instrument_counts(["EU"], dt.date(2025, 1, 1))
    assert (g["instruments_total"], g["instruments_cn"], g["instruments_eu"]) == (n["total"], 0, n["eu"])
    assert g["chengdu_ai_output_target_2025_cny_100m"] == 1500 and g["special_bond_quota_2023_cny_100m"] == 40300
