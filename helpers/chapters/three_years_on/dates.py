"""Dates of the three-years-on chapter: the report's date, the latest date in the dated price tables, and the rows
of a dated table in force on a day."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from helpers.data import load, report_published

EARLIEST_DATE = dt.date(2023, 1, 1)


def report_date() -> dt.date:
    """The report's publication date (``helpers.data.report_published``)."""
    return report_published()


def latest_date() -> dt.date:
    """The latest date in the dated price tables: the default ``price_date``."""
    days = pd.concat([load("api_prices")["effective_date"], load("gpu_rental_prices")["observed_date"],
                      load("server_prices")["observed_date"]])
    return pd.Timestamp(days.max()).date()


def since_report(day: dt.date) -> dt.date:
    """``day``, or the report's date where ``day`` is before it: the "now" of figures that compare with the report."""
    return max(day, report_date())


def on_or_before(frame: pd.DataFrame, column: str, day: dt.date) -> pd.DataFrame:
    """The rows of ``frame`` whose date in ``column`` is on or before ``day``."""
    return frame[pd.to_datetime(frame[column]).dt.date <= day]
