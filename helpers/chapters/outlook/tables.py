"""The outlook chapter's tables, each displayed through ``helpers.tables`` with its columns, labels and caption.

The sources' own texts write money as ``US$100 billion`` or ``$13B``; ``helpers.tables`` shows it as
``USD 100 billion`` in every table, and the evidence list below does the same (``tables.usd_text``)."""
from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence

import pandas as pd
from IPython.display import HTML

from helpers import tables
from helpers.chapters.outlook.forecast_ledger import calibration as calibration_counts
from helpers.chapters.outlook.forecast_ledger import parts_table
from helpers.chapters.outlook.scoring import agreement
from helpers.data import load

CALIBRATION_CLASSES = {"report": "report", "horizon_bucket": "horizon", "topic": "topic"}


def _day(d: dt.date | None) -> str:
    """A deciding row's date, empty where none decides."""
    return "" if d is None else f"{d:%Y-%m-%d}"


def about() -> HTML:
    """About the report (关于报告): authors and publishers, in the report's words."""
    about = load("forecast_forecasters")
    return tables.show(about[["subject", "fact_en", "fact_zh"]],
                 labels={"subject": "Who", "fact_en": "What the report says (our translation)", "fact_zh": "The report"},
                 caption="About the report (关于报告): authors and publishers, in the report's words")


def disagreements() -> HTML:
    """Where the two scorings disagreed, and how each disagreement was resolved."""
    return tables.show(agreement()[2], labels={"forecast_id": "#", "first_verdict": "Book (first)", "second_verdict": "Second scorer",
                                         "second_reason": "Second scorer's reason", "resolution": "Resolution",
                                         "final_verdict": "Verdict now"},
                 caption="Where the two scorings disagreed, and how each disagreement was resolved")


def predictions(card: pd.DataFrame) -> HTML:
    """The ten predictions of the scorecard ``card`` with their verdicts and deciding evidence."""
    shown = card.assign(evidence_date=card["evidence_date"].map(_day))
    return tables.show(shown[["prediction_id", "prediction", "horizon", "parts", "verdict", "evidence", "evidence_date", "evidence_source"]],
                 labels={"prediction_id": "#", "prediction": "Prediction (our translation)", "horizon": "Horizon (report)",
                         "parts": "Parts", "verdict": "Verdict", "evidence": "Deciding evidence", "evidence_date": "Date",
                         "evidence_source": "Source"},
                 caption="The ten predictions with their verdicts")


def prediction_parts(card: pd.DataFrame, as_of: dt.date) -> HTML:
    """The ten predictions' criteria, part by part, at ``as_of``."""
    return tables.show(parts_table(as_of, card["prediction_id"]).drop(columns="forecast_id"),
                 labels={"part_id": "Part", "criterion": "Counts as met if (ours)", "state": "State", "deciding_row": "Deciding row"},
                 caption="The ten predictions' criteria, part by part")


def ledger(book: pd.DataFrame) -> HTML:
    """The forecast ledger ``book``: words, horizon, parts, verdict, deciding evidence, and why a forecast is not scored."""
    shown = book.assign(evidence_date=book["evidence_date"].map(_day),
                        note=book["scoring_note"].where(book["verdict"] == "unscorable", ""))
    publishers = shown.drop_duplicates("report")
    named = "; ".join(f"{r.report}: {r.publisher}" for r in publishers.itertuples())     # each publisher once
    return tables.show(shown[["forecast_id", "report", "section", "text_en", "text_zh", "horizon", "parts", "evidence_rows", "verdict",
                        "evidence", "evidence_date", "note"]],
                 labels={"forecast_id": "#", "report": "Report", "section": "Section", "text_en": "Forecast (our translation)",
                         "text_zh": "The source's words", "horizon": "Horizon (source)", "parts": "Parts",
                         "evidence_rows": "Evidence rows", "verdict": "Verdict", "evidence": "Deciding evidence",
                         "evidence_date": "Date", "note": "Why not scored"},
                 caption=f"The forecast ledger (reports: {named})")


def other_parts(book: pd.DataFrame, card: pd.DataFrame, as_of: dt.date) -> HTML:
    """The criteria of the ledger's forecasts other than the ten predictions, part by part, at ``as_of``."""
    others: Sequence[str] = book.loc[~book["forecast_id"].isin(card["prediction_id"]), "forecast_id"]
    return tables.show(parts_table(as_of, others),
                 labels={"part_id": "Part", "forecast_id": "Forecast", "criterion": "Counts as met if (ours)", "state": "State",
                         "deciding_row": "Deciding row"},
                 caption="The other forecasts' criteria, part by part")


