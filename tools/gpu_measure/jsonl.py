"""The committed H100 run (``data/raw/h100-2026-11-22.jsonl``, a copy of ``shared/measurements/``) as rows of
the measurement CSV. Standard library only: ``data/gpu_measurements.csv`` holds exactly these rows."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tools.gpu_measure.formulas import CONFIGS, DATASHEETS, decode_roofline
from tools.gpu_measure.rows import ROOT, Row, make_row, matmul_label

H100_JSONL = ROOT / "data" / "raw" / "h100-2026-11-22.jsonl"
H100_SOURCE_ID = "h100_measurements_20261122"
H100_DEVICE = "NVIDIA H100 80GB HBM3"
H100_RUN_DATE = "2026-11-22"
H100_SHEET = DATASHEETS[H100_DEVICE]


def rows_from_jsonl(path: Path | str = H100_JSONL) -> list[Row]:
    """The H100 measurement file (``h100-2026-11-22.jsonl``) as rows of :data:`CSV_HEADER`.

    One row per ``matmul_bf16_8192`` or ``train`` line, and a ``prefill`` and a ``decode`` row per ``infer``
    line. ``mfu``, ``mfu_6n_only`` (train only), tokens/s and TFLOPS are the file's own figures; ``layers`` and
    ``hidden`` come from :data:`CONFIGS` (as the file's README gives them), ``params_nonembed`` of an infer
    line from the same model's train line; ``achieved_tflops`` of model rows is MFU × peak.
    Assumptions of the decode roofline (the file does not record them): multi-head attention (kv_dim =
    hidden), BF16 weights and KV cache (2 bytes), total ``params`` (input embedding included) as the weight
    bytes read per step, KV cache at its average length prompt + new_tokens/2, 3.35 TB/s. The file records
    no driver, torch version or commit (left empty); path is ``eager`` (the README: plain eager, dynamic
    KV cache); peak 989.4 TFLOPS dense BF16 (datasheet).
    """
    lines = [json.loads(text) for text in Path(path).read_text(encoding="utf-8").splitlines() if text.strip()]
    nonembed = {rec["model"]: rec["params_nonembed"] for rec in lines if rec["kind"] == "train"}
    convert = {"matmul_bf16_8192": _jsonl_matmul_rows, "train": _jsonl_train_rows, "infer": _jsonl_infer_rows}
    rows: list[Row] = []
    for number, rec in enumerate(lines, start=1):
        if rec["kind"] not in convert:
            raise ValueError(f"{path}, line {number}: unknown kind {rec['kind']!r}")
        common = dict(run_date=H100_RUN_DATE, device=rec.get("device", H100_DEVICE), path="eager",
                      peak_tflops=H100_SHEET.peak_tflops_bf16, peak_basis="datasheet",
                      mem_bandwidth_tb_s=H100_SHEET.mem_bandwidth_tb_s, source_id=H100_SOURCE_ID,
                      source_section=f"{Path(path).name}, line {number}")
        rows += convert[rec["kind"]](rec, f"h100_20261122_line{number}", common, nonembed)
    return rows


def _jsonl_matmul_rows(rec: dict[str, Any], mid: str, common: Row, nonembed: dict[str, int]) -> list[Row]:
    """The row of a ``matmul_bf16_8192`` line: its TFLOPS and fraction of peak (in ``mfu``)."""
    return [make_row(measurement_id=f"{mid}_matmul", kind="matmul", model=matmul_label(8192, "bfloat16"),
                     achieved_tflops=rec["tflops"], mfu=rec["frac_of_peak"], **common)]


def _jsonl_train_rows(rec: dict[str, Any], mid: str, common: Row, nonembed: dict[str, int]) -> list[Row]:
    """The row of a ``train`` line: its tokens/s, ``mfu`` and ``mfu_6N_only``; layers and hidden from CONFIGS."""
    cfg = CONFIGS[rec["model"]]
    return [make_row(measurement_id=f"{mid}_train", kind="train", model=rec["model"], params=rec["params"],
                     params_nonembed=rec["params_nonembed"], layers=cfg.layers, hidden=cfg.hidden,
                     batch=rec["batch"], seq_tokens=rec["seq"], tokens_per_s=rec["tokens_per_s"],
                     achieved_tflops=rec["mfu"] * H100_SHEET.peak_tflops_bf16, mfu=rec["mfu"],
                     mfu_6n_only=rec["mfu_6N_only"], **common)]


def _jsonl_infer_rows(rec: dict[str, Any], mid: str, common: Row, nonembed: dict[str, int]) -> list[Row]:
    """The prefill and decode rows of an ``infer`` line; the decode row gets the roofline (MHA, BF16)."""
    cfg = CONFIGS[rec["model"]]
    shared = dict(model=rec["model"], params=rec["params"], params_nonembed=nonembed[rec["model"]],
                  layers=cfg.layers, hidden=cfg.hidden, batch=rec["batch"], seq_tokens=rec["prompt"], **common)
    roof = decode_roofline(rec["params"], 2, cfg.layers, rec["batch"], rec["prompt"], rec["new_tokens"],
                           cfg.hidden, H100_SHEET.mem_bandwidth_tb_s)
    return [make_row(measurement_id=f"{mid}_prefill", kind="prefill", tokens_per_s=rec["prefill_tokens_per_s"],
                     mfu=rec["prefill_mfu"], achieved_tflops=rec["prefill_mfu"] * H100_SHEET.peak_tflops_bf16,
                     **shared),
            make_row(measurement_id=f"{mid}_decode", kind="decode", new_tokens=rec["new_tokens"],
                     tokens_per_s=rec["decode_tokens_per_s"], mfu=rec["decode_mfu"],
                     achieved_tflops=rec["decode_mfu"] * H100_SHEET.peak_tflops_bf16,
                     decode_roofline_tokens_per_s=roof, decode_roofline_frac=rec["decode_tokens_per_s"] / roof,
                     **shared)]
