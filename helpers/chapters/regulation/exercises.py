"""Expected answers of the regulation chapter's workshop exercises (ex4_1..ex4_3 in ``data/exercises.csv``),
computed from ``data/`` through the chapter's helpers; never typed."""
from __future__ import annotations

import datetime as dt

from helpers.chapters import regulation
from helpers.workshop import expected

WHAT_IF_AS_OF = dt.date(2024, 12, 31)   # ex4_2's assumption: the timeline as of the end of 2024
EX4_1_AS_OF = dt.date(2023, 6, 30)      # ex4_1's own date: the end of 2023's first half (the chapter prints counts at publication)


def instruments_total_as_of(as_of: dt.date) -> int:
    """Distinct dated instruments of the three jurisdictions on or before ``as_of`` (the chapter's ``instruments_total``)."""
    return regulation.instrument_counts(list(regulation.JURISDICTIONS), as_of)["total"]


@expected("ex4_1")
def chinese_instruments_mid_2023() -> float:
    """Recompute: distinct Chinese instruments dated on or before ``EX4_1_AS_OF``."""
    return float(regulation.instrument_counts(["CN"], EX4_1_AS_OF)["cn"])


@expected("ex4_2")
def instruments_total_end_2024() -> float:
    """What if: ``instruments_total`` when the chapter is rerun with ``as_of`` 2024-12-31."""
    return float(instruments_total_as_of(WHAT_IF_AS_OF))


@expected("ex4_3")
def chengdu_target_cny_100m() -> float:
    """Check the source: Chengdu's 2025 AI industry output target as the report prints it, 亿 CNY (100 million)."""
    return regulation.target("chengdu_ai_output_2025")
