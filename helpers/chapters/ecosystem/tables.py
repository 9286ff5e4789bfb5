"""The ecosystem chapters' tables, each displayed through ``helpers.tables`` with its labels and formats
(01_ecosystem: layers to market growth; 01b_companies: start-ups to the multimodal map)."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from IPython.display import HTML

from helpers import tables
from helpers.chapters.ecosystem.model import pnl_scenarios
from helpers.chapters.ecosystem.money import growth_table, model_rounds
from helpers.chapters.ecosystem.sections import core_teams, lists_table, multimodal_startups
from helpers.data import load
from helpers.formulas import market


def _optional(x: float) -> str:
    """A stated figure as printed (``12.5``), empty where the source gives none."""
    return "" if np.isnan(x) else f"{x:g}"


def _year(x: float) -> str:
    return f"{x:.0f}"


def _share(x: float) -> str:
    return tables.pct(x, 0)


def lists(list_ids: list[str], caption: str) -> HTML:
    """Several of the report's enumerations (``data/eco_lists.csv``), one row each, items in the report's order."""
    return tables.show(lists_table(list_ids), labels={"list_en": "List", "items": "Items, in the report's order"},
                       caption=caption)


# --- 01_ecosystem ----------------------------------------------------------------------------------
def layers() -> HTML:
    """Each player type in its layer, with the examples the report names."""
    return tables.show(load("eco_layers")[["layer", "player_type_en", "examples", "placement"]],
                       labels={"layer": "Layer", "player_type_en": "Player", "examples": "Examples the report names",
                               "placement": "Layer placed by"},
                       caption="Layers and players as the report describes them (the role of each, in the report's words, "
                               "is in data/eco_layers.csv)")


def pnl_model(p: Mapping[str, float]) -> HTML:
    """The income-statement model's inputs and operating margins for the three player types."""
    scen = pnl_scenarios(p)
    return tables.show(scen[["player", "price_uplift", "ai_cost_share", "labour_saved_share", "margin_before", "margin_after"]],
                       formats={"price_uplift": _share, "ai_cost_share": _share, "labour_saved_share": _share,
                                "margin_before": tables.pct, "margin_after": tables.pct},
                       labels={"player": "Player", "price_uplift": "Price rise", "ai_cost_share": "AI cost (of old revenue)",
                               "labour_saved_share": "Labour saved (of old revenue)", "margin_before": "Operating margin before",
                               "margin_after": "Operating margin with AI"},
                       caption="The income-statement model: inputs and operating margins")


def pnl_examples() -> HTML:
    """The figures the report gives for the three kinds of player."""
    ex = load("eco_pnl_examples")
    return tables.show(ex[ex["value"].notna()][["player_type", "subject_en", "claim_en", "value", "unit", "value_status"]],
                       formats={"value": lambda x: f"{x:g}"},
                       labels={"player_type": "Type", "subject_en": "Subject", "claim_en": "Claim", "value": "Value",
                               "unit": "Unit", "value_status": "Status"},
                       caption="The figures the report gives for the three kinds of player (the other examples are words "
                               "only; see the data)")


def cn_deals() -> HTML:
    """The Chinese AIGC financings QbitAI names."""
    cn = load("qbitai_cn_deals")
    cn["size_group"] = cn["size_group"].map({"largest": "among the largest",
                                             "mostly_tens_of_millions": "mostly tens of millions of CNY"})
    return tables.show(cn[["company_zh", "company_en", "size_group", "amount_cny_100m", "amount_as_stated"]],
                       formats={"amount_cny_100m": _optional},
                       labels={"company_zh": "Company", "company_en": "English name", "size_group": "Group in the text",
                               "amount_cny_100m": "Amount (亿 CNY)", "amount_as_stated": "As stated"},
                       caption="Chinese AIGC financings QbitAI names (no rounds, investors or dates are given)")


