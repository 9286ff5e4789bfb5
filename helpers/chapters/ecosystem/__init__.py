"""The ecosystem chapters' computations (01_ecosystem and 01b_companies): layers, P&L model, start-ups,
companies, money, market size, and the report's chapter-1 sections.

Every function reads validated parameters (``validate``) and tables from ``data/``; nothing is
typed here but the names of the rows a chart or sentence picks out. By concern: ``model`` (parameters,
layers, income statements), ``money`` (start-ups, companies, money, market size), ``sections`` (claims,
lists, companies as the report prints them), ``figures`` (what each notebook's prose cites, glued in one
call), ``tables`` (every displayed table) and ``charts``. What notebooks, tests and exercises use is
re-exported here.
"""
from __future__ import annotations

from helpers.chapters.ecosystem import tables
from helpers.chapters.ecosystem.figures import company_figures, figures
from helpers.chapters.ecosystem.model import (
    LAYER_NAMES,
    LAYERS,
    PLAYER_NAMES,
    PLAYER_TYPES,
    RULES,
    average_rate_2023,
    base_years,
    players_per_layer,
    pnl_scenarios,
    report_params,
    validate,
)
from helpers.chapters.ecosystem.money import (
    SHIFT_PAIRS,
    growth_table,
    market_points,
    market_size,
    model_rounds,
    q3_totals,
    startup_share,
    startup_shift,
    unicorn_valuations,
)
from helpers.chapters.ecosystem.sections import (
    SECTIONS,
    ai_waves,
    claim,
    claims,
    core_teams,
    gpt2_to_gpt3,
    list_items,
    lists_table,
    multimodal_startups,
    startup_landscape_q1,
)
from helpers.formulas import market

__all__ = ["LAYERS", "LAYER_NAMES", "PLAYER_NAMES", "PLAYER_TYPES", "RULES", "SECTIONS", "SHIFT_PAIRS", "ai_waves",
           "average_rate_2023", "base_years", "claim", "claims", "company_figures", "core_teams", "figures", "gpt2_to_gpt3",
           "growth_table", "list_items", "lists_table", "market", "market_points", "market_size", "model_rounds",
           "multimodal_startups", "players_per_layer", "pnl_scenarios", "q3_totals", "report_params", "startup_landscape_q1",
           "startup_share", "startup_shift", "tables", "unicorn_valuations", "validate"]
