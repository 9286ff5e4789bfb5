"""The three-years-on chapter (issue 15): dated price tables, figures at a price_date, scenarios, read-back names,
and the in-page what-ifs, whose slider values a real browser moves and checks against helpers.formulas.costs."""
from __future__ import annotations

import datetime as dt
import functools
import http.server
import threading

import pytest
from conftest import NOTEBOOKS

from helpers import charts, data, provenance
from helpers.chapters import pricing
from helpers.chapters import three_years_on as T
from helpers.chapters.three_years_on import charts as now_charts
from helpers.errors import ParameterError
from helpers.formulas import costs
from machinery import rerun, scenarios

CHAPTER = NOTEBOOKS / "02b_three_years_on.ipynb"
LATEST = dt.date(2026, 9, 26)
DATED = {"api_prices": "effective_date", "gpu_rental_prices": "observed_date", "server_prices": "observed_date"}


# --- the tables ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("table", ["api_prices", "gpu_rental_prices", "server_prices", "gpu_specs", "benchmark_scores",
                                   "open_training_runs"])
def test_source_links_are_canonical_and_copies_are_named_beside_them(table):
    frame = data.load(table)
    assert frame["source_url"].map(provenance.copy_host).isna().all(), frame["source_url"].tolist()
    via = frame["checked_via"].dropna()
    assert via.str.match(r"^https?://").all()
    assert not (frame["checked_via"] == frame["source_url"]).any()


@pytest.mark.parametrize("table,column", DATED.items())
def test_prices_are_dated_between_the_report_year_and_the_latest_date(table, column):
    days = data.load(table)[column].map(lambda d: d.date() if hasattr(d, "date") else dt.date.fromisoformat(str(d)))
    assert days.min() >= dt.date(2023, 1, 1) and days.max() <= LATEST


def test_api_prices_state_currency_unit_and_a_chinese_provider_in_yuan():
    api = data.load("api_prices")
    assert set(api["currency"]) == {"USD", "CNY"}
    assert (api["output_per_1m"] >= api["input_per_1m"]).all()
    cny = api[api["currency"] == "CNY"]
    assert {"DeepSeek 深度求索", "Moonshot AI 月之暗面"} <= set(cny["provider"])
    assert set(api["provider"]) >= {"OpenAI", "Anthropic"}


def test_gpu_rentals_cover_hyperscalers_and_two_specialist_clouds():
    r = data.load("gpu_rental_prices")
    assert (r["provider_kind"] == "hyperscaler").any()
    assert r.loc[r["provider_kind"] == "specialist", "provider"].nunique() >= 2
    assert {"NVIDIA A100", "NVIDIA H100 SXM", "NVIDIA H200 SXM"} <= set(r["gpu"])


def test_every_scored_api_model_has_a_score_and_the_thresholds_are_openais_2023_figures():
    api, scores = data.load("api_prices"), data.load("benchmark_scores").set_index("model_id")
    assert set(api["model_id"].dropna()) <= set(scores.index)
    assert T.threshold_pct("gpt35") == 70.0 and T.threshold_pct("gpt4") == 86.4


# --- price_date -------------------------------------------------------------------------------------------
def test_default_price_date_is_the_latest_date_in_the_tables():
    assert T.latest_date() == LATEST
    assert rerun.parameter_defaults(CHAPTER)["price_date"] == LATEST.isoformat()


@pytest.mark.parametrize("value,fragment", [
    ("2026-13-01", "is not a date"), ("soon", "is not a date"), (20260507, "is not a date"),
    ("2022-12-31", "is before 2023-01-01"), ("2026-09-27", "after the latest price"),
])
def test_bad_price_dates_are_refused_in_one_line(value, fragment):
    with pytest.raises(ParameterError) as err:
        T.validate({"price_date": value, "utilization": 1.0})
    assert fragment in str(err.value) and "price_date" in str(err.value) and "\n" not in str(err.value)


def test_bad_utilization_is_refused():
    with pytest.raises(ParameterError, match="utilization"):
        T.validate({"price_date": "2026-05-07", "utilization": 1.5})


