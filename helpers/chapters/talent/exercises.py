"""Expected answers of the talent chapter's exercises (``data/exercises.csv`` rows ex5_*), computed from ``data/``
through the chapter's helpers (never typed)."""
from __future__ import annotations

from helpers.chapters import talent
from helpers.workshop import expected

NORTH_AMERICA = ["United States", "Canada"]   # ex5_1's own grouping of the table's country_en


@expected("ex5_1")
def north_america_share_of_companies() -> float:
    """Recompute: share of the table's distinct start-up companies that it places in the United States or Canada
    (fraction; the chapter prints the US share)."""
    companies = talent.founders().drop_duplicates("company_key")
    return float(companies["country_en"].isin(NORTH_AMERICA).mean())


@expected("ex5_2")
def us_share_counting_rows() -> float:
    """What if: the glued ``founder_us_share`` of a rerun with ``count_by = "rows"`` (printed rows, fraction)."""
    return talent.us_share("rows")


@expected("ex5_3")
def report_founders_count() -> float:
    """Check the source: how many AI 2000 scholars the report says founded or joined a start-up (25 人)."""
    c = talent.claims().set_index("claim_id")
    return float(c.at["ai2000_founders_count", "value"])


@expected("ex5_4")
def scholars_listed_twice() -> list[str]:
    """Recompute: the scholars the table prints on more than one row (its note: 跨领域学者重复统计)."""
    f = talent.founders()
    counts = f.groupby("scholar")["row_id"].nunique()
    return sorted(counts[counts > 1].index)
