"""The figures the ecosystem chapters' prose cites, recorded (glued) in one call per notebook:
``figures(p)`` for 01_ecosystem, ``company_figures()`` for 01b_companies."""
from __future__ import annotations

from collections.abc import Mapping

from helpers.chapters.ecosystem.model import PLAYER_TYPES, pnl_scenarios, report_params
from helpers.chapters.ecosystem.money import (
    growth_table,
    market_size,
    model_rounds,
    q3_totals,
    startup_share,
    startup_shift,
)
from helpers.chapters.ecosystem.sections import claim, gpt2_to_gpt3, multimodal_startups
from helpers.data import load
from helpers.formulas import market
from helpers.prose import Figures


def _startups(F: Figures) -> None:
    """The two start-up surveys' sizes and the shares both state (quoted in both notebooks)."""
    sizes = startup_shift().groupby("period")["sample_size_approx"].first()
    F.quote("startups_sample_q1", float(sizes["2023Q1"]))
    F.quote("startups_sample_h1", float(sizes["2023H1"]))
    for period, tag in (("2023Q1", "q1"), ("2023H1", "h1")):
        F.quote(f"startups_underlying_tech_share_{tag}", startup_share(period, "underlying_tech"))
        F.quote(f"startups_productivity_share_{tag}", startup_share(period, "productivity"))


def _market(F: Figures, p: Mapping[str, float]) -> None:
    """Market sizes as stated, and the growth and dollar figures computed from them."""
    m2023, m2028 = market_size("iresearch", 2023), market_size("iresearch", 2028)
    m2030_i, m2030_q = market_size("iresearch", 2030), market_size("qbitai", 2030)
    F.quote("market_size_2023_cny_100m", m2023)
    F.quote("market_size_2028_cny_100m", m2028)
    F.quote("market_size_2030_cny_100m_iresearch", m2030_i)
    F.quote("market_size_2030_cny_100m_qbitai", m2030_q)
    F.glue("market_cagr_2023_2030_iresearch", market.cagr(m2023, m2030_i, 7))
    F.glue("market_size_2030_usd_bn_iresearch", market.cny_100m_to_usd_bn(m2030_i, p["cny_per_usd"]))
    F.glue("market_gap_2030_abs", abs(m2030_q / m2030_i - 1))
    growth = growth_table(p["forecast_base_year"])
    base = int(p["forecast_base_year"])
    F.glue("market_cagr_base_2030_iresearch", float(growth[(growth["forecaster"] == "iResearch") & (growth["from_year"] == base)
                                                        & (growth["to_year"] == 2030)]["cagr"].item()))
    F.glue("market_cagr_2028_2030_iresearch", market.cagr(m2028, m2030_i, 2))
    F.glue("market_cagr_2023_2028_iresearch", market.cagr(m2023, m2028, 5))


def figures(p: Mapping[str, float]) -> Figures:
    """01_ecosystem: every figure its prose cites, for the validated parameters ``p`` (``validate``)."""
    F = Figures()
    for name, x in p.items():
        F.glue(f"param_{name}", x)
    F.glue("param_forecast_base_year_text", f"{p['forecast_base_year']:.0f}")

    F.quote("notion_ai_usd_per_month", float(load("eco_pnl_examples").set_index("example_id").at["innovator_notion_ai_price", "value"]))
    _startups(F)
    q3 = q3_totals()
    F.quote("q3_2023_deals", q3["deals"])
    F.quote("q3_2023_amount_cny_100m", q3["disclosed_amount_cny_100m"])
    F.quote("q3_2023_companies", q3["companies"])
    F.quote("q3_2023_investors", q3["investors"])
    _market(F, p)

    heat = load("financing_heat").set_index("heat_id")["share"]
    F.quote("heat_round_a_and_earlier_share", float(heat["round_a_and_earlier"]))
    F.quote("heat_times_3_plus_share", float(heat["times_3_plus"]))
    F.quote("unicorns_count", float(len(load("unicorns"))))
    scen = pnl_scenarios(p).set_index("player_type")
    F.glue("pnl_margin_before", float(scen["margin_before"].iloc[0]))
    for t in PLAYER_TYPES:
        F.glue(f"pnl_margin_after_{t}", float(scen.at[t, "margin_after"]))
    F.quote("source_innovator_price_uplift", report_params()["innovator_price_uplift"])
    F.aside("yours_innovator_uplift", "innovator_price_uplift", " (this run assumes {param_innovator_price_uplift:.0%})")
    F.quote("wave1_years", claim("wave1_expert_knowledge_years"))
    F.quote("wave2_years", claim("wave2_shallow_ml_years"))
    F.quote("wave3_years_low", claim("wave3_deep_learning_years"))
    F.quote("wave3_years_high", claim("wave3_deep_learning_years", "value_high"))
    F.quote("wave4_start_year", claim("wave4_start_year"))
    F.quote("wave4_singularity_year", claim("wave4_singularity_year"))
    F.quote("ai1_boom_from", claim("ai1_boom_start"))
    F.quote("ai1_boom_to", claim("ai1_boom_start", "value_high"))
    F.quote("cbinsights_unicorns", claim("cbinsights_unicorns"))
    F.quote("most_map_rank", claim("most_map_rank"))
    F.close()
    return F


def company_figures() -> Figures:
    """01b_companies: every figure its prose cites (the page has no parameters)."""
    F = Figures()
    _startups(F)
    st = load("eco_startups").set_index("stat_id")["share"]
    for sid in ("q1_language", "q1_multimodal", "q1_chatbot", "language_apps_last_three_years", "multimodal_relying_on_nlp",
                "global_nlp_transformer_apps"):
        F.quote(f"share_{sid}", float(st[sid]))
    gpt = gpt2_to_gpt3()
    F.quote("gpt2_params_bn", gpt["gpt2_params"] / 1e9)
    F.quote("gpt3_params_bn", gpt["gpt3_params"] / 1e9)
    F.quote("gpt3_over_gpt2_stated", gpt["params_ratio_stated"])
    F.glue("gpt3_over_gpt2_recomputed", gpt["params_ratio_recomputed"])
    F.quote("gpt2_data_gb", gpt["gpt2_data_gb"])
    F.quote("gpt3_data_gb", gpt["gpt3_data_gb"])
    F.glue("gpt3_over_gpt2_data", gpt["data_ratio_recomputed"])
    F.quote("gpt4_teams", claim("gpt4_six_teams"))
    F.quote("cn_teams_from_year", claim("cn_teams_founded_2023"))
    F.quote("bloomberggpt_fin_share", claim("bloomberggpt_fin_share"))
    F.quote("multimodal_users_low_m", claim("multimodal_users_low") / 1e6)
    F.quote("multimodal_users_high_m", claim("multimodal_users_high") / 1e6)
    rounds = model_rounds()
    F.quote("rounds_total_usd_bn", float(rounds["amount_usd"].sum()) / 1e9)
    F.quote("inflection_b_usd_bn", float(rounds.set_index("round_id").at["inflection_b_2023_06", "amount_usd"]) / 1e9)
    named = multimodal_startups()
    F.quote("multimodal_startups_named", float(len(named)))
    F.quote("multimodal_categories_named", float(named["category_zh"].nunique()))
    F.close()
    return F
