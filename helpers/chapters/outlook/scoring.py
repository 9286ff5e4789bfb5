"""The rule that scores a forecast: part by part, from dated evidence, at ``as_of``.

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

import pandas as pd

from helpers.data import load

VERDICTS = ("happened", "partly", "not yet", "wrong", "too early", "not a forecast", "unscorable")
PART_STATES = ("met", "contradicted", "leaning", "open", "no evidence")
CLAIMS = ("occurrence", "absence")


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
