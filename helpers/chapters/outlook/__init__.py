"""The forecast ledger: every checkable forecast of the five reports, scored part by part at ``as_of``.

By concern: ``scoring`` (the one rule: a part's state from its dated evidence, a forecast's verdict from its
parts, and the agreement of two scorers; its docstring states the rule in full), ``forecast_ledger`` (the
ledger, the ten predictions' scorecard, the parts table and the calibration record), ``figures`` (everything
the prose cites, glued in one call), ``tables`` (every displayed table) and ``charts``. The parameters are
checked here (``validate``). What notebooks, tests and exercises use is re-exported here.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from helpers import params
from helpers.chapters.outlook import tables
from helpers.chapters.outlook.figures import figures
from helpers.chapters.outlook.forecast_ledger import (
    HORIZON_BUCKETS,
    NOT_SCORED,
    REPORTS,
    calibration,
    counts,
    forecast_verdicts,
    horizon_bucket,
    latest_evidence_date,
    ledger,
    parts_table,
    scorecard,
)
from helpers.chapters.outlook.scoring import (
    CLAIMS,
    PART_STATES,
    VERDICTS,
    agreement,
    cohen_kappa,
    combine,
    part_state,
    verdict,
)

EARLIEST_AS_OF = dt.date(2023, 1, 1)

__all__ = ["CLAIMS", "EARLIEST_AS_OF", "HORIZON_BUCKETS", "NOT_SCORED", "PART_STATES", "REPORTS", "VERDICTS",
           "agreement", "calibration", "cohen_kappa", "combine", "counts", "figures", "forecast_verdicts",
           "horizon_bucket", "key_tables", "latest_evidence_date", "ledger", "parse_as_of", "parse_reports", "part_state",
           "parts_table", "scorecard", "tables", "validate", "verdict"]


def parse_as_of(value: Any) -> dt.date:
    """Validate the ``as_of`` parameter: an ISO date (YYYY-MM-DD) on or after 2023-01-01."""
    return params.parse_date("as_of", value, EARLIEST_AS_OF)


def parse_reports(value: Any) -> tuple[str, ...]:
    """Validate the ``reports`` parameter: a non-empty list (or comma-separated text) of the five seed reports'
    source ids, each once."""
    return tuple(params.check_subset("reports", value, list(REPORTS)))


def key_tables(p: dict[str, Any]) -> dict[str, Any]:
    """The chapter's key tables for a run's validated parameters, as data (a rerun writes each as CSV): every
    forecast with its verdict at ``as_of``, and the ten predictions' scorecard."""
    return {"verdicts": ledger(p["as_of"], p["reports"]), "scorecard": scorecard(p["as_of"])}


@params.with_lang
def validate(values: dict[str, Any]) -> dict[str, Any]:
    """``as_of`` (an ISO date on or after 2023-01-01) and ``reports`` (a non-empty list of the five reports' ids)."""
    return {"as_of": parse_as_of(values.get("as_of")), "reports": parse_reports(values.get("reports"))}
