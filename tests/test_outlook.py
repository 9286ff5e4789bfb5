"""The outlook chapter: the part-by-part rule, the ledger's data, the parameters and papermill reruns."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import papermill
import pytest
from conftest import NOTEBOOKS, assert_quotes_unchanged, has_tooltips, run_notebook

from helpers import charts, provenance
from helpers.chapters import outlook
from helpers.chapters.outlook import charts as outlook_charts
from helpers.data import load
from helpers.errors import ParameterError
from machinery import rerun

NB = NOTEBOOKS / "06_outlook.ipynb"
PUB = dt.date(2023, 7, 1)
D = dt.date.fromisoformat
SEEDS = Path("/work/shared/seeds")
SEED_FILES = {"qiming2023": "002_f6d0c27f5246e267.txt", "iresearch2023": "001_350b29a440b07772.txt",
              "qbitai2023": "003_5979c292eba3c044.txt", "guohai2023": "004_50712b868b49c776.txt",
              "cyzone2023q3": "000_6ca582a6218796aa.txt"}


def rows(*specs) -> pd.DataFrame:
    """Evidence rows from (id, part, date, stance, strength) tuples."""
    return pd.DataFrame([{"evidence_id": i, "part_id": p, "event_date": D(d), "stance": s, "strength": k}
                         for i, p, d, s, k in specs],
                        columns=["evidence_id", "part_id", "event_date", "stance", "strength"])


def judge(r, parts=("a",), as_of="2026-01-01"):
    """verdict and deciding row (the rule's first two answers)."""
    v, e, _ = outlook.verdict(r, list(parts), D(as_of), PUB)
    return v, e


# --- the rule, on constructed cases ---------------------------------------------------------------
def test_no_evidence_is_too_early():
    assert judge(rows()) == ("too early", None)
    assert judge(rows(), parts=("a", "b")) == ("too early", None)


def test_as_of_before_publication_is_too_early():
    r = rows(("x", "a", "2023-03-01", "for", "decisive"))
    assert judge(r, as_of="2023-06-01") == ("too early", None)


def test_evidence_after_as_of_does_not_count():
    r = rows(("x", "a", "2025-01-01", "for", "decisive"))
    assert judge(r, as_of="2024-06-01") == ("too early", None)


def test_one_part_met_of_two_is_partly():
    r = rows(("x", "a", "2024-05-01", "for", "decisive"))
    v, e, states = outlook.verdict(r, ["a", "b"], D("2026-01-01"), PUB)
    assert (v, e) == ("partly", "x") and states == {"a": "met", "b": "no evidence"}


def test_all_parts_met_is_happened_dated_by_the_last_part():
    r = rows(("x", "a", "2024-05-01", "for", "decisive"), ("y", "b", "2025-02-01", "for", "decisive"),
             ("y2", "b", "2025-06-01", "for", "decisive"), ("z", "c", "2023-12-01", "for", "decisive"))
    assert judge(r, parts=("a", "b", "c")) == ("happened", "y")   # b's earliest decisive row completes the set


def test_for_and_against_are_weighed_alike():
    """The earliest decisive row decides a part, whichever its stance; a decisive row dated after as_of does not count."""
    met = rows(("x", "a", "2024-05-01", "for", "decisive"), ("n", "a", "2025-03-01", "against", "decisive"))
    assert judge(met) == ("happened", "x")
    gone = rows(("n", "a", "2024-03-01", "against", "decisive"), ("x", "a", "2024-05-01", "for", "decisive"))
    assert judge(gone) == ("wrong", "n")
    assert judge(gone, as_of="2024-02-01") == ("too early", None)
    def mirror(r):
        return r.assign(stance=r["stance"].map({"for": "against", "against": "for"}))

    assert judge(mirror(met)) == ("wrong", "x") and judge(mirror(gone)) == ("happened", "n")


def test_some_parts_met_and_some_contradicted_is_partly():
    r = rows(("x", "a", "2024-05-01", "for", "decisive"), ("n", "b", "2024-03-01", "against", "decisive"))
    assert judge(r, parts=("a", "b")) == ("partly", "x")
    assert judge(r.assign(stance="against"), parts=("a", "b")) == ("wrong", "x")


def test_partial_rows_lean_only_without_partial_rows_against():
    assert judge(rows(("p", "a", "2024-03-01", "for", "partial"))) == ("partly", "p")
    assert judge(rows(("p", "a", "2024-03-01", "for", "partial"), ("q", "a", "2024-09-01", "against", "partial"))) == ("not yet", "q")
    assert judge(rows(("q", "a", "2024-09-01", "against", "partial"))) == ("not yet", "q")


def test_part_states_cover_the_documented_set():
    assert outlook.combine([]) == "too early"
    assert outlook.combine(["met", "contradicted"]) == "partly" and outlook.combine(["contradicted", "contradicted"]) == "wrong"
    assert outlook.combine(["contradicted", "open"]) == "wrong" and outlook.combine(["met", "met"]) == "happened"
    assert outlook.combine(["met", "open"]) == "partly" and outlook.combine(["open", "no evidence"]) == "not yet"


def test_cohen_kappa_by_hand():
    assert outlook.cohen_kappa(["a", "b"], ["a", "b"]) == 1.0
    # 4 items, 3 agree: p_o = 0.75; shares a 0.5/0.75, b 0.5/0.25: p_e = 0.375 + 0.125 = 0.5 -> kappa 0.5
    assert outlook.cohen_kappa(["a", "a", "b", "b"], ["a", "a", "a", "b"]) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="equal, non-empty"):
        outlook.cohen_kappa(["a"], [])


