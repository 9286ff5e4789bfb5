"""The ecosystem chapter: P&L model, parameters, tables, charts and papermill reruns."""
from __future__ import annotations

from pathlib import Path

import papermill
import pytest
from conftest import NOTEBOOKS, assert_quotes_unchanged, has_tooltips, run_notebook

from helpers import charts
from helpers.chapters import ecosystem
from helpers.chapters.ecosystem import charts as ecosystem_charts
from helpers.data import load
from helpers.errors import DataError, ParameterError
from helpers.formulas import pnl
from machinery import rerun

ECO = NOTEBOOKS / "01_ecosystem.ipynb"
REQUIRED_GLUE = ["market_size_2023_cny_100m", "market_size_2028_cny_100m", "market_size_2030_cny_100m_iresearch",
                 "market_size_2030_cny_100m_qbitai", "market_cagr_2023_2030_iresearch", "market_size_2030_usd_bn_iresearch",
                 "q3_2023_deals", "q3_2023_amount_cny_100m", "q3_2023_companies", "q3_2023_investors",
                 "startups_underlying_tech_share_q1", "startups_underlying_tech_share_h1"]


# --- P&L model ----------------------------------------------------------------------------------
def test_margin_before_by_hand():
    assert pnl.operating_margin_before(0.7, 0.5) == pytest.approx(0.2)


def test_incumbent_loses_the_ai_cost():
    # revenue 1, costs 0.3 + 0.1 + 0.5 → margin 0.1
    assert pnl.operating_margin_after(0.7, 0.5, 0.0, 0.1, 0.0) == pytest.approx(0.1)


def test_innovator_price_rise_by_hand():
    # revenue 1.4, costs 0.3 + 0.1 + 0.5 = 0.9 → margin 0.5 / 1.4
    assert pnl.operating_margin_after(0.7, 0.5, 0.4, 0.1, 0.0) == pytest.approx(0.5 / 1.4)


def test_adopter_labour_saving_by_hand():
    assert pnl.operating_margin_after(0.7, 0.5, 0.0, 0.03, 0.15) == pytest.approx(1 - (0.3 + 0.03 + 0.35))
    assert pnl.operating_profit_change(0.0, 0.03, 0.15) == pytest.approx(0.12)


def test_no_ai_changes_nothing():
    assert pnl.operating_margin_after(0.6, 0.4, 0, 0, 0) == pytest.approx(pnl.operating_margin_before(0.6, 0.4))


# --- parameters ---------------------------------------------------------------------------------
def test_notebook_defaults_are_the_data_defaults():
    declared = papermill.inspect_notebook(str(ECO))
    defaults = {name: float(eval(spec["default"])) for name, spec in declared.items() if name != "lang"}
    assert defaults == ecosystem.report_params()


def test_default_exchange_rate_is_the_sourced_2023_average():
    assert ecosystem.report_params()["cny_per_usd"] == 7.0467
    assert load("fx_rates").set_index("rate_id").at["USD_2023_AVG", "source_id"] == "safe_2023_average"


@pytest.mark.parametrize("name, value, fragment", [
    ("cny_per_usd", 0, "is out of range; allowed: 0 < cny_per_usd"),
    ("cny_per_usd", -7, "is out of range; allowed: 0 < cny_per_usd"),
    ("cny_per_usd", "7,0", "is not a number; allowed: 0 < cny_per_usd"),
    ("forecast_base_year", 2025, "is not allowed; allowed: one of 2023, 2028"),
    ("forecast_base_year", 2023.5, "is not a whole number"),
    ("innovator_price_uplift", -0.1, "0 ≤ innovator_price_uplift ≤ 10"),
    ("baseline_gross_margin", 0, "0 < baseline_gross_margin ≤ 1"),
    ("adopter_labour_saved_share", 0.6, "exceeds baseline_opex_share"),
])
def test_bad_parameters_are_refused(name, value, fragment):
    with pytest.raises(ParameterError) as info:
        ecosystem.validate(ecosystem.report_params() | {name: value})
    assert f"'{name}' = {value!r}" in str(info.value) and fragment in str(info.value)


# --- tables --------------------------------------------------------------------------------------
def test_startup_shift_is_the_reports_figures():
    assert ecosystem.startup_share("2023Q1", "underlying_tech") == 0.14
    assert ecosystem.startup_share("2023H1", "underlying_tech") == 0.29
    assert ecosystem.startup_share("2023Q1", "productivity") == 0.65
    assert ecosystem.startup_share("2023H1", "productivity") == 0.46


