"""Parameter validation: one clear message naming parameter, value and allowed range."""
from __future__ import annotations

import math

import pytest

from helpers import params
from helpers.chapters import pricing
from helpers.errors import ParameterError


def good() -> dict:
    return dict(pricing.report_params())


def test_report_defaults_are_valid():
    assert params.validate(good(), pricing.RULES) == {k: good()[k] for k in pricing.RULES}


@pytest.mark.parametrize("name, value, fragment", [
    ("utilization", 0.0, "0 < utilization ≤ 1"),
    ("utilization", 1.5, "0 < utilization ≤ 1"),
    ("training_efficiency", 0, "0 < training_efficiency ≤ 1"),
    ("inference_efficiency", 1.01, "0 < inference_efficiency ≤ 1"),
    ("server_price_usd", -5, "0 < server_price_usd"),
    ("rental_usd_per_hour", 0, "0 < rental_usd_per_hour"),
    ("training_tokens", -300e9, "1 ≤ training_tokens"),
    ("app_input_usd_per_1k", math.nan, "0 < app_input_usd_per_1k"),
    ("depreciation_years", math.inf, "0 < depreciation_years ≤ 50"),
])
def test_out_of_range_values_are_refused(name, value, fragment):
    p = good() | {name: value}
    with pytest.raises(ParameterError) as info:
        params.validate(p, pricing.RULES)
    msg = str(info.value)
    assert f"parameter {name!r} = {value!r} is out of range" in msg and fragment in msg


@pytest.mark.parametrize("value", ["abc", "0.5", True, None, [0.5]])
def test_non_numbers_are_refused(value):
    with pytest.raises(ParameterError, match=r"parameter 'utilization' = .* is not a number; allowed: 0 < utilization ≤ 1"):
        params.validate(good() | {"utilization": value}, pricing.RULES)


def test_missing_parameter_is_named():
    p = good()
    del p["model_params"]
    with pytest.raises(ParameterError, match="'model_params' is missing"):
        params.validate(p, pricing.RULES)


def test_integers_are_accepted_as_floats():
    out = params.validate(good() | {"server_price_usd": 150000}, pricing.RULES)
    assert out["server_price_usd"] == 150000.0 and isinstance(out["server_price_usd"], float)


def test_rule_text():
    assert params.Rule("x").allowed("a") == "0 < a"
    assert params.Rule("x", low=1, low_open=False, high=2, high_open=True).allowed("a") == "1 ≤ a < 2"