# --- parameters -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, fragment", [("2024-13-01", "is not a date"), ("yesterday", "is not a date"),
                                             (20240701, "is not a date"), ("2022-12-31", "is before 2023-01-01")])
def test_bad_as_of_is_refused(value, fragment):
    with pytest.raises(ParameterError) as info:
        outlook.parse_as_of(value)
    assert f"parameter 'as_of' = {value!r}" in str(info.value) and fragment in str(info.value)


@pytest.mark.parametrize("value, fragment", [([], "is not a list of names"), (2023, "is not a list of names"),
                                             (["qiming2023", 7], "is not a list of names"),
                                             (["qiming2023", "gartner"], "has 'gartner', which is not allowed"),
                                             ("qiming2023,gartner", "has 'gartner', which is not allowed")])
def test_bad_reports_are_refused(value, fragment):
    """``reports`` is checked as every list parameter is (``params.check_subset``): one line naming the value and
    every allowed report."""
    with pytest.raises(ParameterError) as info:
        outlook.parse_reports(value)
    msg = str(info.value)
    assert f"parameter 'reports' = {value!r}" in msg and fragment in msg and "\n" not in msg
    assert all(r in msg for r in outlook.REPORTS)


def test_good_parameters():
    assert outlook.parse_as_of(" 2024-07-01 ") == D("2024-07-01")
    assert outlook.parse_reports(["qbitai2023", "qbitai2023"]) == ("qbitai2023",)
    assert outlook.parse_reports("qiming2023, guohai2023") == ("qiming2023", "guohai2023")   # as `-p reports …` passes it
    assert outlook.validate({"as_of": "2024-07-01", "reports": ["qiming2023"]}) == {"as_of": D("2024-07-01"),
                                                                                   "reports": ("qiming2023",)}


# --- data -----------------------------------------------------------------------------------------------
def test_ten_predictions_are_in_the_ledger_with_horizons():
    p, f = load("predictions"), load("forecasts")
    assert list(p["prediction_id"]) == [f"p{i:02d}" for i in range(1, 11)]
    assert set(p["prediction_id"]) <= set(f["prediction_id"].dropna())
    assert p["horizon_date"].map(lambda d: isinstance(d, dt.date)).all()            # none left without a reading
    assert p.loc[p["horizon_as_stated"].str.startswith("none stated"), "horizon_note"].str.contains("未来一至三年").all()