def test_market_figures_and_growth():
    assert ecosystem.market_size("iresearch", 2023) == 143
    assert ecosystem.market_size("iresearch", 2028) == 7202
    assert ecosystem.market_size("iresearch", 2030) == 11441
    assert ecosystem.market_size("qbitai", 2030) == 11500
    g = ecosystem.growth_table(2023)
    row = g[(g["forecaster"] == "iResearch") & (g["from_year"] == 2023) & (g["to_year"] == 2030)]
    assert row["cagr"].item() == pytest.approx((11441 / 143) ** (1 / 7) - 1)
    g28 = ecosystem.growth_table(2028)
    assert (g28["from_year"] >= 2023).all() and 2028 in set(g28["from_year"])


def test_only_stated_market_years_are_used():
    pts = ecosystem.market_points(7.0)
    assert set(zip(pts["forecaster"], pts["year"])) == {("iresearch", 2023), ("iresearch", 2028),
                                                        ("iresearch", 2030), ("qbitai", 2030)}
    assert ecosystem.base_years() == [2023.0, 2028.0]


def test_q3_totals():
    q = ecosystem.q3_totals()
    assert (q["deals"], q["disclosed_amount_cny_100m"], q["companies"], q["investors"]) == (35, 39.61, 33, 51)


def test_pnl_scenarios_order_of_outcomes():
    s = ecosystem.pnl_scenarios(ecosystem.report_params()).set_index("player_type")
    assert s.at["incumbent", "margin_after"] < s.at["incumbent", "margin_before"]
    assert s.at["innovator", "margin_after"] > s.at["innovator", "margin_before"]
    assert s.at["adopter", "margin_after"] > s.at["adopter", "margin_before"]


def test_unicorn_flag():
    u = ecosystem.unicorn_valuations().set_index("unicorn_id")
    assert u.at["anthropic", "figure_kind"] == "likely_funding_not_valuation"
    assert (u[u["figure_kind"] == "valuation"]["valuation_usd_bn"] >= 1).all()


@pytest.mark.parametrize("make", [
    lambda p: ecosystem_charts.players_per_layer(ecosystem.players_per_layer()),
    lambda p: ecosystem_charts.pnl_margins(ecosystem.pnl_scenarios(p)),
    lambda p: ecosystem_charts.startup_shift(ecosystem.startup_shift()),
    lambda p: ecosystem_charts.rounds_timeline(ecosystem.model_rounds()),
    lambda p: ecosystem_charts.unicorns(ecosystem.unicorn_valuations()),
    lambda p: ecosystem_charts.q3_breakdown(load("cyzone_q3_breakdown")),
    lambda p: ecosystem_charts.financing_shares(load("financing_heat")),
    lambda p: ecosystem_charts.market_forecasts(ecosystem.market_points(7.0), load("market_stages"), 7.0),
    lambda p: ecosystem_charts.ai_waves(ecosystem.ai_waves()),
    lambda p: ecosystem_charts.startup_landscape_q1(ecosystem.startup_landscape_q1()),
])
def test_charts_are_titled_described_and_offline(make):
    chart = make(ecosystem.report_params())
    spec = charts.spec_of(chart)
    assert len(spec["description"]) > 40 and has_tooltips(spec)   # alt text that says something; tooltips
    html = charts.render(chart, "c", "s")
    assert html == charts.render(make(ecosystem.report_params()), "c", "s") and "cdn." not in html


# --- the report's sections: claims, lists, companies ----------------------------------------------
def test_four_waves_as_the_report_states_them():
    w = ecosystem.ai_waves().set_index("wave")
    assert (w.at[1, "years_low"], w.at[2, "years_low"], w.at[3, "years_low"], w.at[3, "years_high"]) == (40, 20, 8, 10)
    assert w.at[4, "label"] == "since 2017 (ongoing)" and ecosystem.claim("wave4_singularity_year") == 2020


def test_gpt2_to_gpt3_ratio_checks_against_the_report():
    g = ecosystem.gpt2_to_gpt3()
    assert g["params_ratio_stated"] == 117 and round(g["params_ratio_recomputed"]) == 117
    assert (g["gpt2_data_gb"], g["gpt3_data_gb"]) == (50, 570)


def test_every_chapter1_section_has_claims_and_the_lost_figures_are_named():
    c = load("eco_claims")
    assert set(c["section"]) == set(ecosystem.SECTIONS)
    lost = set(c[c["topic_en"].str.startswith("Lost figure")]["claim_id"])
    assert {"ecosystem_figure_portfolio", "income_statements_lost", "market_map_lost", "startups_charts_lost",
            "three_forms_lost", "language_map_lost"} <= lost
    assert ecosystem.claim("cbinsights_unicorns") == 13 and ecosystem.claim("most_map_rank") == 2