@pytest.mark.parametrize("day", [dt.date(2023, 1, 1), dt.date(2023, 7, 28)])
def test_price_date_on_or_before_the_report_gives_the_reports_figures(day):
    rp = pricing.report_params()
    kf = pricing.key_figures(rp)
    f = T.figures_at(day)
    assert f["infra_gross_margin"] == pytest.approx(kf["infra_gross_margin"], rel=1e-12)
    assert f["infra_breakeven_utilization"] == pytest.approx(kf["infra_breakeven_utilization"], rel=1e-12)
    assert f["train_cost_gpt3_usd"] == pytest.approx(kf["train_cost_a100_usd"], rel=1e-12)
    assert f["infer_cost_usd_per_1k"] == pytest.approx(kf["infer_cost_a100_usd_per_1k"], rel=1e-12)
    for sid in ("query_tool", "research_assistant", "chatbot"):
        assert f[f"app_daily_cost_{sid}_1m_dau"] == pytest.approx(kf[f"app_daily_cost_{sid}_1m_dau"], rel=1e-12)
    assert T.inputs(day)["regime"] == "report"


def test_latest_figures_follow_from_the_tables_by_hand():
    """2026-09-26: AWS p5.48xlarge (8 × H100 SXM) on a one-year commitment, USD 43.344 an hour, a USD 317,000 server
    over 5 years, 989 dense TFLOPS, gpt-4.1-nano at USD 0.10 / 0.40 per million tokens (the cheapest at MMLU ≥ 70)."""
    f = T.figures_at(LATEST, 1.0)
    rent, server = 43.344, 317_000.0
    assert f["infra_gross_margin"] == pytest.approx(1 - (server / 5) / (rent * 8760), rel=1e-12)
    assert f["infra_breakeven_utilization"] == pytest.approx((server / 5) / (rent * 8760), rel=1e-12)
    gpu_hours = 6 * 175e9 * 300e9 / (989e12 * 0.5) / 3600
    assert f["train_cost_gpt3_usd"] == pytest.approx(gpu_hours * rent / 8, rel=1e-12)
    assert f["infer_cost_usd_per_1k"] == pytest.approx(rent / 8 / 3600 / 989e12 * 2 * 175e9 * 1000 / 0.25, rel=1e-12)
    assert f["app_daily_cost_query_tool_1m_dau"] == pytest.approx(1e6 * 3 * (50 * 0.10 + 300 * 0.40) / 1e6, rel=1e-12)
    assert f["app_daily_cost_chatbot_1m_dau"] == pytest.approx(1e6 * 100 * (50 * 0.10 + 50 * 0.40) / 1e6, rel=1e-12)
    on_demand = T.figures_at(LATEST, 1.0, "on-demand")
    assert on_demand["infra_breakeven_utilization"] == pytest.approx((server / 5) / (55.04 * 8760), rel=1e-12)
    falls = T.fall_factors(LATEST)
    assert falls["api_price_fall_factor_gpt35_class"] == pytest.approx((0.75 * 1.5 + 0.25 * 2.0) / (0.75 * 0.10 + 0.25 * 0.40))
    assert falls["gpu_rental_fall_factor_h100"] == pytest.approx(1.99 / 2.86)
    deepseek_usd = (0.75 * 2 + 0.25 * 8) / 7.0467
    assert falls["api_price_fall_factor_gpt4_class"] == pytest.approx((0.75 * 30 + 0.25 * 60) / deepseek_usd)


def test_the_rent_is_like_for_like_with_the_reports():
    """The report's rent is AWS, 8 GPUs, one-year commitment: today's default is AWS p5.48xlarge on a one-year term."""
    for basis, kind in (("commitment", "commitment"), ("on-demand", "on-demand")):
        r = T.rent_offer(LATEST, basis)
        assert (r["provider"], r["instance"], r["gpus_per_instance"], T.rent_class(r["commitment"])) == \
            ("Amazon Web Services", "p5.48xlarge", 8, kind)
    assert T.rent_class("EC2 Capacity Blocks for ML (reserved 1–182 days, paid up front)") == "short reservation"
    assert T.rent_class("Spot (preemptible), no commitment") == "spot"
    with pytest.raises(ValueError, match="not recognised"):
        T.rent_class("a handshake")


@pytest.mark.parametrize("values, fragment", [
    ({"price_date": "2026-09-26", "utilization": 1.0, "rent_basis": "spot"}, "parameter 'rent_basis' = 'spot'"),
    ({"price_date": "2024-07-28", "utilization": 1.0, "rent_basis": "commitment"}, "allowed with rent_basis 'commitment': from 2025-11-30")])
