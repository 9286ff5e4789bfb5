"""Expected answers of the outlook chapter's exercises (``data/exercises.csv`` rows ex6_*), computed from ``data/``
through the chapter's helpers (never typed)."""
from __future__ import annotations

from helpers.chapters import outlook
from helpers.data import load
from helpers.workshop import expected

EX6_1_AS_OF = "2024-12-31"    # ex6_1's own date: the end of 2024 (the chapter prints its verdicts at its default as_of)


def _predictions_counted(as_of: str) -> dict[str, int]:
    """Verdict counts of the report's ten predictions at ``as_of`` (ISO date), as the chapter glues them."""
    return outlook.counts(outlook.scorecard(outlook.parse_as_of(as_of)))


@expected("ex6_1")
def forecasts_happened_share_end_2024() -> float:
    """Recompute: the share of the report's forecasts (the predictions not marked "not a forecast") whose verdict is
    "happened" at ``EX6_1_AS_OF`` (fraction)."""
    n = _predictions_counted(EX6_1_AS_OF)
    return n["happened"] / (sum(n.values()) - n["not a forecast"])


@expected("ex6_2")
def predictions_too_early_at_publication() -> float:
    """What if: the glued ``predictions_too_early`` of the scenario outlook-at-publication."""
    from helpers.scenario_files import load_scenario

    return float(_predictions_counted(load_scenario("outlook-at-publication")["parameters"]["as_of"])["too early"])


@expected("ex6_3")
def predictions_with_own_horizon() -> list[str]:
    """Check the source: the predictions whose own sentence in chapter 4 states a horizon (a year or a span)."""
    p = load("predictions")
    own = ~p["horizon_as_stated"].str.startswith("none stated")
    return sorted(p.loc[own, "prediction_id"])
