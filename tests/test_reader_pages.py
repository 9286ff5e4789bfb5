"""The pricing and outlook chapters read as essays (issue 27): the report's argument in the open text, the book's
checks folded under "Checking the numbers", the audit tables on appendix pages; the outlook opens with a synthesis
and a compact ledger that names each publisher once."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from helpers.chapters import outlook
from helpers.chapters.outlook.tables import first_sentence, reason
from helpers.data import load
from helpers.prose import checking

ROOT = Path(__file__).resolve().parent.parent
NB = ROOT / "notebooks"


def shown(name: str) -> str:
    """Everything a reader sees of a committed notebook: Markdown cells and the Markdown and HTML outputs, in order."""
    parts = []
    for c in json.loads((NB / name).read_text(encoding="utf-8"))["cells"]:
        if c["cell_type"] == "markdown":
            parts.append("".join(c["source"]))
        for o in c.get("outputs", []):
            parts += ["".join(o.get("data", {}).get(m, "")) for m in ("text/markdown", "text/html")]
    return "\n".join(parts)


def table_rows(html: str) -> list[int]:
    """The number of body rows of each table in ``html``."""
    return [t.count("<tr") - 1 for t in re.findall(r"<table.*?</table>", html, flags=re.S)]


def test_checking_folds_its_body_under_a_summary():
    out = checking("One paragraph.")
    assert out.startswith('<details class="book-check">\n<summary>Checking the numbers</summary>\n\n')
    assert out.endswith("\n\nOne paragraph.\n\n</details>")


def test_pricing_gives_each_layer_its_check_folded_and_no_audit_table():
    text = shown("02_pricing_models.ipynb")
    assert text.count("<summary>Checking the numbers</summary>") == 3          # infrastructure, training, inference
    assert text.count("(02c_pricing_checks.ipynb)") >= 4
    for gone in ("Every figure the report prints", "Plans without a comparable", "Model FLOPs utilisation of"):
        assert gone not in text, gone
    assert max(table_rows(text), default=0) <= 10, table_rows(text)
    takeaways = text[text.index("Key takeaways"):text.index("</div>", text.index("Key takeaways"))]
    for item in re.findall(r"^- \*\*(\w+)\.\*\* (.*)", takeaways, flags=re.M):
        assert item[1].startswith(("The report", "Serving", "An app", "Every cost")), item   # the report's claim first


def test_pricing_appendix_holds_the_audit():
    text = shown("02c_pricing_checks.ipynb")
    for heading in ("## Infrastructure: the report's rounding", "## Training: like for like",
                    "## Measured: how efficient are GPUs really?", "## Every printed figure against its recomputation",
                    "## The inputs, checked against their vendors", "## Product plans without a comparable unit price"):
        assert heading in text, heading
    assert max(table_rows(text)) >= 20                                        # the errata table moved here whole


def test_outlook_opens_with_a_synthesis_before_any_table():
    text = shown("06_outlook.ipynb")
    synthesis = text.index("## What the reports got right and wrong")
    assert synthesis < text.index("<table")
    body = text[synthesis:text.index("## Who made the forecasts")]
    for topic in ("Large language models", "Multimodal models", "Business", "Regulation", "Markets and pricing"):
        assert f"**{topic}**" in body, topic
    assert "What this says about forecasting the industry" in text
    assert "(06b_forecast_ledger.ipynb)" in text


def test_outlook_ledger_is_compact_and_names_each_publisher_once():
    text = shown("06_outlook.ipynb")
    heads = re.findall(r"<thead>.*?</thead>", text, flags=re.S)
    glance = [h for h in heads if "Why" in h]
    assert len(glance) == 4 and all(len(re.findall(r"<th[ >]", h)) == 5 for h in glance)   # one table per report
    forecasts = outlook.ledger(dt.date(2026, 12, 1), tuple(load("forecasts")["source_id"].unique()))
    for publisher in forecasts["publisher"].unique():
        assert text.count(publisher) <= 4, publisher    # its table's caption, the intro, sources: never once per row
    assert "Evidence rows" not in text and "Deciding row" not in text       # the full ledger is on the appendix page
    assert "Deciding row" in shown("06b_forecast_ledger.ipynb")


def test_reason_is_one_line_for_every_verdict():
    day = dt.date(2026, 12, 1)
    book = outlook.ledger(day, tuple(load("forecasts")["source_id"].unique()))
    reasons = [reason(r, day) for _, r in book.iterrows()]
    assert all(r and "\n" not in r and len(r) < 400 for r in reasons)
    row = book.iloc[0].copy()
    assert reason(row, dt.date(2023, 1, 1)) and reason(row.replace("happened", "too early"), dt.date(2023, 1, 1)) == (
        "as_of is before the report was published.")


@pytest.mark.parametrize("text, first", [
    ("Reps. Trahan and Obernolte release a draft. Then more.", "Reps. Trahan and Obernolte release a draft."),
    ("A (b. c) d. E.", "A (b. c) d."),
    ("No full stop", "No full stop"),
])
def testfirst_sentence_skips_abbreviations_and_brackets(text, first):
    assert first_sentence(text) == first


def test_the_synthesis_is_dated_and_does_not_move_with_as_of():
    reports = tuple(load("forecasts")["source_id"].unique())
    early = outlook.figures({"as_of": dt.date(2023, 8, 1), "reports": reports}).values
    late = outlook.figures({"as_of": dt.date(2026, 12, 1), "reports": reports}).values
    reading = {k: v for k, v in late.items() if k.startswith("reading_")}
    assert reading and all(early[k] == v for k, v in reading.items())
    assert early["forecasts_happened"] != late["forecasts_happened"]
    assert isinstance(pd.Series(reading).get("reading_regulation"), str)


def test_the_full_ledger_names_each_publisher_once_not_in_every_row():
    text = shown("06b_forecast_ledger.ipynb")
    forecasts = outlook.ledger(dt.date(2026, 12, 1), tuple(load("forecasts")["source_id"].unique()))
    for publisher in forecasts["publisher"].unique():
        assert text.count(publisher) <= 4, publisher      # the ledger's caption and its region name, the about table
    assert "qiming2023: Qiming Venture Partners" in text