def calibration(book: pd.DataFrame, by: str) -> HTML:
    """Verdicts of ``book`` counted by ``by`` (report, horizon_bucket or topic)."""
    what = CALIBRATION_CLASSES[by]
    return tables.show(calibration_counts(book, by), labels={"class": what.capitalize()}, caption=f"Verdicts by {what}")


ABBREVIATION = re.compile(r"\b(Reps?|Sen|Mr|Ms|Dr|St|Inc|No|vs|e\.g|i\.e|U\.S)$")


def first_sentence(text: object) -> str:
    """The first sentence of ``text`` (up to the first ". " outside brackets), empty for no text."""
    if not isinstance(text, str) or not text:
        return ""
    depth, out = 0, []
    for i, ch in enumerate(text):
        depth += ch in "([（" and 1 or (-1 if ch in ")]）" else 0)
        out.append(ch)
        if ch == "." and depth <= 0 and text[i + 1:i + 2] in (" ", "") and not ABBREVIATION.search(text[:i]):
            break
    return "".join(out).strip()


def reason(row: pd.Series, as_of: dt.date) -> str:
    """One line on why a forecast of the ledger has its verdict at ``as_of``: the deciding evidence with its date, the
    first sentence of the note for one not scored, or what a verdict of *too early* waits for."""
    verdict = row["verdict"]
    if verdict in ("unscorable", "not a forecast"):
        why = first_sentence(row["scoring_note"]).removeprefix("Not scored: ").removeprefix("Not a forecast: ")
        return why[:1].upper() + why[1:]
    if verdict == "too early":
        if as_of < row["report_date"]:
            return "as_of is before the report was published."
        return f"No evidence yet; horizon {row['horizon']}."
    if isinstance(row["evidence"], str) and row["evidence"]:
        return f"{first_sentence(row['evidence'])} ({_day(row['evidence_date'])})"
    return "No decisive evidence yet."


def glance(book: pd.DataFrame, report: str, as_of: dt.date) -> HTML:
    """The ledger of one report at a glance: each forecast, its horizon, verdict and a one-line reason; the report's
    publisher is named once, in the caption."""
    rows = book[book["report"] == report]
    shown = rows.assign(why=[reason(r, as_of) for _, r in rows.iterrows()])
    publisher = rows["publisher"].iloc[0] if len(rows) else report
    return tables.show(shown[["forecast_id", "text_en", "horizon", "verdict", "why"]],
                       labels={"forecast_id": "#", "text_en": "Forecast (our translation)", "horizon": "Horizon (source)",
                               "verdict": "Verdict", "why": "Why"},
                       caption=f"{publisher}: {len(rows)} forecasts")


def predictions_as_stated() -> HTML:
    """The ten predictions as the report states them, with the horizon it gives and how the book reads it."""
    p = load("predictions")
    return tables.show(p[["prediction_id", "group", "text_zh", "horizon_as_stated", "horizon_note"]],
                 labels={"prediction_id": "#", "group": "Group", "text_zh": "The report (Chinese)",
                         "horizon_as_stated": "Horizon as stated", "horizon_note": "How we read it"},
                 caption="The ten predictions as the report states them")


def _link(url: object, text: str) -> str:
    """An HTML link, empty where there is no address."""
    return f'<a href="{html.escape(url)}">{html.escape(tables.usd_text(text))}</a>' if isinstance(url, str) and url else ""


def evidence(caption: str = "Every evidence row, with its source and the copy read") -> HTML:
    """Every evidence row, each linking its canonical source and, where different, the copy read."""
    rows = [[html.escape(r.forecast_id), html.escape(r.part_id.rsplit("_", 1)[1]), f"{r.event_date:%Y-%m-%d}",
             html.escape(tables.usd_text(r.event)), html.escape(tables.usd_text(r.what_it_shows)), html.escape(f"{r.stance}, {r.strength}"),
             _link(r.source_url, r.source_title),
             _link(r.checked_via, "copy read")]
            for r in load("evidence").sort_values(["forecast_id", "part_id", "event_date"]).itertuples()]
    return HTML(tables.html_table(["#", "Part", "Date", "Event", "What it shows", "Stance", "Source", "Checked via"], rows,
                                  caption=caption))