def test_bad_rent_basis_or_a_date_without_such_a_rent_is_refused_in_one_line(values, fragment):
    with pytest.raises(ParameterError) as err:
        T.validate(values)
    assert fragment in str(err.value) and "\n" not in str(err.value)


def test_the_flop_price_trend_is_measured_from_the_dates_the_reports_prices_applied():
    """The A100 price at launch applied from November 2020 (not the report's date); its current price from the report's."""
    f = T.flop_price_falls(LATEST).set_index("price_id")
    assert f.at["aws_p4d_launch", "from_date"] == dt.date(2020, 11, 2) and f.at["aws_p4d_ohio", "from_date"] == T.report_date()
    now = 43.344 / 8 / 0.989
    assert f.at["aws_p4d_launch", "fall_factor"] == pytest.approx(19.22 / 8 / 0.312 / now, rel=1e-12)
    assert f.at["aws_p4d_ohio", "fall_factor"] == pytest.approx(24.21 / 8 / 0.312 / now, rel=1e-12)
    lo, hi = T.claim_factor_range(dt.date(2020, 11, 2), LATEST)
    assert (f.at["aws_p4d_launch", "trend_low"], f.at["aws_p4d_launch", "trend_high"]) == (lo, hi) and lo > 3
    at_report = T.flop_price_falls(T.report_date()).set_index("price_id")
    assert at_report.at["aws_p4d_ohio", "fall_factor"] == pytest.approx(1.0)


def test_a_date_in_between_uses_the_prices_in_force_then():
    x = T.inputs(dt.date(2024, 12, 31), 1.0, "on-demand")
    assert x["rental_usd_per_server_hour"] == pytest.approx(98.32)  # AWS on demand, 8 × H100 (the capacity block is not on demand)
    assert x["server_price_usd"] == 317_000
    assert x["api_input_usd_per_1k"] == pytest.approx(0.00015)
    x = T.inputs(dt.date(2024, 1, 1), 1.0, "on-demand")
    assert x["rental_usd_per_server_hour"] == pytest.approx(98.32) and x["server_price_usd"] == 270_000
    assert x["api_input_usd_per_1k"] == pytest.approx(0.001)  # gpt-3.5-turbo-1106


def test_the_claim_band_reproduces_the_reports_rate():
    lo, hi = T.claim_factor_range(dt.date(2020, 1, 1), dt.date(2020, 1, 1) + dt.timedelta(days=round(2.5 * 365.25)))
    assert lo == pytest.approx(1 / 0.6, rel=1e-3) and hi == pytest.approx(2.0, rel=1e-3)


# --- scenarios and read-back --------------------------------------------------------------------------------
def test_scenarios_hold_the_report_date_and_the_latest_date():
    assert set(scenarios.scenario_names()) >= {"2023-report", "latest"}
    for name, day in (("2023-report", T.report_date()), ("latest", T.latest_date())):
        s = scenarios.load_scenario(name)
        assert s["title"] and s["story"] and "\n" not in s["story"].strip()
        assert scenarios.notebook_path(s).resolve() == CHAPTER.resolve()
        assert s["parameters"]["price_date"] == day.isoformat()


def test_a_missing_scenario_names_the_file_and_the_allowed_names(capsys):
    assert rerun.main(["--scenario", "nope", "out.ipynb"]) == 2
    err = capsys.readouterr().err
    assert "nope" in err and "2023-report" in err and "latest" in err


def test_promised_names_are_glued_with_the_tables_values():
    glued = rerun.glued_figures(CHAPTER)
    f, falls = T.figures_at(LATEST), T.fall_factors(LATEST)
    assert glued["now_price_date"] == LATEST.isoformat()
    for name in rerun.READBACK[CHAPTER.name]:
        assert name in glued, name
        key = name.removeprefix("now_")
        if key in f:
            assert glued[name] == pytest.approx(f[key], rel=1e-12), name
        elif name in falls:
            assert glued[name] == pytest.approx(falls[name], rel=1e-12), name


