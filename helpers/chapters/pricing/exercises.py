"""Expected answers of the pricing chapter's exercises (ex2_1–ex2_5 in ``data/exercises.csv``), computed from
``data/`` through the chapter's helpers; never typed."""
from __future__ import annotations

from helpers.data import lookup
from helpers.workshop import expected


def _pricing_figures(**changes: float) -> dict[str, float]:
    """The pricing chapter's glued figures at the report's inputs, with ``changes`` applied (a papermill rerun)."""
    from helpers.chapters import pricing

    return pricing.key_figures(pricing.validate({**pricing.report_params(), **changes}))


@expected("ex2_1")
def infra_margin_at_full_utilization() -> float:
    """Recompute: the DGX A100's gross margin rented all year, exactly (fraction)."""
    return _pricing_figures()["infra_gross_margin"]


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
def infra_breakeven_utilization() -> float:
    """Recompute: the utilization at which the DGX A100's rent just pays its depreciation (fraction, report's inputs)."""
    return float(_pricing_figures()["infra_breakeven_utilization"])


@expected("ex2_5")
def report_printed_h100_inference_margin() -> float:
    """Check the source: the API gross margin the report prints for serving on Lambda's H100 PCIe (fraction)."""
    return float(lookup("report_figures", "infer_margin_h100", "report_value"))
