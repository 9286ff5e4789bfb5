"""The pricing-models chapter: data tables + cost formulas → result tables, figures and tables to show.

``report_params()`` gives the report's own inputs (read from ``data/``); every other function takes a
validated parameter dict (``validate``), so a papermill rerun changes every result. ``errata()`` always uses
the report's inputs: it audits the report itself.

The chapter's modules, each re-exported here:

- ``inputs``: the parameters' ``RULES`` (and ``OPTIONAL_RULES``), ``report_params``, ``validate``, ``resolve`` (your
  server's hardware filled in), ``server_label``;
- ``layers``: the report's three pricing models (infrastructure, model, application) and ``key_figures``;
- ``beyond``: beyond the report (product prices, training-cost shares, revenue models);
- ``audit``: the errata and the checked inputs;
- ``figures``: ``figures(p)``, every figure the prose cites, glued (the name ``figures`` is the function);
- ``sensitivity``: ``sensitivity(p)``, each headline figure's swing as each input moves 10 % (the tornado charts);
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
from helpers.chapters.pricing.inputs import (
    OPTIONAL_RULES,
    RULES,
    parameter_notes,
    report_params,
    resolve,
    server_label,
    validate,
)
from helpers.chapters.pricing.layers import (
    REPORT_UTILIZATIONS,
    SCENARIO_DAU,
    app_costs,
    inference_table,
    infra_curve,
    infra_points,
    key_figures,
    training_table,
    your_server,
)
from helpers.chapters.pricing.sensitivity import HEADLINES, SECTION_FIGURE, sensitivity
from helpers.chapters.pricing.warnings import input_warnings, warnings_note
from helpers.data import load


def key_tables(p: dict) -> dict:
    """The chapter's key tables for a run's validated parameters, as data (a rerun writes each as CSV): the margin
    curve and points, the training and inference tables, your server, the app bills and the sensitivity table."""
    return {"infra_curve": infra_curve(p), "infra_points": infra_points(p), "training": training_table(p),
            "inference": inference_table(p), "your_server": your_server(p), "app_bills": app_costs(p),
            "sensitivity": sensitivity(p)}

__all__ = [
    "BILLING_LABELS", "REPORT_UTILIZATIONS", "RULES", "SCENARIO_DAU", "app_costs", "checked_inputs", "errata",
    "figures", "inference_table", "infra_curve", "infra_points", "key_figures", "load", "position_in_range",
    "product_unit_prices", "report_params", "revenue_mix", "sub_item_shares", "tables", "training_cost_ranges",
    "training_table", "unpriced_plans", "validate", "input_warnings", "warnings_note", "HEADLINES", "OPTIONAL_RULES",
    "SECTION_FIGURE", "key_tables", "parameter_notes", "resolve", "sensitivity", "server_label", "your_server",
]
