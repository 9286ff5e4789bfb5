"""Expected answers of the outlook chapter's exercises (``data/exercises.csv`` rows ex6_*), computed from ``data/``
through the chapter's helpers (never typed)."""
from __future__ import annotations

from helpers.chapters import outlook
from helpers.data import load
from helpers.nbfiles import parameter_defaults
from helpers.paths import ROOT
from helpers.workshop import expected

NOTEBOOK = ROOT / "notebooks" / "06_outlook.ipynb"


def _predictions_counted(as_of: str) -> dict[str, int]:
    """Verdict counts of the report's ten predictions at ``as_of`` (ISO date), as the chapter glues them."""
    return outlook.counts(outlook.scorecard(outlook.parse_as_of(as_of)))


@expected("ex6_1")
def predictions_happened_at_default() -> float:
    """Recompute: how many of the ten predictions happened at the chapter's default ``as_of``."""
    return float(_predictions_counted(parameter_defaults(NOTEBOOK)["as_of"])["happened"])


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
