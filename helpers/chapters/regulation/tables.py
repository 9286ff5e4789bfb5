"""The regulation chapter's tables, each displayed through ``helpers.tables`` with its columns, labels and caption."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from IPython.display import HTML

from helpers import tables
from helpers.chapters.regulation.jurisdictions import instruments as dated_instruments
from helpers.chapters.regulation.jurisdictions import undated as undated_instruments
from helpers.chapters.regulation.local import city_plan_matrix
from helpers.data import load


def shown_date(day: dt.date, precision: str) -> str:
    """A timeline date as the table shows it: the day, or the month or year with what is known."""
    if precision == "day":
        return f"{day:%Y-%m-%d}"
    return f"{day:%Y-%m} (month only)" if precision == "month" else f"{day:%Y} (year only)"


# --- three jurisdictions ---------------------------------------------------------------------------------
def instruments(p: Mapping[str, Any]) -> HTML:
    """The instruments on the timeline for the validated parameters ``p``, with the date shown and its basis."""
    inst = dated_instruments(p["jurisdictions"], p["as_of"])
    inst = inst.assign(shown=[shown_date(d, q) for d, q in zip(inst["effective_date"], inst["effective_precision"])])
    return tables.show(inst[["jurisdiction", "name_original", "name_en", "shown", "date_kind", "date_basis"]],
                       labels={"jurisdiction": "", "name_original": "Name (original)", "name_en": "Name",
                               "shown": "Date", "date_kind": "Date of", "date_basis": "Date from"},
                       caption="The instruments on the timeline (issuers, status as reported in 2023, later status and canonical links: data/reg_instruments.csv)")


def undated(p: Mapping[str, Any]) -> HTML:
    """The instruments of the chosen jurisdictions that the sources name without any date."""
    und = undated_instruments(p["jurisdictions"])
    return tables.show(und[["jurisdiction", "name_original", "name_en", "status_as_reported"]],
                       labels={"jurisdiction": "", "name_original": "Name (original)", "name_en": "Name",
                               "status_as_reported": "Status as reported"},
                       caption="Instruments the sources name without any date (not on the timeline)")


def eu_act_tiers() -> HTML:
    """The report's three-tier risk system beside the AI Act's tiers as adopted."""
    tiers = load("reg_eu_ai_act_tiers")
    return tables.show(tiers[["tier_en", "named_in_report", "act_covers", "act_obligations"]],
                       labels={"tier_en": "Tier (the Act as adopted)", "named_in_report": "Named in the report",
                               "act_covers": "Covers (the Act)", "act_obligations": "Obligations (the Act)"},
                       caption="EU AI Act: the report's three-tier risk system (三级风险体系) and the Act's tiers as adopted (Regulation (EU) 2024/1689)")


# --- local ambition ----------------------------------------------------------------------------------------
def city_plans() -> HTML:
    """First-tier cities' plans, dimension by city (the recovered table)."""
    return tables.show(city_plan_matrix(), labels={"dimension": "Dimension"},
                       caption="First-tier cities' plans for large models (recovered from the damaged table)")


def local_targets() -> HTML:
    """Every dated local goal the report gives."""
    return tables.show(load("local_targets")[["city_en", "city_zh", "target_en", "target_year"]],
                       labels={"city_en": "City", "city_zh": "", "target_en": "Goal as the report states it", "target_year": "By"},
                       caption="Every dated local goal the report gives (figures in 亿 CNY only for Chengdu and Nanjing)")


def local_funds() -> HTML:
    """The local AI funds Cyzone names, amounts in 亿 CNY."""
    funds = load("cyzone_local_funds")
    return tables.show(funds[["city_en", "name_en", "kind", "amount_cny_100m", "amount_qualifier", "date_as_stated"]],
                       formats={"amount_cny_100m": tables.num},
                       labels={"city_en": "City", "name_en": "Fund", "kind": "Kind", "amount_cny_100m": "Amount (亿 CNY)",
                               "amount_qualifier": "As stated", "date_as_stated": "Date"},
                       caption="Local AI funds Cyzone names (one row is a list of signed projects, not a fund)")


# --- safety and ethics ---------------------------------------------------------------------------------------
def ethics_high_risk() -> HTML:
    """The high-risk AI activities of the ethics-review measures, and whether each is in the final list."""
    hr = load("reg_cn_ethics_high_risk")
    return tables.show(hr[["class_no", "text_zh", "text_en", "in_final_list"]],
                       labels={"class_no": "#", "text_zh": "The Measures (Chinese)", "text_en": "English",
                               "in_final_list": "In the final list (checked)"},
                       caption="High-risk AI activities in the Measures for Science and Technology Ethics Review (Trial); the final list (gov.cn) in data/reg_cn_ethics_high_risk.csv")


def ethics_responses() -> HTML:
    """Company responses on AI safety and ethics, as the report lists them."""
    e = load("ai_ethics_responses")
    return tables.show(e[["company", "action", "what_en", "date_text"]],
                       labels={"company": "Company", "action": "Action", "what_en": "What the report says",
                               "date_text": "Date (as printed)"},
                       caption="Company responses on AI safety and ethics, as the report lists them (dates only where printed)")