def test_every_forecast_has_words_and_every_scorable_one_parts():
    f, parts = load("forecasts"), load("forecast_parts")
    book = outlook.ledger(D("2026-12-01"))
    assert len(book) == len(f) and book["text_zh"].str.len().gt(5).all() and book["text_en"].str.len().gt(10).all()
    scorable = set(f.loc[f["scorable"] == "yes", "forecast_id"])
    assert scorable <= set(parts["forecast_id"])
    assert f.loc[f["scorable"] == "no", "scoring_note"].str.startswith("Not scored").all()
    assert f.loc[f["scorable"] == "not a forecast", "scoring_note"].str.startswith("Not a forecast").all()
    assert {"cn_ai_law_2024", "cn_ai_law_2024_summary", "cn_2017_plan_early", "eu_ai_act_in_force", "us_no_federal_ai_law",
            "api_app_margins_fall", "saas_embed_genai"} <= set(f["forecast_id"])
    missing = {"qbitai_financing_2023", "qbitai_financing_2024", "qbitai_maas_share_2027", "qbitai_output_fee_share_2027",
               "qbitai_training_fee_share_2027", "guohai_text_2025e", "guohai_code_2025e", "guohai_image_2025e",
               "guohai_video_2025e", "qiming_text_data_2026", "local_chengdu_2025", "local_nanjing_2025",
               "local_pengcheng_cloudbrain3_2023", "local_shenzhen_public_data_2023"}
    assert missing <= set(f["forecast_id"])     # the forecasts the outlook review found missing
    assert set(load("market_stages")["stage_id"]) <= set(f["market_stage_id"].dropna())


def norm(text: str) -> str:
    """Text without spaces or punctuation, case-folded, with the iResearch copy's OCR 'AlGC' read as 'AIGC'."""
    return re.sub(r"[\s\W_]", "", text).casefold().replace("algc", "aigc")


@pytest.mark.skipif(not SEEDS.exists(), reason="seed texts not on this machine")
def test_every_forecast_cites_a_section_that_exists_in_its_seed():
    for r in load("forecasts").itertuples():
        text = norm((SEEDS / SEED_FILES[r.source_id]).read_text(encoding="utf-8"))
        headings = re.findall(r"\(([^()]*[\u4e00-\u9fff][^()]*)\)", r.source_section)
        assert headings, r.forecast_id
        for h in headings:
            for piece in re.split(r"\s*—\s*", h):
                assert norm(piece) in text, (r.forecast_id, piece)
        if isinstance(r.text_zh, str) and r.text_zh:
            first = re.split(r"[（(：]", r.text_zh)[0].rstrip("。…")
            for piece in first.split(" | "):     # a table cell is quoted as row | column | cell
                assert norm(piece) in text, (r.forecast_id, piece)


def test_every_evidence_row_is_dated_sourced_and_canonical():
    e, parts = load("evidence"), load("forecast_parts").set_index("part_id")
    assert e["event_date"].map(lambda d: isinstance(d, dt.date)).all()
    assert e["source_url"].str.match(r"^https?://").all() and e["source_title"].str.len().gt(3).all()
    assert (e["part_id"].map(parts["forecast_id"]) == e["forecast_id"]).all()
    assert (e["event_date"] >= dt.date(2022, 12, 1)).all() and (e["event_date"] <= D("2026-12-01")).all()
    on_copies = [u for u in e["source_url"] if provenance.copy_host(u)]
    assert not on_copies, on_copies
    assert not (e["checked_via"].fillna("") == e["source_url"]).any()       # checked_via only where different


PRIMARY_HOSTS = ("arxiv.org", "openai.com", "anthropic.com", "deepmind.google", "physicalintelligence.company",
                 "figure.ai", "ibm.com", "blackforestlabs.ai", "moj.gov.cn", "eur-lex.europa.eu", "deepseek.com",
                 "cac.gov.cn", "most.gov.cn", "gov.cn", "stateof.ai")


