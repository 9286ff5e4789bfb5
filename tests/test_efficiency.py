"""Measured GPU efficiency: the utilisation arithmetic and the recomputed serving cost."""
from __future__ import annotations

import re

import pytest
from conftest import has_tooltips

from helpers import charts
from helpers.chapters import pricing
from helpers.chapters.pricing import charts as pricing_charts
from helpers.chapters.pricing import efficiency
from helpers.errors import ParameterError


def test_effective_utilization_by_hand():
    # 500 tokens at 50 % and 500 at 10 %: time 1000 + 5000 → 1000 / 6000 of peak per token... = 1/6 × 2
    assert efficiency.effective_utilization(0.5, 0.1, 500, 500) == pytest.approx(1000 / (500 / 0.5 + 500 / 0.1))
    assert efficiency.effective_utilization(0.3, 0.3, 100, 900) == pytest.approx(0.3)


def test_measured_batches_and_values():
    assert efficiency.measured_batches() == [1, 8, 64, 256]
    m = efficiency.at_batch(64)
    assert m["prefill_mfu"] == pytest.approx(0.343199559, rel=1e-6)
    assert m["decode_mfu"] == pytest.approx(0.005392660, rel=1e-6)
    assert 0 < m["decode_roofline_frac"] < 1 and m["decode_mfu_at_roofline"] > m["decode_mfu"]


def test_cost_at_measured_utilisation_by_hand():
    p = pricing.report_params()
    out = efficiency.inference_cost_at_measured(p, 64)
    u = out["effective_mfu"]
    expected = 1.99 / 3600 / (756e12 * u) * 2 * 175e9 * 1000
    assert out["cost_usd_per_1k"] == pytest.approx(expected)
    assert out["margin"] == pytest.approx(1 - expected / 0.002)
    # larger batches use the GPU better, so serving gets cheaper
    costs = [efficiency.inference_cost_at_measured(p, b)["cost_usd_per_1k"] for b in (1, 8, 64, 256)]
    assert costs == sorted(costs, reverse=True)


def test_serving_batch_must_be_measured():
    with pytest.raises(ParameterError, match=r"'serving_batch' = 32 is not allowed; allowed: one of 1, 8, 64, 256"):
        pricing.validate(pricing.report_params() | {"serving_batch": 32})
    with pytest.raises(ParameterError, match="is not a whole number"):
        pricing.validate(pricing.report_params() | {"serving_batch": 6.5})


def test_measured_charts():
    for chart in (pricing_charts.training_mfu(efficiency.measurements("train"), 0.5),
                  pricing_charts.inference_mfu(efficiency.measurements("prefill"), efficiency.measurements("decode"), 0.25)):
        spec = charts.spec_of(chart)
        assert len(spec["description"]) > 40 and has_tooltips(spec)   # alt text that says something; tooltips


def test_inference_chart_title_states_the_maxima_it_draws():
    pre, dec = efficiency.measurements("prefill"), efficiency.measurements("decode")
    title = charts.spec_of(pricing_charts.inference_mfu(pre, dec, 0.25))["title"]["text"]
    roof = max(efficiency.at_batch(b)["decode_mfu_at_roofline"] for b in efficiency.measured_batches())
    assert f"{dec['mfu'].max():.1%}" in title and f"{roof:.1%}" in title
    assert "under" not in title                              # slip 8: "stays under 7 %" while the data reach 7.25 %


def test_provenance_is_read_from_the_measurement_rows():
    from helpers.data import load
    m = load("gpu_measurements")
    where = efficiency.provenance()
    assert where["device"] == "NVIDIA H100 80GB HBM3" and where["run_date"] == "2026-11-22"
    assert where["paths"] == "eager" and int(where["rows"]) == (m["source_id"] == efficiency.H100_SOURCE).sum()
    with pytest.raises(ValueError, match="no rows with source_id = 'nope'"):
        efficiency.provenance("nope")


def test_chapter_says_where_the_measurements_were_made():
    import json

    from conftest import NOTEBOOKS
    checks = NOTEBOOKS / "02c_pricing_checks.ipynb"      # the measured section is on the pricing chapter's appendix page
    text = "".join("".join(o.get("data", {}).get("text/markdown", "")) for c in json.loads(checks.read_text())["cells"]
                   for o in c.get("outputs", []))
    where = efficiency.provenance()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)        # glossary links read as their words
    assert f"on {where['run_date']}, on an {where['device']}" in " ".join(text.split())
    assert "tuned path (static KV cache, `torch.compile`, CUDA graphs) has not yet been run on a GPU" in " ".join(text.split())
    assert "No GPU was available" not in text                # slip 9
