"""Expected answers of the pricing chapter's exercises (ex2_1–ex2_5 in ``data/exercises.csv``), computed from
``data/`` through the chapter's helpers; never typed."""
from __future__ import annotations

from helpers.data import lookup
from helpers.workshop import expected

# The exercises' own inputs (not a source's figures): each asks for a figure the chapter does not print.
EX2_1_UTILIZATION = 0.65      # ex2_1: the margin at 65 % utilization (the chapter prints it at 100 %)


def _pricing_figures(**changes: float) -> dict[str, float]:
    """The pricing chapter's glued figures at the report's inputs, with ``changes`` applied (a papermill rerun)."""
    from helpers.chapters import pricing

    return pricing.key_figures(pricing.validate({**pricing.report_params(), **changes}))


@expected("ex2_1")
def infra_margin_at_65_percent() -> float:
    """Recompute: the DGX A100's exact gross margin when rented 65 % of the year (fraction), the report's other
    inputs unchanged."""
    return _pricing_figures(utilization=EX2_1_UTILIZATION)["infra_gross_margin"]


@expected("ex2_2")
def infra_margin_at_35_percent() -> float:
    """What if: the same gross margin when the cloud rents the server 35 % of the year (scenario cloud-35-utilization)."""
    from helpers.scenario_files import load_scenario

    return _pricing_figures(**load_scenario("cloud-35-utilization")["parameters"])["infra_gross_margin"]


@expected("ex2_3")
def report_printed_infra_margin() -> float:
    """Check the source: the gross margin the report prints for 100 % utilization (1-4/21=80.9%)."""
    return float(lookup("report_figures", "infra_margin_full", "report_value"))


@expected("ex2_4")
def infra_breakeven_hours_per_year() -> float:
    """Recompute: the hours a year the DGX A100 must be rented for its rent to pay its depreciation (report's
    inputs): a year's depreciation over the hourly rent, or the break-even utilization × 8,760 hours."""
    from helpers.formulas import costs

    return float(_pricing_figures()["infra_breakeven_utilization"] * costs.HOURS_PER_YEAR)


@expected("ex2_5")
def report_printed_h100_inference_margin() -> float:
    """Check the source: the API gross margin the report prints for serving on Lambda's H100 PCIe (fraction)."""
    return float(lookup("report_figures", "infer_margin_h100", "report_value"))
