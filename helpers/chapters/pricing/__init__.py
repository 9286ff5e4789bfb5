"""The pricing-models chapter: data tables + cost formulas → result tables, figures and tables to show.

``report_params()`` gives the report's own inputs (read from ``data/``); every other function takes a
validated parameter dict (``validate``), so a papermill rerun changes every result. ``errata()`` always uses
the report's inputs: it audits the report itself.

The chapter's modules, each re-exported here:

- ``inputs``: the parameters' ``RULES``, ``report_params``, ``validate``;
- ``layers``: the report's three pricing models (infrastructure, model, application) and ``key_figures``;
- ``beyond``: beyond the report (product prices, training-cost shares, revenue models);
- ``audit``: the errata and the checked inputs;
- ``figures``: ``figures(p)``, every figure the prose cites, glued (the name ``figures`` is the function);
- ``warnings``: ``input_warnings(p)``, likely slips in the inputs (a sentence each; never a changed figure);
- ``tables``: the tables as the notebook shows them (``pricing.tables.infra_points(p)``);
- ``charts``, ``efficiency``, ``exercises``: imported by their own names.
"""
from __future__ import annotations

from helpers.chapters.pricing import tables
from helpers.chapters.pricing.audit import checked_inputs, errata, position_in_range
from helpers.chapters.pricing.beyond import (
    BILLING_LABELS,
    product_unit_prices,
    revenue_mix,
    sub_item_shares,
    training_cost_ranges,
    unpriced_plans,
)
from helpers.chapters.pricing.figures import figures
from helpers.chapters.pricing.inputs import RULES, report_params, validate
from helpers.chapters.pricing.layers import (
    REPORT_UTILIZATIONS,
    SCENARIO_DAU,
    app_costs,
    inference_table,
    infra_curve,
    infra_points,
    key_figures,
    training_table,
)
from helpers.chapters.pricing.warnings import input_warnings, warnings_note
from helpers.data import load

__all__ = [
    "BILLING_LABELS", "REPORT_UTILIZATIONS", "RULES", "SCENARIO_DAU", "app_costs", "checked_inputs", "errata",
    "figures", "inference_table", "infra_curve", "infra_points", "key_figures", "load", "position_in_range",
    "product_unit_prices", "report_params", "revenue_mix", "sub_item_shares", "tables", "training_cost_ranges",
    "training_table", "unpriced_plans", "validate", "input_warnings", "warnings_note",
]