# --- the what-if charts in a real browser --------------------------------------------------------------------
@pytest.fixture(scope="module")
def whatif_page(tmp_path_factory):
    """A page with both what-if charts as the book renders them and the book's Vega bundle, served on 127.0.0.1."""
    from helpers.vega_bundle import cached_bundle

    x = T.inputs(LATEST)
    rp = pricing.report_params()
    then = {"annual_cost_usd": rp["server_price_usd"] / rp["depreciation_years"], "rental_usd_per_hour": rp["rental_usd_per_hour"]}
    infra = now_charts.infra_whatif(x["server_price_usd"], x["depreciation_years"], x["rental_usd_per_server_hour"], 1.0, then, "now")
    app = now_charts.app_whatif(data.load("app_scenarios"), 1e6, x["api_input_usd_per_1k"], x["api_output_usd_per_1k"])
    site = tmp_path_factory.mktemp("whatif")
    (site / "vega.js").write_text(cached_bundle().read_text(encoding="utf-8"), encoding="utf-8")
    body = charts.render(infra, "infra", "test", expose=True) + charts.render(app, "app", "test", expose=True)
    (site / "index.html").write_text(f'<!doctype html><meta charset="utf-8"><script src="vega.js"></script>{body}', encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    ids = [charts._chart_id(charts.spec_of(c, validate=False)) for c in (infra, app)]
    yield f"http://127.0.0.1:{httpd.server_address[1]}/index.html", ids, x
    httpd.shutdown()


MOVE = """async ([id, name, value]) => {
    const view = window.bookViews[id];
    const input = document.querySelector(`#${id} input[name="${name}"]`);
    input.value = String(value);
    input.dispatchEvent(new Event("input", {bubbles: true}));
    await view.runAsync();
    return Number(input.value);
}"""
SIGNAL = "([id, name]) => window.bookViews[id].signal(name)"


@pytest.fixture(scope="module")
def page(browser, whatif_page):
    url, ids, _ = whatif_page
    p = browser.new_page()
    p.goto(url, wait_until="load")
    p.wait_for_function("ids => ids.every(id => window.bookViews && window.bookViews[id])", arg=ids, timeout=20_000)
    yield p
    p.close()


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-300)


@pytest.mark.parametrize("name,values", [
    ("utilization", [0.05, 0.37, 1.0]), ("rental_usd_per_hour", [7.5, 30.24, 98.32]), ("server_usd", [150_000, 317_000, 550_000])])
def test_infra_sliders_compute_what_helpers_compute(page, whatif_page, name, values):
    _, (infra_id, _), x = whatif_page
    for v in values:
        page.evaluate(MOVE, [infra_id, name, v])
        state = {n: page.evaluate(SIGNAL, [infra_id, n]) for n in ("utilization", "rental_usd_per_hour", "server_usd", "years")}
        assert state[name] == pytest.approx(v)
        margin = costs.infra_gross_margin(state["utilization"], state["server_usd"], state["years"], state["rental_usd_per_hour"])
        breakeven = costs.breakeven_utilization(state["server_usd"], state["years"], state["rental_usd_per_hour"])
        assert _close(page.evaluate(SIGNAL, [infra_id, "margin_at_u"]), margin), (name, v)
        assert _close(page.evaluate(SIGNAL, [infra_id, "breakeven_u"]), breakeven), (name, v)


@pytest.mark.parametrize("name,values", [
    ("dau", [200_000, 1_000_000, 15_000_000]), ("input_usd_per_1k", [0.00015, 0.0015, 0.005]),
    ("output_usd_per_1k", [0.0006, 0.002, 0.025]), ("calls", [1, 37, 200]), ("tokens_in", [10, 730, 5000]),
    ("tokens_out", [20, 300, 4990])])
def test_app_sliders_compute_what_helpers_compute(page, whatif_page, name, values):
    _, (_, app_id), _ = whatif_page
    scenarios = data.load("app_scenarios")
    for v in values:
        page.evaluate(MOVE, [app_id, name, v])
        s = {n: page.evaluate(SIGNAL, [app_id, n]) for n in APP_NAMES}
        assert s[name] == pytest.approx(v)
        for _, row in scenarios.iterrows():
            expected = costs.app_daily_cost_usd(s["dau"], row["calls_per_user_per_day"], row["input_tokens_per_call"],
                                                row["output_tokens_per_call"], s["input_usd_per_1k"], s["output_usd_per_1k"])
            assert _close(page.evaluate(SIGNAL, [app_id, f"cost_{row['scenario_id']}"]), expected), (row["scenario_id"], name, v)
        custom = costs.app_daily_cost_usd(s["dau"], s["calls"], s["tokens_in"], s["tokens_out"], s["input_usd_per_1k"],
                                          s["output_usd_per_1k"])
        assert _close(page.evaluate(SIGNAL, [app_id, "cost_custom"]), custom), (name, v)


