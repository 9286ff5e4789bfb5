"""The report's table of AI 2000 scholars who joined post-GPT-3 start-ups, counted three ways (``count_by``):
printed ``rows``, distinct ``scholars`` or distinct ``companies``; and the report's claims about the AI 2000 list."""
from __future__ import annotations

import pandas as pd

from helpers.data import load

COUNT_BY = ("rows", "scholars", "companies")
_KEY = {"rows": "row_id", "scholars": "scholar_key", "companies": "company_key"}


def founders() -> pd.DataFrame:
    """The report's table, one row per printed row."""
    return load("founder_scholars")


def total(count_by: str) -> int:
    """Number of rows, distinct scholars or distinct companies in the table."""
    return int(founders()[_KEY[count_by]].nunique())


def us_share(count_by: str) -> float:
    """Share of the units (rows, scholars, companies) at a company the table places in the US.

    A scholar counts as US if any of their rows is a US company.
    """
    f = founders()
    key = _KEY[count_by]
    us = f[f["country_en"] == "United States"][key].nunique()
    return float(us / f[key].nunique())


def counts_by(column: str, count_by: str) -> pd.DataFrame:
    """Distinct units per value of ``column`` (field_en, year or country_en).

    A scholar listed under two fields counts once in each field, as the report's note says.
    """
    f = founders()
    out = f.groupby(column)[_KEY[count_by]].nunique().rename("count").reset_index()
    return out.sort_values("count", ascending=False).reset_index(drop=True)


def claims() -> pd.DataFrame:
    """The report's claims about the AI 2000 list."""
    return load("ai2000_claims")
