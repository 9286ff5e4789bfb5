"""Every figure the outlook chapter's prose cites, recorded (glued) in one call: ``figures(p)``."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from helpers.chapters.outlook.forecast_ledger import counts, forecast_verdicts, ledger, scorecard
from helpers.chapters.outlook.scoring import VERDICTS, agreement
from helpers.chapters.outlook.tables import first_sentence
from helpers.data import load, report_published
from helpers.nbfiles import parameter_defaults
from helpers.paths import ROOT
from helpers.prose import Figures


def figures(p: Mapping[str, Any]) -> Figures:
    """06_outlook: the scorecard's and the ledger's counts at the validated ``as_of`` for the chosen ``reports``
    (``validate``), the evidence behind them, the two scorers' agreement, the rescoring's counts and what the
    report says of itself and its predictions."""
    F = Figures()
    day = p["as_of"]
    book, card = ledger(day, p["reports"]), scorecard(day)
    F.glue("scorecard_as_of", f"{day:%d %B %Y}")
    for prefix, table in (("forecasts", book), ("predictions", card)):
        n = counts(table)
        F.glue(f"{prefix}_total", float(len(table)))
        for verdict in VERDICTS:
            if prefix == "forecasts" or verdict != "unscorable":
                F.glue(f"{prefix}_{verdict.replace(' ', '_')}", float(n[verdict]))
    evidence = load("evidence")
    F.glue("evidence_rows", float((evidence["event_date"] <= day).sum()))
    F.glue("evidence_canonical_seen", float((evidence["canonical_seen"] == "yes").sum()))
    F.glue("forecast_reports", float(book["report"].nunique()))
    about = load("forecast_forecasters").set_index("fact_id")
    F.quote("report_published", f"{report_published():%d %B %Y}")
    F.quote("qiming_ai_leaders", int(about.at["qiming_ai_leaders", "value"]))
    preds = load("predictions").set_index("prediction_id")
    F.quote("chapter4_lead_zh", preds.at["p01", "text_zh"])
    F.quote("p01_en", preds.at["p01", "text_en"].rstrip("."))
    F.quote("p10_en", preds.at["p10", "text_en"].rstrip("."))
    rescored = load("forecast_rescoring")
    added = rescored["verdict_before"] == "not in the ledger"
    F.glue("verdicts_changed", float((~added).sum()))
    split = added & rescored["why_changed"].str.startswith("Split")
    F.glue("forecasts_added", float((added & ~split).sum()))
    F.glue("forecasts_split", float(split.sum()))
    F.glue("forecast_verdicts", forecast_verdicts(book))
    share, kappa, disagreements = agreement()
    F.glue("ledger_scorer_agreement", share)
    F.glue("ledger_scorer_kappa", kappa)
    F.glue("ledger_scorer_disagreements", float(len(disagreements)))
    F.glue("ledger_scored_twice", float(len(load("forecast_second_scoring"))))
    _reading(F)
    F.close()
    return F


# The forecasts the chapter's synthesis names, whose dates and events it quotes from the ledger.
READING_CITED = ("p01", "p04", "p06", "p10", "gpt4_multimodal_2023_03", "guohai_text_2025e", "qiming_text_data_2026",
                 "eu_ai_act_in_force", "cn_ai_law_2024_summary", "us_no_federal_ai_law")


def _reading(F: Figures) -> None:
    """The book's dated reading of the ledger (the synthesis at the head of the chapter): verdicts by topic at the
    parameters cell's default ``as_of`` for every report. It does not move with ``as_of``: the prose around it
    names the ledger's evidence as of that date."""
    day = dt.date.fromisoformat(parameter_defaults(ROOT / "notebooks" / "06_outlook.ipynb")["as_of"])
    book = ledger(day, tuple(load("forecasts")["source_id"].unique()))
    F.quote("reading_as_of", f"{day:%d %B %Y}")
    for topic, rows in book.groupby("topic"):
        n = counts(rows)
        F.quote(f"reading_{topic}", ", ".join(f"{n[v]:g} {v}" for v in VERDICTS if n[v]))
    rows = book.set_index("forecast_id")
    for fid in READING_CITED:          # the forecasts the synthesis names: their horizon, deciding event and its date
        r = rows.loc[fid]
        when = r["evidence_date"]
        F.quote(f"reading_horizon_{fid}", r["horizon"])
        F.quote(f"reading_when_{fid}", f"{when:%B %Y}" if when is not None else "")
        F.quote(f"reading_day_{fid}", f"{when.day} {when:%B %Y}" if when is not None else "")
        F.quote(f"reading_event_{fid}", first_sentence(r["evidence"]).rstrip("."))
    decided = book["verdict"].isin(["happened", "partly", "wrong", "not yet"])
    F.quote("reading_decided", float(decided.sum()))
    F.quote("reading_total", float(len(book)))
