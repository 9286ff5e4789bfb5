"""The ledger: every forecast of the chosen reports with its words, horizon, parts' states and verdict at
``as_of`` (scored by ``scoring``), the ten predictions' scorecard, and the calibration record."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd

from helpers.chapters.outlook.scoring import VERDICTS, part_state, verdict
from helpers.data import load

NOT_SCORED = {"no": "unscorable", "not a forecast": "not a forecast"}
REPORTS = ("qiming2023", "iresearch2023", "qbitai2023", "guohai2023", "cyzone2023q3")
HORIZON_BUCKETS = ("by end-2024", "2025–2026", "2027 or later", "none stated")


def latest_evidence_date() -> dt.date:
    """Date of the most recent evidence row."""
    return max(load("evidence")["event_date"])


def horizon_bucket(horizon: dt.date | None, stated: str) -> str:
    """The calibration's horizon class of a forecast."""
    if horizon is None:
        return "none stated"
    return "by end-2024" if horizon.year <= 2024 else "2025–2026" if horizon.year <= 2026 else "2027 or later"


def _forecast_text(f: pd.Series, preds: pd.DataFrame, markets: pd.DataFrame, stages: pd.DataFrame) -> dict[str, Any]:
    """Words, translation and horizon of one ledger row, taken from the table that holds them."""
    if isinstance(f["prediction_id"], str):
        p = preds.loc[f["prediction_id"]]
        h = p["horizon_date"] if isinstance(p["horizon_date"], dt.date) else None
        return dict(text_zh=p["text_zh"], text_en=p["text_en"], horizon=p["horizon_as_stated"], horizon_date=h,
                    horizon_note=p["horizon_note"])
    if isinstance(f["market_forecast_id"], str):
        m = markets.loc[f["market_forecast_id"]]
        size = m["market_size_as_stated"] if isinstance(m["market_size_as_stated"], str) else "value lost in extraction"
        market = "China's AIGC market" if m["forecaster"] == "iresearch" else "The AIGC market (read by the book as China's)"
        zh, en = m["report_text"], f"{market} in {int(m['year'])}: {size}"
    elif isinstance(f["market_stage_id"], str):
        s = stages.loc[f["market_stage_id"]]
        zh, en = s["report_text"], f"Stage {int(s['stage_no'])}, {s['name_en']} ({s['years_as_stated']}): {s['characteristics_en']}"
    else:
        zh, en = f["text_zh"], f["text_en"]
    return dict(text_zh=zh, text_en=en, horizon=f["horizon_as_stated"], horizon_date=f["horizon_date"],
                horizon_note=f["horizon_note"])


def ledger(as_of: dt.date, reports: Sequence[str] = REPORTS) -> pd.DataFrame:
    """One row per forecast of ``reports``: words, horizon, parts' states, verdict and deciding evidence at ``as_of``."""
    fc = load("forecasts")
    fc = fc[fc["source_id"].isin(reports)]
    parts, ev = load("forecast_parts"), load("evidence")
    preds = load("predictions").set_index("prediction_id")
    markets, stages = load("market_forecasts").set_index("forecast_id"), load("market_stages").set_index("stage_id")
    names = load("sources").set_index("source_id")["publisher"]
    out = []
    for _, f in fc.iterrows():
        text = _forecast_text(f, preds, markets, stages)
        h = text["horizon_date"] if isinstance(text["horizon_date"], dt.date) else None
        pids = list(parts.loc[parts["forecast_id"] == f["forecast_id"], "part_id"])
        rows = ev[ev["forecast_id"] == f["forecast_id"]]
        if f["scorable"] in NOT_SCORED and as_of >= f["report_date"]:
            v, eid, states = NOT_SCORED[f["scorable"]], None, {p: "no evidence" for p in pids}
        else:
            v, eid, states = verdict(rows, pids, as_of, f["report_date"])
        e = ev.set_index("evidence_id").loc[eid] if eid else None
        out.append({"forecast_id": f["forecast_id"], "report": f["source_id"], "publisher": names[f["source_id"]],
                    "section": f["source_section"], "topic": f["topic"], **text,
                    "horizon_bucket": horizon_bucket(h, str(text["horizon"])), "report_date": f["report_date"],
                    "parts": "; ".join(f"{p.rsplit('_', 1)[1]}: {s}" for p, s in states.items()),
                    "verdict": v, "scoring_note": f["scoring_note"],
                    "evidence": None if e is None else e["event"], "evidence_date": None if e is None else e["event_date"],
                    "evidence_source": None if e is None else e["source_title"],
                    "evidence_url": None if e is None else e["source_url"],
                    "evidence_rows": int(((rows["event_date"] <= as_of)).sum())})
    return pd.DataFrame(out)


def scorecard(as_of: dt.date) -> pd.DataFrame:
    """The report's ten predictions at ``as_of`` (the ledger's rows p01–p10, with group and criterion)."""
    preds = load("predictions").set_index("prediction_id")
    card = ledger(as_of, ("qiming2023",))
    card = card[card["forecast_id"].isin(preds.index)].rename(columns={"forecast_id": "prediction_id", "text_en": "prediction",
                                                                          "text_zh": "prediction_zh"})
    return card.assign(group=card["prediction_id"].map(preds["group"]),
                       criterion=card["prediction_id"].map(preds["criterion_en"])).reset_index(drop=True)


def parts_table(as_of: dt.date, forecast_ids: Sequence[str]) -> pd.DataFrame:
    """Every criterion part of ``forecast_ids`` with its state and deciding row at ``as_of`` (scorable forecasts)."""
    fc = load("forecasts").set_index("forecast_id")
    parts, ev = load("forecast_parts"), load("evidence")
    out = []
    for _, p in parts[parts["forecast_id"].isin(forecast_ids)].iterrows():
        f = fc.loc[p["forecast_id"]]
        state, eid = part_state(ev[ev["part_id"] == p["part_id"]], as_of) if as_of >= f["report_date"] else ("no evidence", None)
        out.append({"part_id": p["part_id"], "forecast_id": p["forecast_id"], "criterion": p["criterion_en"],
                    "state": state, "deciding_row": eid or ""})
    return pd.DataFrame(out)


def forecast_verdicts(book: pd.DataFrame) -> dict[str, str]:
    """Forecast id → verdict, in the ledger's order (the glued ``forecast_verdicts``)."""
    return dict(zip(book["forecast_id"], book["verdict"]))


def counts(card: pd.DataFrame) -> dict[str, int]:
    """Number of forecasts per verdict (every verdict present, zero where none)."""
    return {v: int((card["verdict"] == v).sum()) for v in VERDICTS}


def calibration(book: pd.DataFrame, by: str) -> pd.DataFrame:
    """Counts of verdicts by ``by`` (report, horizon_bucket or topic): one row per class, one column per verdict."""
    if by not in ("report", "horizon_bucket", "topic"):
        raise ValueError(f"calibration: by = {by!r}; allowed: report, horizon_bucket, topic")
    t = pd.crosstab(book[by], book["verdict"]).reindex(columns=list(VERDICTS), fill_value=0)
    order = {"report": REPORTS, "horizon_bucket": HORIZON_BUCKETS}.get(by)
    if order:
        t = t.reindex([c for c in order if c in t.index])
    t["total"] = t.sum(axis=1)
    return t.reset_index().rename(columns={by: "class"})