def q3_deals() -> HTML:
    """Cyzone's 2023-Q3 IPO and acquisition."""
    d = load("cyzone_q3_deals")
    return tables.show(d[["kind", "company_en", "company_zh"] + [c for c in ("acquirer_en", "amount_cny_100m", "reading_note") if c in d]],
                       formats={"amount_cny_100m": _optional},
                       labels={"kind": "Kind", "company_en": "Company", "company_zh": "Chinese name", "acquirer_en": "Acquirer",
                               "amount_cny_100m": "Amount (亿 CNY)", "reading_note": "Note"},
                       caption="The quarter's IPO and acquisition")


def growth(p: Mapping[str, float]) -> HTML:
    """Implied compound growth from the base year, with end values converted to USD at the run's rate."""
    g = growth_table(p["forecast_base_year"])
    g["to_usd_bn"] = market.cny_100m_to_usd_bn(g["to_cny_100m"].to_numpy(), p["cny_per_usd"])
    return tables.show(g, formats={"from_year": _year, "to_year": _year, "from_cny_100m": tables.num,
                                   "to_cny_100m": tables.num, "cagr": tables.pct, "to_usd_bn": lambda x: tables.num(x, 1)},
                       labels={"forecaster": "Forecast", "from_year": "From", "to_year": "To", "from_cny_100m": "From (亿 CNY)",
                               "to_cny_100m": "To (亿 CNY)", "cagr": "Compound growth a year", "to_usd_bn": "To (USD bn)"},
                       caption=f"Implied compound annual growth, and end values in USD at {p['cny_per_usd']:.4f} CNY per USD")


# --- 01b_companies ---------------------------------------------------------------------------------
def startup_shares() -> HTML:
    """Every start-up share the report's chapter states."""
    return tables.show(load("eco_startups")[["period", "category_en", "share", "share_qualifier", "reading_note"]],
                       formats={"share": _share},
                       labels={"period": "Survey", "category_en": "Category", "share": "Share", "share_qualifier": "Qualifier",
                               "reading_note": "Note"},
                       caption="Every start-up share the report's chapter states (empty: the source is silent)")


def funding_rounds() -> HTML:
    """The company cards' funding history; the printed amounts say USD where the card prints a dollar sign."""
    r = model_rounds()
    return tables.show(r[["company_as_reported", "date_text", "round", "amount_text", "investors", "investors_truncated"]],
                       labels={"company_as_reported": "Company", "date_text": "Date (融资日期)", "round": "Round (轮次)",
                               "amount_text": "Amount (融资金额)", "investors": "Investors (投资机构)",
                               "investors_truncated": "List ends 'etc.'"},
                       caption="Funding history as the report's cards print it (data/eco_model_company_rounds.csv)")


def teams() -> HTML:
    """Core teams of Adept, Inflection and Character.ai as the cards print them."""
    return tables.show(core_teams()[["company", "role_en", "name_as_printed", "name_usual", "background_en", "background_zh"]],
                       labels={"company": "Company", "role_en": "Role", "name_as_printed": "Name as printed",
                               "name_usual": "Usual name", "background_en": "Background", "background_zh": "As printed"},
                       caption="Core teams as the report's cards print them; 'Usual name' differs where the book corrects "
                               "a misprint or completes a surname (see data/eco_core_teams.csv)")


def app_modes() -> HTML:
    """The application-company modes and the three ways to build a vertical model."""
    modes = load("eco_app_modes")
    return tables.show(modes[["mode_en", "mode_zh", "description_en", "team_en", "competition_en"]].fillna(""),
                       labels={"mode_en": "Mode", "mode_zh": "Report's term", "description_en": "What it means",
                               "team_en": "Team", "competition_en": "Moat and threats"},
                       caption="Application-company modes and the three ways to build a vertical model (data/eco_app_modes.csv; "
                               "the report names no company for any mode)")


def multimodal_map() -> HTML:
    """The start-ups the report's multimodal map names, in map order."""
    return tables.show(multimodal_startups()[["category_en", "category_zh", "name_as_printed"]],
                       labels={"category_en": "Category", "category_zh": "Report's term",
                               "name_as_printed": "Start-up (as printed on the map)"},
                       caption="Chinese multimodal-application start-ups named on the report's map, in map order "
                               "(data/eco_multimodal_startups.csv)")