APP_NAMES = ("dau", "input_usd_per_1k", "output_usd_per_1k", "calls", "tokens_in", "tokens_out")


def test_the_bars_draw_the_signals_values(page, whatif_page):
    """The bar lengths come from the chart's data (a calculate transform), which must agree with the signals."""
    _, (_, app_id), _ = whatif_page
    rows = page.evaluate("""id => { const v = window.bookViews[id];
        const names = Object.keys(v.getState({data: vega => true, signals: () => false}).data || {});
        for (const n of names) { const d = v.data(n); if (d.length && 'daily_cost_usd' in d[0]) return d; }
        return []; }""", app_id)
    assert len(rows) == 4
    for r in rows:
        assert _close(r["daily_cost_usd"], page.evaluate(SIGNAL, [app_id, f"cost_{r['key']}"])), r


@pytest.mark.slow
def test_the_2023_report_scenario_reruns_the_chapter_at_the_reports_figures(tmp_path):
    """End to end through the CLI: the scenario's notebook and parameters, papermill, then the glued figures."""
    from conftest import assert_quotes_unchanged

    out = tmp_path / "report.ipynb"
    assert rerun.main(["--scenario", "2023-report", str(out)]) == 0
    glued, kf = rerun.glued_figures(out), pricing.key_figures(pricing.report_params())
    assert glued["now_price_date"] == T.report_date().isoformat()
    assert glued["now_infra_gross_margin"] == pytest.approx(kf["infra_gross_margin"], rel=1e-12)
    assert glued["now_train_cost_gpt3_usd"] == pytest.approx(kf["train_cost_a100_usd"], rel=1e-12)
    assert glued["api_price_fall_factor_gpt35_class"] == pytest.approx(1.0)
    assert_quotes_unchanged(out, CHAPTER)


# --- workshop exercises (issue 16) ---------------------------------------------------------------------------
@pytest.mark.slow
def test_what_if_solution_equals_the_papermill_rerun(tmp_path):
    """Exercise ex2b_2's solution computes through the helpers what a papermill rerun with its rent_basis glues."""
    from helpers.chapters.three_years_on import exercises
    from helpers.workshop import expected_answer

    out = tmp_path / "one_year_on.ipynb"
    assert rerun.main([str(CHAPTER), str(out), "-p", "rent_basis", exercises.WHAT_IF_RENT_BASIS]) == 0
    glued = rerun.glued_figures(out)
    assert glued["rent_basis"] == T.RENT_BASES[exercises.WHAT_IF_RENT_BASIS]
    assert expected_answer("ex2b_2") == pytest.approx(glued["now_infra_breakeven_utilization"], rel=1e-12)
    assert expected_answer("ex2b_2") < T.figures_at(T.latest_date())["infra_breakeven_utilization"]   # the question's "below"


def test_recompute_answers_equal_the_chapters_glued_figures_at_its_default_date():
    """ex2b_1 is the chapter's glued break-even at its default date, rescaled from its years of depreciation to the
    exercise's; ex2b_4 the GPT-3.5-class fall to the exercise's day, short of the chapter's fall to its latest date."""
    from helpers.chapters.three_years_on import exercises
    from helpers.workshop import expected_answer

    glued = rerun.glued_figures(CHAPTER)
    assert rerun.parameter_defaults(CHAPTER)["price_date"] == T.latest_date().isoformat()
    years = T.inputs(T.latest_date())["depreciation_years"]
    assert years != exercises.EX2B_1_DEPRECIATION_YEARS
    assert expected_answer("ex2b_1") == pytest.approx(
        glued["now_infra_breakeven_utilization"] * years / exercises.EX2B_1_DEPRECIATION_YEARS, rel=1e-12)
    assert exercises.EX2B_4_DAY < T.latest_date()
    assert 1 < expected_answer("ex2b_4") < glued["api_price_fall_factor_gpt35_class"]
