"""The pricing chapter's parameters: their rules, the report's values (read from ``data/``) and validation."""
from __future__ import annotations

from helpers import params
from helpers.chapters.pricing.efficiency import measured_batches
from helpers.data import lookup, value

# The chapter's papermill parameters: allowed range and meaning (validated by `validate`).
RULES: dict[str, params.Rule] = {
    "utilization": params.Rule("share of the year the 8×A100 instance is rented", **params.FRACTION),
    "server_price_usd": params.Rule("purchase price of one DGX A100 server, USD"),
    "depreciation_years": params.Rule("straight-line depreciation period, years", high=50),
    "rental_usd_per_hour": params.Rule("p4d.24xlarge rental price, USD per hour"),
    "model_params": params.Rule("model parameters (e.g. 175e9)", low=1.0, low_open=False),
    "training_tokens": params.Rule("training tokens (e.g. 300e9)", low=1.0, low_open=False),
    "training_efficiency": params.Rule("share of peak FLOPs achieved in training", **params.FRACTION),
    "inference_efficiency": params.Rule("share of peak FLOPs achieved in inference", **params.FRACTION),
    "app_input_usd_per_1k": params.Rule("API price of input tokens, USD per 1K tokens"),
    "app_output_usd_per_1k": params.Rule("API price of output tokens, USD per 1K tokens"),
    "cny_per_usd": params.Rule("exchange rate, Chinese yuan per US dollar"),
    "cny_per_gbp": params.Rule("exchange rate, Chinese yuan per pound sterling"),
    "serving_batch": params.Rule("sequences decoded together; a batch size the GPU measurements cover", low=1, high=4096,
                                 low_open=False, integer=True),
}



def report_params() -> dict[str, float]:
    """The chapter's parameters at the report's values, read from ``data/``."""
    return {
        "utilization": 1.0,
        "server_price_usd": value("dgx_a100_price_usd"),
        "depreciation_years": value("depreciation_years"),
        "rental_usd_per_hour": lookup("cloud_prices", "aws_p4d_ohio", "usd_per_hour"),
        "model_params": value("gpt3_params"),
        "training_tokens": value("gpt3_training_tokens"),
        "training_efficiency": value("training_efficiency"),
        "inference_efficiency": value("inference_efficiency"),
        "app_input_usd_per_1k": value("app_input_usd_per_1k"),
        "app_output_usd_per_1k": value("app_output_usd_per_1k"),
        "cny_per_usd": lookup("fx_rates", "USD", "cny_per_unit"),
        "cny_per_gbp": lookup("fx_rates", "GBP", "cny_per_unit"),
        "serving_batch": value("serving_batch"),
    }


def validate(values) -> dict[str, float]:
    """Validate the chapter's parameters: ranges, then a serving batch the measurements cover."""
    p = params.validate(values, RULES)
    params.check_choice("serving_batch", p["serving_batch"], measured_batches())
    return p

