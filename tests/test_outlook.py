"""The outlook chapter: the verdict rule, the as_of parameter, the evidence data and papermill reruns."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import papermill
import pytest

from helpers import charts, rerun
from helpers.chapters import outlook
from helpers.chapters.outlook import charts as outlook_charts
from helpers.data import load
from helpers.errors import ParameterError

from conftest import NOTEBOOKS, assert_quotes_unchanged, has_tooltips, run_notebook

NB = NOTEBOOKS / "06_outlook.ipynb"
PUB = dt.date(2023, 7, 1)
D = dt.date.fromisoformat


def rows(*specs) -> pd.DataFrame:
    """Evidence rows from (id, date, stance, strength) tuples."""
    return pd.DataFrame([{"evidence_id": i, "event_date": D(d), "stance": s, "strength": k} for i, d, s, k in specs],
                        columns=["evidence_id", "event_date", "stance", "strength"])


# --- the rule -------------------------------------------------------------------------------------
def test_no_evidence_is_too_early():
    assert outlook.verdict(rows(), None, D("2026-01-01"), PUB) == ("too early", None)


def test_as_of_before_the_report_is_too_early():
    r = rows(("a", "2023-03-01", "for", "decisive"))
    assert outlook.verdict(r, None, D("2023-06-01"), PUB) == ("too early", None)


def test_decisive_for_means_happened_with_the_earliest_row():
    r = rows(("late", "2025-01-01", "for", "decisive"), ("early", "2024-05-01", "for", "decisive"))
    assert outlook.verdict(r, D("2024-12-31"), D("2026-01-01"), PUB) == ("happened", "early")


def test_evidence_after_as_of_does_not_count():
    r = rows(("a", "2025-01-01", "for", "decisive"))
    assert outlook.verdict(r, None, D("2024-06-01"), PUB) == ("too early", None)


def test_decisive_against_is_wrong_only_after_the_horizon():
    r = rows(("x", "2024-03-01", "against", "decisive"))
    assert outlook.verdict(r, D("2025-07-01"), D("2024-06-01"), PUB) == ("not yet", "x")
    assert outlook.verdict(r, D("2025-07-01"), D("2025-08-01"), PUB) == ("wrong", "x")
    assert outlook.verdict(r, None, D("2024-06-01"), PUB) == ("wrong", "x")


def test_partial_for_is_partly():
    r = rows(("p", "2024-03-01", "for", "partial"), ("q", "2024-09-01", "against", "partial"))
    assert outlook.verdict(r, None, D("2025-01-01"), PUB) == ("partly", "p")


def test_only_partial_against_is_not_yet():
    r = rows(("q", "2024-09-01", "against", "partial"))
    assert outlook.verdict(r, None, D("2025-01-01"), PUB) == ("not yet", "q")


# --- as_of ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, fragment", [("2024-13-01", "is not a date"), ("yesterday", "is not a date"),
                                             (20240701, "is not a date"), ("2022-12-31", "is before 2023-01-01")])
def test_bad_as_of_is_refused(value, fragment):
    with pytest.raises(ParameterError) as info:
        outlook.parse_as_of(value)
    assert f"parameter 'as_of' = {value!r}" in str(info.value) and fragment in str(info.value)


def test_good_as_of():
    assert outlook.parse_as_of(" 2024-07-01 ") == D("2024-07-01")


# --- data ---------------------------------------------------------------------------------------------
def test_ten_predictions_with_criteria():
    p = load("predictions")
    assert list(p["prediction_id"]) == [f"p{i:02d}" for i in range(1, 11)]
    assert p["criterion_en"].str.len().gt(40).all()


def test_every_evidence_row_is_dated_sourced_and_linked():
    e = load("evidence")
    assert e["event_date"].map(lambda d: isinstance(d, dt.date)).all()
    assert e["source_url"].str.match(r"^https?://").all() and e["source_title"].str.len().gt(3).all()
    assert set(e["prediction_id"]) <= set(load("predictions")["prediction_id"])
    assert (e["event_date"] >= dt.date(2022, 1, 1)).all() and (e["event_date"] <= dt.date(2026, 11, 23)).all()


def test_verdicts_come_from_the_fixed_set():
    card = outlook.scorecard(outlook.latest_evidence_date())
    assert set(card["verdict"]) <= set(outlook.VERDICTS) and len(card) == 10
    assert sum(outlook.counts(card).values()) == 10


def test_before_the_report_everything_is_too_early():
    card = outlook.scorecard(D("2023-02-01"))
    assert outlook.counts(card)["too early"] == 10


def test_charts():
    day = outlook.latest_evidence_date()
    card = outlook.scorecard(day)
    for chart in (outlook_charts.verdicts_by_group(card, day),
                  outlook_charts.evidence_timeline(load("evidence"), card, day, outlook.report_date())):
        spec = charts.spec_of(chart)
        assert len(spec["description"]) > 40 and has_tooltips(spec)   # alt text that says something; tooltips


# --- papermill --------------------------------------------------------------------------------------------
def test_default_as_of_is_the_latest_evidence():
    declared = papermill.inspect_notebook(str(NB))
    assert D(eval(declared["as_of"]["default"])) == outlook.latest_evidence_date()


@pytest.mark.parametrize("as_of", ["2024-07-01", None])
def test_scorecard_at_two_dates(tmp_path, as_of):
    """A rerun at an earlier date; the committed notebook (nbval: a default run) for the default."""
    out = NB if as_of is None else run_notebook(NB, tmp_path / "o.ipynb", as_of=as_of)
    assert_quotes_unchanged(out, NB)
    g = rerun.glued_figures(out)
    day = outlook.latest_evidence_date() if as_of is None else D(as_of)
    n = outlook.counts(outlook.scorecard(day))
    assert g["predictions_total"] == 10
    assert (g["predictions_happened"], g["predictions_partly"], g["predictions_not_yet"], g["predictions_wrong"],
            g["predictions_too_early"]) == (n["happened"], n["partly"], n["not yet"], n["wrong"], n["too early"])
    assert g["evidence_rows"] == (load("evidence")["event_date"] <= day).sum()
    assert g["scorecard_as_of"] == f"{day:%d %B %Y}"