def test_every_decisive_row_cites_a_primary_source_dated_before_it_counts():
    e = load("evidence")
    dec = e[e["strength"] == "decisive"]
    assert len(dec) >= 15
    assert dec["source_url"].map(lambda u: provenance.host(u).endswith(PRIMARY_HOSTS)).all(), \
        dec.loc[~dec["source_url"].map(lambda u: provenance.host(u).endswith(PRIMARY_HOSTS)), "evidence_id"].tolist()
    card = outlook.ledger(D("2026-12-01"))
    decided = card.dropna(subset=["evidence_date"])
    assert (decided["evidence_date"] <= D("2026-12-01")).all() and decided["evidence_url"].str.match("^https?://").all()


@pytest.mark.parametrize("evidence_id, day", [
    ("p09_chatgpt_native_images", "2025-03-31"), ("p07_bmw_figure_pilot", "2025-11-19"), ("cn_ai_law_not_submitted", "2025-05-14"),
    ("cn_ai_law_not_adopted_2025", "2025-05-14"), ("p05_midjourney_character_reference", "2024-03-12"),
    ("p08_hunyuan_t1_mamba", "2025-03-21"), ("p01_deepseek_v3_release", "2024-12-26"), ("eu_ai_act_entry_into_force", "2024-08-01")])
def test_event_dates_the_fact_check_corrected(evidence_id, day):
    """The event's own date, not the date of the copy read (which is in seen_date where the copy shows one)."""
    e = load("evidence").set_index("evidence_id")
    assert e.at[evidence_id, "event_date"] == D(day)
    seen = e.at[evidence_id, "seen_date"]
    assert not isinstance(seen, dt.date) or seen >= e.at[evidence_id, "event_date"] - dt.timedelta(days=1)


def test_reports_are_dated_by_their_own_publication():
    f = load("forecasts")
    assert set(f.loc[f["source_id"] == "qbitai2023", "report_date"]) == {D("2023-03-29")}
    assert set(f.loc[f["source_id"] == "guohai2023", "report_date"]) == {D("2023-03-13")}
    assert "WAIC" in load("sources").set_index("source_id").at["qiming2023", "note"] or \
        "World Artificial Intelligence Conference" in load("sources").set_index("source_id").at["qiming2023", "note"]


def test_a_decisive_row_for_an_absence_is_a_record_of_the_state_at_its_horizon():
    """One standard: an absence (no statute, no product) is confirmed only by a dated record at or after the horizon."""
    book = outlook.ledger(D("2026-12-01")).set_index("forecast_id")
    parts = load("forecast_parts").set_index("part_id")
    e = load("evidence")
    absent = e[e["part_id"].map(parts["claim"]).eq("absence") & (e["stance"] == "for") & (e["strength"] == "decisive")]
    for r in absent.itertuples():
        assert r.event_date >= book.at[r.forecast_id, "horizon_date"], r.evidence_id
    assert (parts["claim"] == "absence").sum() >= 1 and set(parts["claim"]) <= set(outlook.CLAIMS)


def test_no_part_has_decisive_rows_both_ways():
    e = load("evidence")
    dec = e[e["strength"] == "decisive"].groupby("part_id")["stance"].nunique()
    assert (dec == 1).all(), dec[dec > 1].index.tolist()


def test_verdicts_at_the_default_date():
    book = outlook.ledger(D("2026-12-01")).set_index("forecast_id")["verdict"]
    assert set(book) <= set(outlook.VERDICTS)
    assert {k: book[k] for k in ("p01", "p03", "p04", "p05", "p10")} == dict.fromkeys(("p01", "p03", "p04", "p05", "p10"), "happened")
    assert book["p02"] == "wrong" and book["p06"] == "partly" and book["p07"] == "not a forecast" and book["p08"] == "partly"
    assert book["cn_ai_law_2024"] == "happened" and book["cn_ai_law_2024_summary"] == "wrong"
    assert book["cn_2017_plan_early"] == "partly" and book["eu_ai_act_in_force"] == "wrong"
    assert book["gpt4_multimodal_2023_03"] == "partly"
    assert book["mkt_iresearch_2030"] == "too early" and book["mkt_iresearch_2024"] == "unscorable"
    changed = load("forecast_rescoring")
    assert (changed["forecast_id"].map(book) != changed["verdict_before"]).all()
    assert set(changed["forecast_id"]) >= {"p02", "p06", "p07", "p08", "cn_ai_law_2024", "cn_2017_plan_early"}


