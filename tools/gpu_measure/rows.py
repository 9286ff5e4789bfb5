"""The measurement CSV (``data/gpu_measurements.csv``): its columns, the rows a run appends, and appending.

Standard library only. A measured row is the run's shared columns (:class:`RunInfo`: device, driver, torch
version, commit, peak) plus the computed columns of :func:`train_fields` or :func:`infer_fields`.
"""
from __future__ import annotations

import csv
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.gpu_measure.formulas import (
    LlamaConfig,
    achieved_tflops,
    decode_roofline,
    inference_flops_per_token,
    inference_mfu,
    train_flops_per_token,
    train_mfu,
    train_mfu_6n_only,
)

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "data" / "gpu_measurements.csv"

CSV_HEADER: tuple[str, ...] = (
    "measurement_id", "run_date", "device", "driver", "torch_version", "commit", "path", "kind", "model",
    "params", "params_nonembed", "layers", "hidden", "batch", "seq_tokens", "new_tokens", "tokens_per_s",
    "achieved_tflops", "peak_tflops", "peak_basis", "mem_bandwidth_tb_s", "mfu", "mfu_6n_only",
    "decode_roofline_tokens_per_s", "decode_roofline_frac", "source_id", "source_section",
)
KINDS = ("matmul", "train", "prefill", "decode")
PATHS = ("eager", "tuned")
PEAK_BASES = ("datasheet", "measured_matmul")
MEASURED_SOURCE_ID = "measured_run"


# --- rows ---------------------------------------------------------------------------------------------
Row = dict[str, Any]


def make_row(**fields: Any) -> Row:
    """A CSV row: every column of :data:`CSV_HEADER`, None where ``fields`` gives nothing; unknown keys refused."""
    unknown = set(fields) - set(CSV_HEADER)
    if unknown:
        raise KeyError(f"not columns of the measurement CSV: {', '.join(sorted(unknown))}")
    return {col: fields.get(col) for col in CSV_HEADER}


def _slug(text: str) -> str:
    """Lower-case id fragment: letters, digits, dots; anything else becomes ``_``."""
    return "".join(c if c.isalnum() or c == "." else "_" for c in text.lower()).strip("_")


def matmul_label(n: int, dtype_name: str) -> str:
    """Text of the ``model`` column of a matmul row, e.g. ``matmul 8192x8192x8192 bfloat16``."""
    return f"matmul {n}x{n}x{n} {dtype_name}"


def train_fields(cfg: LlamaConfig, params: int, params_nonembed: int, batch: int, seq_tokens: int,
                 tokens_per_s: float, peak_tflops: float) -> Row:
    """The computed columns of a train row."""
    return dict(kind="train", model=cfg.name, params=params, params_nonembed=params_nonembed, layers=cfg.layers,
                hidden=cfg.hidden, batch=batch, seq_tokens=seq_tokens, tokens_per_s=tokens_per_s,
                achieved_tflops=achieved_tflops(train_flops_per_token(params_nonembed, cfg.layers, seq_tokens,
                                                                      cfg.hidden), tokens_per_s),
                mfu=train_mfu(params_nonembed, cfg.layers, seq_tokens, cfg.hidden, tokens_per_s, peak_tflops),
                mfu_6n_only=train_mfu_6n_only(params_nonembed, tokens_per_s, peak_tflops))


def infer_fields(kind: str, cfg: LlamaConfig, params: int, params_nonembed: int, batch: int, prompt_tokens: int,
                 new_tokens: int, tokens_per_s: float, peak_tflops: float, mem_bandwidth_tb_s: float | None,
                 bytes_per_param: float) -> Row:
    """The computed columns of a prefill or decode row (roofline on decode rows when bandwidth is known)."""
    row = dict(kind=kind, model=cfg.name, params=params, params_nonembed=params_nonembed, layers=cfg.layers,
               hidden=cfg.hidden, batch=batch, seq_tokens=prompt_tokens, tokens_per_s=tokens_per_s,
               achieved_tflops=achieved_tflops(inference_flops_per_token(params_nonembed), tokens_per_s),
               mfu=inference_mfu(params_nonembed, tokens_per_s, peak_tflops))
    if kind == "decode":
        row["new_tokens"] = new_tokens
        if mem_bandwidth_tb_s:
            roof = decode_roofline(params, bytes_per_param, cfg.layers, batch, prompt_tokens, new_tokens,
                                   cfg.kv_dim, mem_bandwidth_tb_s)
            row.update(decode_roofline_tokens_per_s=roof, decode_roofline_frac=tokens_per_s / roof)
    return row


# --- a run's shared columns -------------------------------------------------------------------------------
@dataclass(frozen=True)
class RunInfo:
    """What every row of one run shares: where, when, with what, and the peak its fractions refer to."""

    stamp: str
    run_date: str
    device: str
    driver: str | None
    torch_version: str
    commit: str | None
    peak_tflops: float
    peak_basis: str
    mem_bandwidth_tb_s: float | None
    source_section: str


def git_commit(root: Path = ROOT) -> str | None:
    """``git rev-parse --short HEAD`` of the repository, or None when git or the repository is unavailable."""
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                             timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def finish_row(info: RunInfo, path: str, fields: Row) -> Row:
    """A complete measured row: the run's shared columns, an id, and ``fields``."""
    label = _slug(str(fields.get("model") or "")).removeprefix(f"{fields['kind']}_")
    mid = f"run_{info.stamp}_{path}_{fields['kind']}_{label}" + (f"_b{fields['batch']}" if fields.get("batch") else "")
    return make_row(measurement_id=mid, run_date=info.run_date, device=info.device, driver=info.driver,
                    torch_version=info.torch_version, commit=info.commit, path=path, peak_tflops=info.peak_tflops,
                    peak_basis=info.peak_basis, mem_bandwidth_tb_s=info.mem_bandwidth_tb_s,
                    source_id=MEASURED_SOURCE_ID, source_section=info.source_section, **fields)


# --- CSV ------------------------------------------------------------------------------------------------
def append_rows(path: Path | str, rows: Iterable[Row]) -> int:
    """Append ``rows`` to the CSV at ``path`` (created with the header if missing or empty); return how many.

    Refuses a file whose header is not :data:`CSV_HEADER`, so rows never land under the wrong columns.
    """
    path = Path(path)
    fresh = not path.exists() or path.stat().st_size == 0
    if not fresh:
        with path.open(newline="", encoding="utf-8") as f:
            header = next(csv.reader(f), [])
        if tuple(header) != CSV_HEADER:
            raise ValueError(f"{path}: header is not the measurement header; refusing to append")
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("a", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_HEADER)
        if fresh:
            writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