def test_claim_without_a_figure_and_unknown_section_are_refused():
    with pytest.raises(DataError, match="'openai_new_species'.*states no figure"):
        ecosystem.claim("openai_new_species")
    with pytest.raises(DataError, match="section = 'pricing' is not a chapter-1 section"):
        ecosystem.claims("pricing")
    with pytest.raises(DataError, match="list_id = 'nope' is not in data/eco_lists.csv"):
        ecosystem.list_items("nope")


def test_q1_landscape_keeps_every_stated_q1_share_and_no_other():
    q = ecosystem.startup_landscape_q1().set_index("stat_id")
    assert set(q.index) == {"q1_language", "q1_multimodal", "q1_model_and_tooling", "q1_chatbot", "q1_productivity_tools"}
    assert q.at["q1_language", "stated_as"] == "stated as 'nearly'" and q.at["q1_multimodal", "share"] == 0.57


def test_lists_keep_the_report_order():
    assert list(ecosystem.list_items("gpt4_teams")["item_zh"]) == [
        "Pretraining", "Long context", "Vision", "Reinforcement Learning & Alignment", "Evaluation & Analysis", "Deployment"]
    assert list(ecosystem.list_items("opportunity_fields")["item_zh"]) == ["法律", "金融", "营销"]
    assert len(ecosystem.list_items("language_map_categories")) == 11


def test_adept_inflection_character_are_model_companies_not_applications():
    """Slip 5 of issue 13: the report files them under 大模型公司."""
    layers = load("eco_layers").set_index("layer_player_id")
    assert "Adept" in layers.at["model_talent_led_startups", "examples"]
    assert not (load("eco_layers").query("layer == 'application'")["examples"].fillna("").str.contains("Adept")).any()
    assert not load("eco_app_modes")["examples"].fillna("").str.contains("Adept").any()
    assert set(ecosystem.core_teams()["company"]) == set(ecosystem.model_rounds()["company"])


def test_core_teams_and_multimodal_map_as_printed():
    t = ecosystem.core_teams().set_index("person_id")
    assert t.at["character_shazeer", "name_as_printed"] == "Noam Shazeq" and t.at["character_shazeer", "name_usual"] == "Noam Shazeer"
    assert len(t) == 8
    m = ecosystem.multimodal_startups()
    assert len(m) == 16 and m["category_zh"].nunique() == 7 and m.iloc[0]["name_as_printed"] == "Frechand 意绘"


# --- papermill ----------------------------------------------------------------------------------
def test_committed_chapter_glues_the_required_figures():
    """The committed notebook stands for a default run: nbval proves they are the same."""
    g = rerun.glued_figures(ECO)
    for name in REQUIRED_GLUE:
        assert isinstance(g[name], float), name
    assert g["q3_2023_deals"] == 35 and g["market_size_2030_cny_100m_qbitai"] == 11500
    assert g["market_size_2030_usd_bn_iresearch"] == pytest.approx(11441e8 / 7.0467 / 1e9)


@pytest.mark.slow
def test_another_exchange_rate_and_base_year(tmp_path):
    out = run_notebook(ECO, tmp_path / "eco2.ipynb", cny_per_usd=8.0, forecast_base_year=2028, innovator_price_uplift=1.0)
    g = rerun.glued_figures(out)
    assert_quotes_unchanged(out, ECO)
    assert g["source_innovator_price_uplift"] == 0.4 and g["yours_innovator_uplift"] == " (this run assumes 100%)"
    assert g["market_size_2030_usd_bn_iresearch"] == pytest.approx(11441e8 / 8.0 / 1e9)
    assert g["market_cagr_base_2030_iresearch"] == pytest.approx((11441 / 7202) ** 0.5 - 1)
    assert g["market_cagr_2023_2030_iresearch"] == pytest.approx((11441 / 143) ** (1 / 7) - 1)   # named for 2023: fixed
    assert g["pnl_margin_after_innovator"] == pytest.approx((2.0 - 0.9) / 2.0)
    assert g["param_forecast_base_year_text"] == "2028"


@pytest.mark.slow
def test_bad_exchange_rate_stops_the_run_with_one_message(tmp_path):
    """One papermill run for the notebook side; the other bad values are unit cases above."""
    with pytest.raises(papermill.PapermillExecutionError) as info:
        run_notebook(ECO, tmp_path / "bad.ipynb", cny_per_usd="abc")
    assert info.value.ename == "ParameterError"
    assert "parameter 'cny_per_usd' = 'abc' is not a number" in info.value.evalue
    assert len(info.value.traceback) == 1


