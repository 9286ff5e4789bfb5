"""Measured GPU efficiency: the utilisation arithmetic and the recomputed serving cost."""
from __future__ import annotations

import pytest

from conftest import has_tooltips

from helpers import charts
from helpers.chapters import pricing
from helpers.chapters.pricing import charts as pricing_charts, efficiency
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
