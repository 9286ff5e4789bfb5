"""Expected answers of the pricing chapter's own exercises (ex2_4, ex2_5 in ``data/exercises.csv``), computed from
``data/`` through the chapter's helpers. Exercises ex2_1–ex2_3 live in ``helpers/workshop/expected.py``."""
from __future__ import annotations

from helpers.data import lookup
# Not `from helpers.workshop import expected`: once the submodule helpers.workshop.expected is imported (ex2_1's
# check does), the package's attribute `expected` is that module, not the decorator; the module re-exports it.
from helpers.workshop.expected import expected


@expected("ex2_4")
def infra_breakeven_utilization() -> float:
    """Recompute: the utilization at which the DGX A100's rent just pays its depreciation (fraction, report's inputs)."""
    from helpers.chapters import pricing

    return float(pricing.key_figures(pricing.validate(pricing.report_params()))["infra_breakeven_utilization"])


@expected("ex2_5")
def report_printed_h100_inference_margin() -> float:
    """Check the source: the API gross margin the report prints for serving on Lambda's H100 PCIe (fraction)."""
    return float(lookup("report_figures", "infer_margin_h100", "report_value"))
