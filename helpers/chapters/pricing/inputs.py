"""The pricing chapter's parameters: their rules, the report's values (read from ``data/``) and validation.

Your own server: ``gpu`` (a ``gpu_id`` of ``data/gpu_specs.csv``) or ``gpu_tflops``, ``gpus_per_server``, and the rent
per server-hour (``rental_usd_per_hour``) or per GPU-hour (``rental_usd_per_gpu_hour``), one of them; the training and
inference rents per GPU-hour default to the server's. ``resolve`` fills what was left as None, so every function
downstream reads numbers in one unit each.
"""
from __future__ import annotations

import math
from typing import Any

from helpers import params
from helpers.chapters.pricing.efficiency import measured_batches
from helpers.data import load, lookup, value
from helpers.errors import ParameterError
from helpers.nbfiles import did_you_mean

# The chapter's papermill parameters: allowed range and meaning (validated by `validate`).
RULES: dict[str, params.Rule] = {
    "utilization": params.Rule("share of the year the server is rented", **params.FRACTION),
    "server_price_usd": params.Rule("purchase price of one server (the report: a DGX A100), USD"),
    "depreciation_years": params.Rule("straight-line depreciation period, years", high=50),
    "rental_usd_per_hour": params.Rule("rent of the whole server, USD per server-hour (the report: p4d.24xlarge)"),
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
    "gpus_per_server": params.Rule("GPUs in one server", low=1, high=1024, low_open=False, integer=True),
}

# Parameters that may be left as None: ``resolve`` then gives them the value named in the meaning.
OPTIONAL_RULES: dict[str, params.Rule] = {
    "gpu_tflops": params.Rule("peak dense BF16 TFLOPS of one GPU; None: the gpu's datasheet figure"),
    "rental_usd_per_gpu_hour": params.Rule("rent per GPU-hour, USD; replaces rental_usd_per_hour when given"),
    "training_usd_per_gpu_hour": params.Rule("training rent per GPU-hour, USD; None: the server's rent per GPU-hour"),
    "inference_usd_per_gpu_hour": params.Rule("inference rent per GPU-hour, USD; None: the server's rent per GPU-hour"),
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
        "gpu": "a100_sxm",     # the DGX A100's GPU
        "gpu_tflops": None,
        "gpus_per_server": lookup("cloud_prices", "aws_p4d_ohio", "gpus_per_instance"),
        "rental_usd_per_gpu_hour": None,
        "training_usd_per_gpu_hour": None,
        "inference_usd_per_gpu_hour": None,
    }


def parameter_notes() -> dict[str, tuple[str, str]]:
    """The parameters that are not a number in a range, for the rerun page's table: name → (allowed, meaning)."""
    return {"gpu": (f"one of {', '.join(gpu_ids())}", "the server's GPU, a gpu_id of data/gpu_specs.csv"),
            **{name: (f"None, or {rule.allowed(name)}", rule.meaning) for name, rule in OPTIONAL_RULES.items()}}


def gpu_ids() -> list[str]:
    """The GPUs a run may name: the ``gpu_id`` of every row of ``data/gpu_specs.csv``."""
    return list(load("gpu_specs")["gpu_id"])


def gpu_name(p: dict[str, Any]) -> str:
    """The GPU's short name for prose and titles: "A100", "H100 SXM"; "your GPU" where only its TFLOPS were given
    and they differ from the named GPU's."""
    if p.get("gpu_tflops") is not None and p["gpu_tflops"] != lookup("gpu_specs", p["gpu"], "bf16_dense_tflops"):
        return "your GPU"
    return str(lookup("gpu_specs", p["gpu"], "gpu")).removeprefix("NVIDIA ")


def server_label(p: dict[str, Any]) -> str:
    """The server in words: "8×A100", "8×H100 SXM", "4×your GPU"."""
    return f"{p['gpus_per_server']:g}×{gpu_name(p)}"


def resolve(p: dict[str, Any]) -> dict[str, Any]:
    """``p`` with the server's hardware filled in: the GPU's TFLOPS, the rent in both units, the training and inference
    rents (idempotent; keys a caller left out take the report's values). ParameterError when both rents are given
    and disagree."""
    report = report_params()
    q = {**report, **p}
    if q.get("rent_given_per") is None:      # which rent the run gave, for its warnings ("GPU-hour" or "server-hour")
        q["rent_given_per"] = "server-hour" if q["rental_usd_per_gpu_hour"] is None else "GPU-hour"
    n = q["gpus_per_server"]
    if q["rental_usd_per_gpu_hour"] is not None:
        server_hour = q["rental_usd_per_gpu_hour"] * n
        if not any(math.isclose(q["rental_usd_per_hour"], x) for x in (server_hour, report["rental_usd_per_hour"])):
            raise ParameterError(
                f"parameter 'rental_usd_per_gpu_hour' = {q['rental_usd_per_gpu_hour']!r} and parameter 'rental_usd_per_hour' = "
                f"{q['rental_usd_per_hour']!r} are both given and disagree; allowed: one of them (per GPU-hour or per server-hour)")
        q["rental_usd_per_hour"] = server_hour
    else:
        q["rental_usd_per_gpu_hour"] = q["rental_usd_per_hour"] / n
    if q["gpu_tflops"] is None:
        q["gpu_tflops"] = lookup("gpu_specs", q["gpu"], "bf16_dense_tflops")
    for name in ("training_usd_per_gpu_hour", "inference_usd_per_gpu_hour"):
        if q[name] is None:
            q[name] = q["rental_usd_per_gpu_hour"]
    return q


@params.with_lang
def validate(values) -> dict[str, Any]:
    """Validate the chapter's parameters (ranges; a serving batch the measurements cover; a GPU of ``gpu_specs``;
    None or a number in range for the optional ones), then ``resolve`` them."""
    p: dict[str, Any] = params.validate(values, RULES)
    params.check_choice("serving_batch", p["serving_batch"], measured_batches())
    gpu = values.get("gpu", "a100_sxm")
    if gpu not in gpu_ids():
        raise ParameterError(f"parameter 'gpu' = {gpu!r} is not allowed; allowed: one of {', '.join(gpu_ids())} (a gpu_id of "
                             f"data/gpu_specs.csv){did_you_mean(str(gpu), gpu_ids())}")
    p["gpu"] = gpu
    for name, rule in OPTIONAL_RULES.items():
        x = values.get(name)
        p[name] = None if x is None else params.check_number(name, x, rule)
    if values.get("rent_given_per") in ("GPU-hour", "server-hour"):     # a run's resolved parameters, validated again
        p["rent_given_per"] = values["rent_given_per"]
    return resolve(p)

