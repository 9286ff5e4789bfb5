"""Measured GPU efficiency (``data/gpu_measurements.csv``) against the report's 50 % / 25 % assumptions."""
from __future__ import annotations

import pandas as pd

from helpers.data import load, lookup
from helpers.errors import DataError
from helpers.formulas import costs

H100_SOURCE = "h100_measurements_20261122"


def measurements(kind: str, source_id: str = H100_SOURCE) -> pd.DataFrame:
    """Rows of one kind (matmul, train, prefill, decode) from one measurement source, eager path."""
    m = load("gpu_measurements")
    return m[(m["kind"] == kind) & (m["source_id"] == source_id) & (m["path"] == "eager")].reset_index(drop=True)


def measured_batches() -> list[float]:
    """Batch sizes with both a prefill and a decode measurement."""
    pre, dec = measurements("prefill"), measurements("decode")
    return sorted(set(pre["batch"]) & set(dec["batch"]))


def effective_utilization(prefill_mfu: float, decode_mfu: float, prompt_tokens: float, output_tokens: float) -> float:
    """Utilisation over a whole call: tokens / time, time = P / u_prefill + O / u_decode (in units of 2N/peak).

    ``(P + O) / (P / u_prefill + O / u_decode)``: the time-weighted (harmonic) mean of the two phases.
    """
    return (prompt_tokens + output_tokens) / (prompt_tokens / prefill_mfu + output_tokens / decode_mfu)


def at_batch(batch: float) -> dict[str, float]:
    """Prefill MFU, decode MFU and decode roofline figures at one measured batch size."""
    pre = measurements("prefill").set_index("batch")
    dec = measurements("decode").set_index("batch")
    roof_mfu = (2 * dec.at[batch, "params_nonembed"] * dec.at[batch, "decode_roofline_tokens_per_s"]
                / (dec.at[batch, "peak_tflops"] * 1e12))
    return {"prefill_mfu": float(pre.at[batch, "mfu"]), "decode_mfu": float(dec.at[batch, "mfu"]),
            "decode_roofline_frac": float(dec.at[batch, "decode_roofline_frac"]),
            "decode_mfu_at_roofline": float(roof_mfu)}


def effective_mfu(batch: float) -> tuple[dict[str, float], float]:
    """The measurements at a serving batch (``at_batch``) and the whole call's utilisation they give, prefill and decode
    weighted by the report's example prompt and output tokens."""
    m = at_batch(batch)
    prompt, output = lookup("pricing_assumptions", "infer_prompt_tokens", "value"), lookup("pricing_assumptions", "infer_output_tokens", "value")
    return m, float(effective_utilization(m["prefill_mfu"], m["decode_mfu"], prompt, output))


def inference_cost_at_measured(p: dict[str, float], batch: float) -> dict[str, float]:
    """The report's H100 inference cost recomputed at the measured utilisation of a serving batch.

    MFU is a fraction of the *dense* peak, so the H100 PCIe's dense 756 TFLOPS is used (the report's
    1,513 is sparse); prompt and output tokens as in the report's example.
    """
    m, u = effective_mfu(batch)
    usd_per_hour = lookup("cloud_prices", "lambda_h100_pcie", "usd_per_hour")
    dense = lookup("gpu_tflops", "h100_pcie_inference", "like_for_like_tflops")
    cost = costs.inference_cost_usd_per_1k(p["model_params"], usd_per_hour, dense, u)
    price = lookup("pricing_assumptions", "api_price_2023_usd_per_1k", "value")
    return {**m, "effective_mfu": u, "cost_usd_per_1k": float(cost),
            "margin": float(costs.margin_at_price(cost, price)), "price_usd_per_1k": price}


def headline_measurements() -> dict[str, float]:
    """The measured figures the book promises by name (read-back interface of the pricing chapter)."""
    train = measurements("train")
    prefill, decode = measurements("prefill").set_index("batch"), measurements("decode").set_index("batch")
    return {
        "measured_matmul_frac_of_peak": float(measurements("matmul")["mfu"].iloc[0]),
        "measured_train_mfu_largest": float(train.loc[train["params"].idxmax(), "mfu"]),
        "measured_decode_mfu_batch1": float(decode.at[1, "mfu"]),
        "measured_decode_mfu_batch256": float(decode.at[256, "mfu"]),
        "measured_prefill_mfu_batch8": float(prefill.at[8, "mfu"]),
    }


def decode_bound(source_id: str = H100_SOURCE) -> dict[str, float]:
    """What bounds the measured decode: its share of the memory-bandwidth roofline at the smallest, a middle and the
    largest batch, and the model's real size (all and non-embedding parameters; the rows' ``model`` label rounds it).

    A decode bound by memory bandwidth runs near its roofline; one at a few per cent of it is bound by kernel-launch
    and Python overhead.
    """
    dec = measurements("decode", source_id).set_index("batch").sort_index()
    batches = list(dec.index)
    return {"decode_roofline_frac_smallest_batch": float(dec["decode_roofline_frac"].iloc[0]),
            "decode_roofline_frac_batch64": float(dec.at[64, "decode_roofline_frac"]),
            "decode_roofline_frac_largest_batch": float(dec["decode_roofline_frac"].iloc[-1]),
            "decode_smallest_batch": float(batches[0]), "decode_largest_batch": float(batches[-1]),
            "decode_model_params_billion": float(dec["params"].iloc[0]) / 1e9,
            "decode_model_params_nonembed_billion": float(dec["params_nonembed"].iloc[0]) / 1e9}


def provenance(source_id: str = H100_SOURCE) -> dict[str, str]:
    """Where and how one measurement source was taken, read from its rows: device, date(s), path(s).

    The chapter states these from the data, so its sentences on where the GPU figures come from
    cannot drift from ``data/gpu_measurements.csv``.
    """
    m = load("gpu_measurements")
    m = m[m["source_id"] == source_id]
    if m.empty:
        raise DataError(f"data/gpu_measurements.csv: no rows with source_id = {source_id!r}; allowed: a source_id the table holds")
    join = lambda col: ", ".join(sorted({str(x) for x in m[col].dropna()}))  # noqa: E731
    return {"device": join("device"), "run_date": join("run_date"), "paths": join("path"), "rows": str(len(m))}
