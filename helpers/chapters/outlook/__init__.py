"""The forecast ledger: every checkable forecast of the five reports, scored part by part at ``as_of``.

A forecast's criterion is stored as one or more **parts** (``data/forecast_parts.csv``); each evidence row
(``data/evidence.csv``) bears on one part. Only rows dated on or before ``as_of`` count.

Each part gets a state (``part_state``):

- **met**: a decisive row *for* it (the earliest such decides);
- **contradicted**: a decisive row *against* it, once the horizon has passed (a forecast without a horizon
  is judged at ``as_of``; the latest such row decides);
- **leaning**: only partial rows *for* it (or a decisive row against before the horizon, with partial for);
- **open**: evidence, but none of the above;
- **no evidence**.

The parts combine into the forecast's verdict (``combine``), in this order:

1. ``as_of`` before the report's date, or no part has evidence → **too early** (never guessed);
2. any part contradicted → **wrong**;
3. every part met → **happened** (the row that met the last part decides: the date it came true);
4. some part met or leaning → **partly**;
5. otherwise → **not yet**.

Forecasts the book cannot score (``scorable = no`` in ``data/forecasts.csv``, with the reason) are
**unscorable** from the report's date on (before it, too early like every other forecast).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

import pandas as pd

from helpers import params
from helpers.data import load, report_published
from helpers.errors import ParameterError

VERDICTS = ("happened", "partly", "not yet", "wrong", "too early", "unscorable")
PART_STATES = ("met", "contradicted", "leaning", "open", "no evidence")
EARLIEST_AS_OF = dt.date(2023, 1, 1)
REPORTS = ("qiming2023", "iresearch2023", "qbitai2023", "guohai2023", "cyzone2023q3")
HORIZON_BUCKETS = ("by end-2024", "2025–2026", "2027 or later", "none stated")


def report_date() -> dt.date:
    """The primary report's publication date, from the source registry."""
    return report_published()


def parse_as_of(value: Any) -> dt.date:
    """Validate the ``as_of`` parameter: an ISO date (YYYY-MM-DD) on or after 2023-01-01."""
    return params.parse_date("as_of", value, EARLIEST_AS_OF)


def parse_reports(value: Any) -> tuple[str, ...]:
    """Validate the ``reports`` parameter: a non-empty list of the five seed reports' source ids."""
    allowed = ", ".join(REPORTS)
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not value:
        raise ParameterError(f"parameter 'reports' = {value!r} is not a non-empty list of report ids; allowed: any of {allowed}")
    bad = [v for v in value if v not in REPORTS]
    if bad:
        raise ParameterError(f"parameter 'reports' = {value!r} names an unknown report {bad[0]!r}; allowed: any of {allowed}")
    return tuple(dict.fromkeys(value))


def latest_evidence_date() -> dt.date:
    """Date of the most recent evidence row."""
    return max(load("evidence")["event_date"])


def part_state(rows: pd.DataFrame, horizon: dt.date | None, as_of: dt.date) -> tuple[str, str | None]:
    """(state, id of the deciding row) of one criterion part, from its evidence rows; see the module's rule."""
    rows = rows[rows["event_date"] <= as_of].sort_values("event_date", kind="stable")
    if rows.empty:
        return "no evidence", None
    def pick(stance: str, strength: str, first: bool) -> str | None:
        hit = rows[(rows["stance"] == stance) & (rows["strength"] == strength)]
        return None if hit.empty else hit["evidence_id"].iloc[0 if first else -1]
    if (e := pick("for", "decisive", True)) is not None:
        return "met", e
    if (horizon is None or horizon <= as_of) and (e := pick("against", "decisive", False)) is not None:
        return "contradicted", e
    if (e := pick("for", "partial", False)) is not None:
        return "leaning", e
    return "open", rows["evidence_id"].iloc[-1]


def combine(states: Sequence[str]) -> str:
    """A forecast's verdict from its parts' states (rules 1–5 of the module; ``as_of`` is checked by ``verdict``)."""
    if not states or all(s == "no evidence" for s in states):
        return "too early"
    if "contradicted" in states:
        return "wrong"
    if all(s == "met" for s in states):
        return "happened"
    if any(s in ("met", "leaning") for s in states):
        return "partly"
    return "not yet"


def verdict(rows: pd.DataFrame, parts: Sequence[str], horizon: dt.date | None, as_of: dt.date,
            published: dt.date) -> tuple[str, str | None, dict[str, str]]:
    """(verdict, deciding evidence id, state of each part) for one forecast.

    ``rows``: its evidence (columns evidence_id, part_id, event_date, stance, strength); ``parts``: its part ids.
    """
    if as_of < published:
        return "too early", None, {p: "no evidence" for p in parts}
    judged = {p: part_state(rows[rows["part_id"] == p], horizon, as_of) for p in parts}
    states = {p: s for p, (s, _) in judged.items()}
    v = combine(list(states.values()))
    dated = rows.set_index("evidence_id")["event_date"]
    ids = lambda want: [e for s, e in judged.values() if s in want and e is not None]
    if v == "happened":
        deciding = max(ids(("met",)), key=lambda e: dated[e])
    elif v == "wrong":
        deciding = max(ids(("contradicted",)), key=lambda e: dated[e])
    elif v in ("partly", "not yet"):
        deciding = max(ids(("met", "leaning", "open")), key=lambda e: dated[e])
    else:
        deciding = None
    return v, deciding, states


def horizon_bucket(horizon: dt.date | None, stated: str) -> str:
    """The calibration's horizon class of a forecast."""
    if stated.startswith("none stated") or horizon is None:
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
        if f["scorable"] == "no" and as_of >= f["report_date"]:
            v, eid, states = "unscorable", None, {p: "no evidence" for p in pids}
        else:
            v, eid, states = verdict(rows, pids, h, as_of, f["report_date"])
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
    preds = load("predictions").set_index("prediction_id")
    out = []
    for _, p in parts[parts["forecast_id"].isin(forecast_ids)].iterrows():
        f = fc.loc[p["forecast_id"]]
        h = preds.at[f["prediction_id"], "horizon_date"] if isinstance(f["prediction_id"], str) else f["horizon_date"]
        h = h if isinstance(h, dt.date) else None
        state, eid = part_state(ev[ev["part_id"] == p["part_id"]], h, as_of) if as_of >= f["report_date"] else ("no evidence", None)
        out.append({"part_id": p["part_id"], "forecast_id": p["forecast_id"], "criterion": p["criterion_en"],
                    "state": state, "deciding_row": eid or ""})
    return pd.DataFrame(out)


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


def evidence_html(evidence: pd.DataFrame, caption: str):
    """The evidence table as HTML, each row linking its canonical source and, where different, the copy read."""
    import html as _html

    from IPython.display import HTML

    from helpers.tables import html_table

    def link(url: str, text: str) -> str:
        return f'<a href="{_html.escape(url)}">{_html.escape(text)}</a>' if isinstance(url, str) and url else ""
    rows = [[_html.escape(r.forecast_id), _html.escape(r.part_id.rsplit("_", 1)[1]), f"{r.event_date:%Y-%m-%d}",
             _html.escape(r.event), _html.escape(r.what_it_shows), _html.escape(f"{r.stance}, {r.strength}"),
             link(r.source_url, r.source_title) + ("" if r.canonical_seen == "yes" else " (address not seen)"),
             link(r.checked_via, "copy read")]
            for r in evidence.sort_values(["forecast_id", "part_id", "event_date"]).itertuples()]
    return HTML(html_table(["#", "Part", "Date", "Event", "What it shows", "Stance", "Source", "Checked via"], rows, caption=caption))