def test_the_second_scoring_is_complete_and_its_final_verdicts_are_the_ledgers():
    book = outlook.ledger(D("2026-12-01")).set_index("forecast_id")["verdict"]
    t = load("forecast_second_scoring").set_index("forecast_id")
    assert set(t.index) == set(book.index)
    assert (t["final_verdict"] == book.reindex(t.index)).all(), t.index[t["final_verdict"] != book.reindex(t.index)].tolist()
    share, kappa, differ = outlook.agreement()
    assert share == pytest.approx((t["first_verdict"] == t["second_verdict"]).mean())
    assert -1 <= kappa <= share <= 1 and len(differ) == (t["first_verdict"] != t["second_verdict"]).sum()
    assert differ["resolution"].fillna("").str.len().gt(20).all()        # every disagreement says how it was resolved


def test_before_the_reports_everything_is_too_early():
    assert outlook.counts(outlook.scorecard(D("2023-02-01")))["too early"] == 10
    early = outlook.ledger(D("2023-07-01"), ("qiming2023",))
    assert outlook.counts(early)["too early"] == len(early)


def test_reports_select_rows_and_calibration_adds_up():
    book = outlook.ledger(D("2026-12-01"))
    only = outlook.ledger(D("2026-12-01"), ("iresearch2023",))
    assert set(only["report"]) == {"iresearch2023"} and len(only) == (book["report"] == "iresearch2023").sum()
    for by in ("report", "horizon_bucket", "topic"):
        t = outlook.calibration(book, by)
        assert t["total"].sum() == len(book) and t[list(outlook.VERDICTS)].sum(axis=1).eq(t["total"]).all()
    with pytest.raises(ValueError):
        outlook.calibration(book, "colour")


def test_about_the_report_is_recorded():
    about = load("forecast_forecasters").set_index("fact_id")
    assert about.at["qiming_ai_leaders", "value"] == 20 and "二十余家" in about.at["qiming_ai_leaders", "fact_zh"]
    assert about.index.str.startswith("author_").sum() == 4


def test_charts():
    day = D("2026-12-01")
    card, book = outlook.scorecard(day), outlook.ledger(day)
    for chart in (outlook_charts.verdicts_by_group(card, day),
                  outlook_charts.ledger_timeline(book, load("evidence"), day),
                  outlook_charts.calibration_bars(outlook.calibration(book, "topic"), "topic")):
        spec = charts.spec_of(chart)
        assert len(spec["description"]) > 40 and has_tooltips(spec)   # alt text that says something; tooltips


# --- papermill --------------------------------------------------------------------------------------------
def test_default_as_of_is_fixed_and_after_the_evidence():
    declared = papermill.inspect_notebook(str(NB))
    assert eval(declared["as_of"]["default"]) == "2026-12-01"
    assert D("2026-12-01") >= outlook.latest_evidence_date()
    assert tuple(eval(declared["reports"]["default"])) == outlook.REPORTS


def check_glue(out, day, reports=outlook.REPORTS):
    g = rerun.glued_figures(out)
    n, m = outlook.counts(outlook.scorecard(day)), outlook.counts(outlook.ledger(day, reports))
    assert g["predictions_total"] == 10 and g["scorecard_as_of"] == f"{day:%d %B %Y}"
    assert [g[f"predictions_{v.replace(' ', '_')}"] for v in outlook.VERDICTS[:-1]] == [n[v] for v in outlook.VERDICTS[:-1]]
    assert [g[f"forecasts_{v.replace(' ', '_')}"] for v in outlook.VERDICTS] == [m[v] for v in outlook.VERDICTS]
    assert g["forecasts_total"] == sum(m.values())
    assert g["evidence_rows"] == (load("evidence")["event_date"] <= day).sum()
    assert set(rerun.READBACK[NB.name]) <= set(g)
    return g


def test_committed_notebook_glues_the_ledger():
    g = check_glue(NB, D("2026-12-01"))
    assert g["forecasts_total"] == len(load("forecasts"))


