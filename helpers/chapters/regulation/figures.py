"""Every figure the regulation chapter's prose cites, recorded (glued) in one call: ``figures(p)``."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helpers.chapters.regulation.jurisdictions import (
    eu_act_risk_tiers,
    eu_act_tiers_as_reported,
    exact_day_text,
    forecasts,
    instrument_counts,
    later_day_text,
)
from helpers.chapters.regulation.local import special_bonds, target, target_year
from helpers.prose import Figures


def figures(p: Mapping[str, Any]) -> Figures:
    """04_regulation: the counts of instruments for the validated parameters ``p`` (``validate``), the local
    targets and special bonds the sources state, the section's forecasts and the dates of later developments."""
    F = Figures()
    n = instrument_counts(p["jurisdictions"], p["as_of"])
    F.glue("as_of_text", f"{p['as_of']:%d %B %Y}")
    F.glue("instruments_total", float(n["total"]))
    for j in ("cn", "us", "eu"):
        F.glue(f"instruments_{j}", float(n[j]))
    F.quote("chengdu_ai_output_target_2025_cny_100m", target("chengdu_ai_output_2025"))
    F.quote("nanjing_ai_core_revenue_target_2025_cny_100m", target("nanjing_ai_core_revenue_2025"))
    F.quote("local_target_year", target_year("chengdu_ai_output_2025"))
    bonds = special_bonds().set_index("year")
    F.quote("special_bond_quota_2023_cny_100m", float(bonds.at[2023, "amount_cny_100m"]))
    F.quote("special_bond_quota_2017_cny_100m", float(bonds.at[2017, "amount_cny_100m"]))
    F.glue("special_bond_dip_years", " and ".join(str(y) for y in bonds.index[bonds["amount_cny_100m"].diff() < 0]))
    F.quote("official_new_special_bond_quota_2023_cny_100m", float(bonds.at[2023, "official_new_quota_cny_100m"]))
    fc = forecasts()
    F.quote("ai_law_agenda_year", fc["ai_law_agenda_year"])
    F.quote("eu_act_expected_text", fc["eu_act_expected_text"])
    F.quote("plan_2017_issued_text", fc["plan_2017_issued_text"])
    F.quote("plan_2017_target_year", fc["plan_2017_target_year"])
    F.glue("eu_act_in_force_text", fc["eu_act_in_force_text"])
    F.glue("eu_act_tiers_adopted", float(eu_act_risk_tiers()))
    F.quote("eu_act_tiers_report", float(eu_act_tiers_as_reported()))
    F.glue("eu_parliament_position_text", later_day_text("eu_ai_act_parliament_vote_qiming"))
    F.glue("ethics_final_text", later_day_text("cn_ethics_review_measures_qiming"))
    F.glue("genai_in_force_text", exact_day_text("cn_genai_measures_qiming"))
    F.glue("deep_synthesis_in_force_text", exact_day_text("cn_deep_synthesis_qiming"))
    F.glue("nist_rmf_released_text", exact_day_text("us_nist_ai_rmf_qiming"))
    F.close()
    return F
