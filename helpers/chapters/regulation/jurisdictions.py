"""Regulation in China, the US and the EU: the instruments the reports name, each with the date to show (the
source's, or a later check's inside the source's period) and how precise it is; the section's forecasts; the EU
AI Act's tiers as reported and as adopted."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from helpers.data import load

JURISDICTIONS = ("CN", "US", "EU")
JURISDICTION_NAMES = {"CN": "China 中国", "US": "United States 美国", "EU": "European Union 欧盟"}
PRECISION_TEXT = {"day": "exact day", "month": "month only", "year": "year only"}


def period_end(start: dt.date, precision: str) -> dt.date:
    """Last day of the period a date at ``precision`` (day, month or year) stands for."""
    if precision == "day":
        return start
    if precision == "month":
        nxt = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    if precision == "year":
        return dt.date(start.year, 12, 31)
    raise ValueError(f"date_precision = {precision!r} is not allowed; allowed: day, month, year")


def _dated() -> pd.DataFrame:
    """All instrument rows with the date to show and how precise it is.

    The source's exact day where it prints one; else a later check's exact day when it falls inside the
    month or year the source gives (deep synthesis: 2023-01-10; NIST AI RMF: 2023-01-26); else the
    source's month or year, kept as a period (``effective_date`` to ``period_end``), never as a day; else a
    later check's day where the source gives no date at all.
    """
    r = load("reg_instruments")
    rows = []
    for d, prec, later in zip(r["date"], r["date_precision"], r["later_status_date"]):
        stated, checked = isinstance(d, dt.date), isinstance(later, dt.date)
        if stated and prec == "day":
            rows.append((d, "day", "stated by the source"))
        elif stated and checked and d <= later <= period_end(d, prec):
            rows.append((later, "day", "from a later check"))
        elif stated:
            rows.append((d, prec, f"stated by the source ({PRECISION_TEXT[prec]})"))
        elif checked:
            rows.append((later, "day", "from a later check"))
        else:
            rows.append((None, None, "undated"))
    r["effective_date"] = [x[0] for x in rows]
    r["effective_precision"] = [x[1] for x in rows]
    r["date_basis"] = [x[2] for x in rows]
    r["period_end"] = [period_end(d, p) if d is not None else None for d, p, _ in rows]
    return r


def instruments(jurisdictions: list[str], as_of: dt.date) -> pd.DataFrame:
    """Dated instrument rows of the chosen jurisdictions on or before ``as_of``."""
    r = _dated()
    r = r[r["jurisdiction"].isin(jurisdictions) & (r["date_basis"] != "undated")]
    r = r[r["effective_date"].map(lambda d: d <= as_of)].copy()
    r["jurisdiction_name"] = r["jurisdiction"].map(JURISDICTION_NAMES)
    return r.sort_values("effective_date").reset_index(drop=True)


def undated(jurisdictions: list[str]) -> pd.DataFrame:
    """Instrument rows with no date at all (listed, not counted on the timeline)."""
    r = _dated()
    return r[r["jurisdiction"].isin(jurisdictions) & (r["date_basis"] == "undated")].reset_index(drop=True)


def instrument_counts(jurisdictions: list[str], as_of: dt.date) -> dict[str, int]:
    """Distinct instruments (``instrument_key``) dated on or before ``as_of``, in total and per jurisdiction.

    A jurisdiction not chosen counts zero.
    """
    r = instruments(jurisdictions, as_of)
    out = {"total": int(r["instrument_key"].nunique())}
    for j in JURISDICTIONS:
        out[j.lower()] = int(r[r["jurisdiction"] == j]["instrument_key"].nunique())
    return out


def _instrument(instrument_id: str) -> pd.Series:
    """One row of ``reg_instruments`` with its shown date (see ``_dated``)."""
    r = _dated().set_index("instrument_id")
    if instrument_id not in r.index:
        raise KeyError(f"instrument_id = {instrument_id!r} is not a row of data/reg_instruments.csv")
    return r.loc[instrument_id]


def exact_day_text(instrument_id: str) -> str:
    """The exact day shown for an instrument, as '10 January 2023'; refuses a month- or year-only date."""
    row = _instrument(instrument_id)
    if row["effective_precision"] != "day":
        raise ValueError(f"{instrument_id}: date known only to the {row['effective_precision']}, not a day")
    return f"{row['effective_date']:%-d %B %Y}"


def later_day_text(instrument_id: str) -> str:
    """The day of an instrument's later-status event, as '1 August 2024'."""
    d = _instrument(instrument_id)["later_status_date"]
    if not isinstance(d, dt.date):
        raise ValueError(f"{instrument_id}: no later_status_date in data/reg_instruments.csv")
    return f"{d:%-d %B %Y}"


def forecasts() -> dict[str, Any]:
    """The section's three forecasts, in the terms the report states them (years and periods from the data).

    ``ai_law_agenda_year``: the year China's AI law is on the agenda (cn_ai_law_qiming's date);
    ``eu_act_expected_text``: when the report expects the AI Act in force, in English, from the row's date_text
    ('2023 年底或 2024 年初' → 'the end of 2023 or early 2024'); ``plan_2017_issued_text`` and
    ``plan_2017_target_year``: the 2017 plan's month of issue and the year of its legal-framework goal (from the
    report's sentence '预计 2025 年…'); ``eu_act_in_force_text``: the day the Act actually entered into force.
    """
    r = _dated().set_index("instrument_id")
    eu = r.loc["eu_ai_act_entry_into_force_qiming"]
    years = re.findall(r"(\d{4}) 年底或 (\d{4}) 年初", eu["date_text"])
    if not years:
        raise ValueError(f"eu_ai_act_entry_into_force_qiming: date_text {eu['date_text']!r} has no 'YYYY 年底或 YYYY 年初'")
    plan = r.loc["cn_new_generation_ai_plan_2017_qiming"]
    target = re.search(r"预计 (\d{4}) 年", plan["report_text"])
    if target is None:
        raise ValueError("cn_new_generation_ai_plan_2017_qiming: report_text has no '预计 YYYY 年'")
    return {"ai_law_agenda_year": float(r.at["cn_ai_law_qiming", "date"].year),
            "eu_act_expected_text": f"the end of {years[0][0]} or early {years[0][1]}",
            "plan_2017_issued_text": f"{plan['date']:%B %Y}",
            "plan_2017_target_year": float(target.group(1)),
            "eu_act_in_force_text": later_day_text("eu_ai_act_entry_into_force_qiming")}


def eu_act_risk_tiers() -> int:
    """Risk tiers of the AI Act as adopted: the rows of ``reg_eu_ai_act_tiers`` other than the separate regime for
    general-purpose AI models (which is not a risk tier of AI systems)."""
    t = load("reg_eu_ai_act_tiers")
    return int((t["tier_id"] != "general_purpose_models").sum())


def eu_act_tiers_as_reported() -> int:
    """The number of tiers the report gives the Act (三级 = 3), from ``reg_eu_ai_act_tiers.tiers_in_report``."""
    values = set(load("reg_eu_ai_act_tiers")["tiers_in_report"])
    if len(values) != 1:
        raise ValueError(f"reg_eu_ai_act_tiers.tiers_in_report has {sorted(values)}; allowed: one value on every row")
    return int(values.pop())
