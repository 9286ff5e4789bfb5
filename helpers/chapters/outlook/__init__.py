"""Scoring the report's ten predictions against dated evidence: a documented, reproducible rule.

The rule (``verdict``), applied per prediction to the evidence rows dated on or before ``as_of``:

1. ``as_of`` before the report's date, or no evidence yet → **too early** (never guessed);
2. any decisive evidence *for* → **happened** (decisive row: the earliest such);
3. decisive evidence *against*, and the horizon has passed (a prediction without a horizon is judged
   at ``as_of``) → **wrong** (the latest such);
4. partial evidence *for* → **partly** (the latest such);
5. otherwise (only evidence against, horizon still open) → **not yet** (the latest row).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from helpers import params
from helpers.data import load, lookup, report_published

VERDICTS = ("happened", "partly", "not yet", "wrong", "too early")
EARLIEST_AS_OF = dt.date(2023, 1, 1)


def report_date() -> dt.date:
    """The report's publication date, from the source registry."""
    return report_published()


def parse_as_of(value: Any) -> dt.date:
    """Validate the ``as_of`` parameter: an ISO date (YYYY-MM-DD) on or after 2023-01-01."""
    return params.parse_date("as_of", value, EARLIEST_AS_OF)


def latest_evidence_date() -> dt.date:
    """Date of the most recent evidence row (the default ``as_of``)."""
    return max(load("evidence")["event_date"])


def verdict(rows: pd.DataFrame, horizon: dt.date | None, as_of: dt.date, published: dt.date) -> tuple[str, str | None]:
    """(verdict, id of the deciding evidence row) for one prediction; see the module's rule."""
    rows = rows[rows["event_date"] <= as_of].sort_values("event_date")
    if as_of < published or rows.empty:
        return "too early", None
    def pick(stance: str, strength: str, first: bool) -> str | None:
        hit = rows[(rows["stance"] == stance) & (rows["strength"] == strength)]
        return None if hit.empty else hit["evidence_id"].iloc[0 if first else -1]
    if (e := pick("for", "decisive", True)) is not None:
        return "happened", e
    horizon_passed = horizon is None or horizon <= as_of
    if horizon_passed and (e := pick("against", "decisive", False)) is not None:
        return "wrong", e
    if (e := pick("for", "partial", False)) is not None:
        return "partly", e
    return "not yet", rows["evidence_id"].iloc[-1]


def scorecard(as_of: dt.date) -> pd.DataFrame:
    """One row per prediction: verdict, criterion, deciding evidence and its date, at ``as_of``."""
    preds = load("predictions")
    ev = load("evidence")
    published = report_date()
    out = []
    for _, p in preds.iterrows():
        horizon = p["horizon_date"] if isinstance(p["horizon_date"], dt.date) else None
        v, eid = verdict(ev[ev["prediction_id"] == p["prediction_id"]], horizon, as_of, published)
        e = ev.set_index("evidence_id").loc[eid] if eid else None
        out.append({"prediction_id": p["prediction_id"], "group": p["group"], "prediction": p["text_en"],
                    "prediction_zh": p["text_zh"], "horizon": p["horizon_as_stated"], "horizon_date": horizon,
                    "criterion": p["criterion_en"], "verdict": v,
                    "evidence": None if e is None else e["event"], "evidence_date": None if e is None else e["event_date"],
                    "evidence_source": None if e is None else e["source_title"],
                    "evidence_url": None if e is None else e["source_url"],
                    "evidence_rows": int((ev["prediction_id"] == p["prediction_id"]).where(ev["event_date"] <= as_of, False).sum())})
    return pd.DataFrame(out)


def counts(card: pd.DataFrame) -> dict[str, int]:
    """Number of predictions per verdict (every verdict present, zero where none)."""
    return {v: int((card["verdict"] == v).sum()) for v in VERDICTS}