@pytest.mark.slow
def test_an_early_rerun_makes_everything_too_early(tmp_path):
    out = run_notebook(NB, tmp_path / "o.ipynb", as_of="2023-07-01", reports=["qiming2023"])
    assert_quotes_unchanged(out, NB)
    g = check_glue(out, D("2023-07-01"), ("qiming2023",))
    assert g["forecasts_too_early"] == g["forecasts_total"] and g["predictions_too_early"] == 10


@pytest.mark.slow
def test_a_rerun_at_mid_2024(tmp_path):
    out = run_notebook(NB, tmp_path / "o.ipynb", as_of="2024-07-01")
    assert_quotes_unchanged(out, NB)
    check_glue(out, D("2024-07-01"))


def test_rows_say_whether_their_canonical_page_was_seen():
    e = load("evidence")
    unseen = e[e["canonical_seen"] == "no"]
    assert (unseen["checked_via"].fillna("").ne("") | unseen["checked_note"].str.contains("Not re-read for this check")).all()
    assert unseen["checked_note"].str.len().gt(20).all()        # what the copy read says, quoted


# --- workshop exercises (helpers/chapters/outlook/exercises.py) --------------------------------------------------
def test_what_if_ex6_2_solution_equals_the_papermill_rerun():
    """Exercise ex6_2's solution computes through the helpers what the papermill rerun of outlook-at-publication glues
    (as the Scenarios page caches it by its inputs; test_scenarios checks that cache against a fresh run)."""
    from helpers.workshop import expected_answer
    from machinery import scenarios

    glued = scenarios.scenario_figures("outlook-at-publication")
    assert expected_answer("ex6_2") == glued["predictions_too_early"]
    assert glued["predictions_too_early"] < glued["predictions_total"]        # the question asks for the exception


def test_ex6_1_is_a_share_of_the_forecasts_at_its_own_date_not_the_chapters():
    from helpers.chapters.outlook import exercises
    from helpers.workshop import expected_answer

    declared = papermill.inspect_notebook(str(NB))
    assert exercises.EX6_1_AS_OF != eval(declared["as_of"]["default"])
    n = outlook.counts(outlook.scorecard(D(exercises.EX6_1_AS_OF)))
    assert expected_answer("ex6_1") * (len(outlook.scorecard(D(exercises.EX6_1_AS_OF))) - n["not a forecast"]) \
        == pytest.approx(n["happened"])


def test_ex6_3_set_matches_the_horizons_in_the_predictions_own_words():
    """The predictions whose Chinese headline holds a number followed by 年 are those the book records with a horizon."""
    from helpers.workshop import expected_answer

    p = load("predictions")
    in_text = set(p.loc[p["text_zh"].str.contains(r"\d+\s*年"), "prediction_id"])
    assert set(expected_answer("ex6_3")) == in_text and len(in_text) == 4


# --- one currency style ---------------------------------------------------------------------------------------
def test_money_is_written_usd_where_readers_see_it():
    """The sources' texts say ``US$100 billion`` and ``$13B``: the tables and sentences show ``USD``, while the glued
    quote keeps the source's words (JupyterLab typesets text between two dollar signs as mathematics)."""
    from helpers.tables import usd_text

    assert usd_text("worth US$100 billion; $13B at a $183B valuation") == "worth USD 100 billion; USD 13B at a USD 183B valuation"
    assert usd_text("no money here") == "no money here"
    nb = json.loads(NB.read_text(encoding="utf-8"))
    shown = [re.sub(r"<script.*?</script>", "", "".join(o.get("data", {}).get(mime, "")), flags=re.S)
             for c in nb["cells"] for o in c.get("outputs", []) for mime in ("text/markdown", "text/html")]
    assert not [t for t in shown if "$" in t]
    assert "USD 100 billion" in " ".join(shown) and "US$100 billion" in rerun.glued_figures(NB)["p10_en"]
    day = D("2026-12-01")
    spec = json.dumps(charts.spec_of(outlook_charts.ledger_timeline(outlook.ledger(day), load("evidence"), day)), ensure_ascii=False)
    assert "$" not in spec.replace('"$schema"', "") and "USD 6.6B" in spec      # the tooltips too
