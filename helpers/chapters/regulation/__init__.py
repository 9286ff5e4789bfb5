"""The regulation chapter: instruments by jurisdiction and date, local targets, funds and bonds.

By concern: ``jurisdictions`` (the three jurisdictions' instruments, dates, forecasts and the EU AI Act's tiers),
``local`` (the cities' targets and plans, Cyzone's special bonds), ``figures`` (everything the prose cites, glued
in one call), ``tables`` (every displayed table) and ``charts``. What notebooks, tests and exercises use is
re-exported here.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from helpers import params
from helpers.chapters.regulation import tables
from helpers.chapters.regulation.figures import figures
from helpers.chapters.regulation.jurisdictions import (
    JURISDICTION_NAMES,
    JURISDICTIONS,
    PRECISION_TEXT,
    _dated,
    eu_act_risk_tiers,
    eu_act_tiers_as_reported,
    exact_day_text,
    forecasts,
    instrument_counts,
    instruments,
    later_day_text,
    period_end,
    undated,
)
from helpers.chapters.regulation.local import city_plan_matrix, special_bonds, target, target_year
from helpers.data import report_published

EARLIEST = dt.date(2000, 1, 1)

__all__ = ["EARLIEST", "JURISDICTIONS", "JURISDICTION_NAMES", "PRECISION_TEXT", "_dated", "city_plan_matrix",
           "eu_act_risk_tiers", "eu_act_tiers_as_reported", "exact_day_text", "figures", "forecasts",
           "instrument_counts", "instruments", "later_day_text", "period_end", "report_date", "special_bonds",
           "tables", "target", "target_year", "undated", "validate"]


def report_date() -> dt.date:
    """The report's publication date (the default ``as_of``)."""
    return report_published()


@params.with_lang
def validate(values: dict[str, Any]) -> dict[str, Any]:
    """``jurisdictions`` (a non-empty list drawn from CN, US, EU) and ``as_of`` (an ISO date)."""
    return {"jurisdictions": params.check_subset("jurisdictions", values.get("jurisdictions"), list(JURISDICTIONS)),
            "as_of": params.parse_date("as_of", values.get("as_of"), EARLIEST)}