@pytest.mark.parametrize("notebook", ["01_ecosystem.ipynb", "01b_companies.ipynb"])
def test_hidden_cells_are_collapsed_in_jupyterlab_too(notebook):
    """Book tags act only in the book; JupyterLab collapses a cell by ``metadata.jupyter.source_hidden``."""
    import nbformat
    nb = nbformat.read(str(NOTEBOOKS / notebook), as_version=4)
    open_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                  and {"remove-cell", "remove-input", "hide-input"} & set(c.metadata.get("tags", []))
                  and not c.metadata.get("jupyter", {}).get("source_hidden")]
    assert not open_cells, f"{notebook}: cells {open_cells} are hidden in the book but open in JupyterLab"


def test_company_names_in_prose_are_not_turned_into_links():
    """The book's Markdown linkifies bare domains ('Character.ai' became a link to http://Character.ai):
    prose escapes the dot."""
    import re

    import nbformat
    for name in ("01_ecosystem.ipynb", "01b_companies.ipynb"):
        prose = [c.source for c in nbformat.read(str(NOTEBOOKS / name), as_version=4).cells
                 if c.cell_type == "markdown" or "F.say" in c.source]
        bare = [m for s in prose for m in re.findall(r"(?<![\\\w])\b[A-Za-z]+\.(?:ai|AI|com|COM|xyz)\b", s)]
        assert not bare, f"{name}: {bare}"


# --- workshop exercises (ex1_*, ex1b_*) --------------------------------------------------------------
SEED = Path("/work/shared/seeds/002_f6d0c27f5246e267.txt")   # the report's text, where this machine has it


@pytest.mark.slow
def test_what_if_solutions_equal_the_papermill_reruns(tmp_path):
    """ex1_2 and ex1_4 compute their rerun's figure through the helpers: it equals what papermill reruns glue (the
    scenario's run as the Scenarios page caches it by its inputs; test_scenarios checks such a cache against a fresh
    run)."""
    from helpers.workshop import expected_answer
    from machinery import scenarios

    glued = scenarios.scenario_figures("rmb-7.3-ecosystem")["market_size_2030_usd_bn_iresearch"]
    assert expected_answer("ex1_2") == pytest.approx(glued, rel=1e-12)
    out = run_notebook(ECO, tmp_path / "no_uplift.ipynb", innovator_price_uplift=0.0)
    assert expected_answer("ex1_4") == pytest.approx(rerun.glued_figures(out)["pnl_margin_after_innovator"], rel=1e-12)
    assert expected_answer("ex1_2") < rerun.glued_figures(ECO)["market_size_2030_usd_bn_iresearch"]


def test_recompute_answers_equal_the_chapters_glued_figures():
    from helpers.workshop import expected_answer

    yearly = rerun.glued_figures(ECO)["market_cagr_2023_2030_iresearch"]
    assert (1 + expected_answer("ex1_1")) ** 12 - 1 == pytest.approx(yearly, rel=1e-12)   # per month, compounded
    params_ratio = rerun.glued_figures(NOTEBOOKS / "01b_companies.ipynb")["gpt3_over_gpt2_recomputed"]
    assert round(params_ratio) == ecosystem.claim("gpt3_over_gpt2_params")   # the report's "about 117"
    data_ratio = ecosystem.claim("gpt3_data_gb") / ecosystem.claim("gpt2_data_gb")
    assert expected_answer("ex1b_1") == pytest.approx(params_ratio / data_ratio, rel=1e-12)
    counts = expected_answer("ex1b_3")
    assert list(counts.columns) == ["category_en", "startups"]
    assert counts["startups"].sum() == len(ecosystem.multimodal_startups())


@pytest.mark.skipif(not SEED.exists(), reason="the seed report's text is not on this machine")
@pytest.mark.parametrize("exercise_id, sentence", [
    ("ex1_3", "微软宣布 Microsoft 365 Copilot 涨价 {:.0f}%"),
    ("ex1b_2", "语言类应用占了近三年成立的生成式 AI 企业的 {:.0f}%"),
])
def test_check_source_answers_are_the_reports_printed_figures(exercise_id, sentence):
    """The book's record of each check-the-source figure is the percentage the report's sentence prints."""
    from helpers.workshop import expected_answer

    assert sentence.format(expected_answer(exercise_id) * 100) in SEED.read_text(encoding="utf-8")
