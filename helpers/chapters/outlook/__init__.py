"""The forecast ledger: every checkable forecast of the five reports, scored part by part at ``as_of``.

One rule for every forecast, whoever made it. A forecast's criterion is stored as one or more **parts**
(``data/forecast_parts.csv``), each keeping one conjunct of the forecast's words ("video **and** 3D" is two
parts). A part claims either that something will happen by the horizon (``claim = occurrence``) or that
something will still be absent at the horizon (``claim = absence``). Each evidence row (``data/evidence.csv``)
bears on one part, *for* or *against* it, *decisive* (it settles the part on its own) or *partial*. Only rows
dated on or before ``as_of`` count.

*For* and *against* are weighed alike. A decisive row is one that settles the part: an event that makes it true
or impossible, or, for a claim about the state at the horizon (an absence: no statute, no product), a dated
record that shows the state at (or after) the horizon; ``tests/test_outlook.py`` refuses a decisive row *for* an
absence dated before its horizon.

Each part gets a state (``part_state``):

- **met** / **contradicted**: the earliest decisive row is *for* / *against* it;
- **leaning**: no decisive row, partial rows *for* it and none against;
- **open**: evidence, but none of the above; **no evidence**.

The parts combine into the forecast's verdict (``combine``), in this order:

1. ``as_of`` before the report's date, or no part has evidence → **too early** (never guessed);
2. every part met → **happened** (the row that met the last part decides: the date it came true);
3. every part contradicted → **wrong**;
4. some part met or leaning (others contradicted or undecided) → **partly**;
5. otherwise → **not yet** (or, with some part contradicted and none met, **wrong**).

Sentences the book cannot score are marked in ``data/forecasts.csv`` with the reason: ``scorable = no``
(**unscorable**: no measure exists, or the value was lost from the source) or ``scorable = not a forecast``
(**not a forecast**: the sentence describes the present when it was written). Before the report's date both
are too early, like every other forecast.

A second, independent scoring (``data/forecast_second_scoring.csv``) was made blind to the book's verdicts;
``agreement`` compares the two (share of forecasts and Cohen's kappa).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pandas as pd

from helpers import params
from helpers.data import load, report_published
from helpers.errors import ParameterError

VERDICTS = ("happened", "partly", "not yet", "wrong", "too early", "not a forecast", "unscorable")
PART_STATES = ("met", "contradicted", "leaning", "open", "no evidence")
CLAIMS = ("occurrence", "absence")
NOT_SCORED = {"no": "unscorable", "not a forecast": "not a forecast"}
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


def part_state(rows: pd.DataFrame, as_of: dt.date) -> tuple[str, str | None]:
    """(state, id of the deciding row) of one criterion part, from its evidence rows; see the module's rule.

    The earliest decisive row on or before ``as_of`` decides, whichever its stance: *for* and *against* are
    weighed alike (a decisive row is one that settles the part, so a record of the state at the horizon is
    dated at or after it and cannot count before).
    """
    rows = rows[rows["event_date"] <= as_of].sort_values("event_date", kind="stable")
    if rows.empty:
        return "no evidence", None
    decisive = rows[rows["strength"] == "decisive"]
    if not decisive.empty:
        first = decisive.iloc[0]
        return ("met" if first["stance"] == "for" else "contradicted"), first["evidence_id"]
    partial_for = rows[rows["stance"] == "for"]
    if not partial_for.empty and (rows["stance"] == "against").sum() == 0:
        return "leaning", partial_for["evidence_id"].iloc[-1]
    return "open", rows["evidence_id"].iloc[-1]


def combine(states: Sequence[str]) -> str:
    """A forecast's verdict from its parts' states (rules 1–5 of the module; ``as_of`` is checked by ``verdict``)."""
    if not states or all(s == "no evidence" for s in states):
        return "too early"
    if all(s == "met" for s in states):
        return "happened"
    if all(s == "contradicted" for s in states):
        return "wrong"
    if any(s in ("met", "leaning") for s in states):
        return "partly"
    return "wrong" if "contradicted" in states else "not yet"


def verdict(rows: pd.DataFrame, parts: Sequence[str], as_of: dt.date,
            published: dt.date) -> tuple[str, str | None, dict[str, str]]:
    """(verdict, deciding evidence id, state of each part) for one forecast.

    ``rows``: its evidence (columns evidence_id, part_id, event_date, stance, strength); ``parts``: its part ids.
    """
    if as_of < published:
        return "too early", None, {p: "no evidence" for p in parts}
    judged = {p: part_state(rows[rows["part_id"] == p], as_of) for p in parts}
    states = {p: s for p, (s, _) in judged.items()}
    v = combine(list(states.values()))
    dated = rows.set_index("evidence_id")["event_date"]

    def ids(want: tuple[str, ...]) -> list[str]:
        return [e for s, e in judged.values() if s in want and e is not None]

    if v == "happened":
        deciding = max(ids(("met",)), key=lambda e: dated[e])
    elif v == "wrong":
        deciding = max(ids(("contradicted",)), key=lambda e: dated[e])
    elif v in ("partly", "not yet"):
        deciding = max(ids(("met", "leaning", "open", "contradicted")), key=lambda e: dated[e])
    else:
        deciding = None
    return v, deciding, states


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


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float:
    """Cohen's kappa of two scorers' labels for the same items: (p_o − p_e) / (1 − p_e).

    p_o is the share of items both label alike; p_e the agreement expected by chance from each scorer's own
    label shares. 1 where the two agree on every item and chance agreement is already total.
    """
    if len(first) != len(second) or not first:
        raise ValueError(f"cohen_kappa: needs two equal, non-empty lists of labels; got {len(first)} and {len(second)}")
    n = len(first)
    p_o = sum(a == b for a, b in zip(first, second)) / n
    one, two = Counter(first), Counter(second)
    p_e = sum(one[k] * two[k] for k in one) / n ** 2
    return 1.0 if p_e == 1 else (p_o - p_e) / (1 - p_e)


def agreement() -> tuple[float, float, pd.DataFrame]:
    """(share of forecasts scored alike, Cohen's kappa, every disagreement) of the two independent scorings in
    ``data/forecast_second_scoring.csv``: the book's first verdict and the blind second scorer's, before any
    disagreement was resolved. The disagreements keep both verdicts, the second scorer's reason, the resolution
    and the verdict the ledger now gives (``final_verdict``).
    """
    t = load("forecast_second_scoring")
    first, second = list(t["first_verdict"]), list(t["second_verdict"])
    share = sum(a == b for a, b in zip(first, second)) / len(t)
    differ = t.loc[t["first_verdict"] != t["second_verdict"],
                   ["forecast_id", "first_verdict", "second_verdict", "second_reason", "resolution", "final_verdict"]]
    return share, cohen_kappa(first, second), differ.reset_index(drop=True)


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
