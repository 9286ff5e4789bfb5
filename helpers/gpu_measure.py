"""Measure what share of its peak a GPU reaches in LLM training and inference (and convert the H100 file).

The report assumes training runs at 50 % of a GPU's peak FLOPs and inference at 25 %. This module measures
the real shares on whatever device it runs on and appends one CSV row per measurement:

- ``matmul``: one dense N×N×N matrix multiply (8192³ BF16 on a GPU) → achieved TFLOPS, share of peak;
- ``train``: AdamW training steps of Llama-architecture decoders (batch 8 × 2,048 tokens on a GPU) → tokens/s,
  MFU = (6·N_nonembed + 12·layers·seq·hidden) · tokens/s ÷ peak, and the 6·N_nonembed-only variant;
- ``prefill`` and ``decode``: greedy generation with the "1.1B" model (prompt 512, 128 new tokens, batches
  1, 8, 64, 256 on a GPU) → tokens/s, MFU at 2·N_nonembed per token, and, for decode, the memory-bandwidth
  roofline (every decode step reads all weights and the KV cache once).

Two paths: ``eager`` (plain PyTorch, KV cache grown by concatenation, as Hugging Face ``generate`` does: this
reproduces ``shared/measurements/h100-2026-11-22.jsonl``) and ``tuned`` (static pre-allocated KV cache,
``torch.compile`` of prefill, of the decode step and of the training model, CUDA graphs for the decode step
via ``mode="reduce-overhead"`` on CUDA, fused AdamW on CUDA).

Run it with ``python -m helpers.gpu_measure [--device cuda|cpu] [--tiny] [--paths eager,tuned]
[--out data/gpu_measurements.csv] [--repeats N] [--no-compile]``. On a CPU (``--device cpu``, add
``--tiny`` for a 2-layer model) it measures the CPU honestly: the peak is then the best measured matmul
(``peak_basis`` = ``measured_matmul``), never a datasheet figure, and the device column names the CPU.

The formulas (first section) need only the standard library, and so does :func:`rows_from_jsonl`; torch is
imported when present and needed only for the timing code, so the book can import the formulas without it.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import json
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

try:  # the timing code needs torch; the formulas and the JSONL conversion do not
    import torch
    import torch.nn.functional as F
    from torch import nn

    _Module: type = nn.Module
except ModuleNotFoundError:  # pragma: no cover - the book's own venv has no torch
    torch = F = nn = None  # type: ignore[assignment]
    _Module = object

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "data" / "gpu_measurements.csv"
H100_JSONL = ROOT / "data" / "raw" / "h100-2026-11-22.jsonl"  # a copy of shared/measurements/

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
H100_SOURCE_ID = "h100_measurements_20261122"
H100_DEVICE = "NVIDIA H100 80GB HBM3"
H100_RUN_DATE = "2026-11-22"


# --- datasheets -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Datasheet:
    """A GPU's datasheet figures: dense BF16 tensor-core TFLOPS (no sparsity) and memory bandwidth."""

    peak_tflops_bf16: float
    mem_bandwidth_tb_s: float


# Keyed by the name torch.cuda.get_device_name() reports. A GPU not listed here gets its peak from the
# best measured matmul and its bandwidth from a measured device-to-device copy (peak_basis measured_matmul).
DATASHEETS: dict[str, Datasheet] = {
    "NVIDIA H100 80GB HBM3": Datasheet(989.4, 3.35),   # H100 SXM5
    "NVIDIA H100 PCIe": Datasheet(756.0, 2.0),
    "NVIDIA A100-SXM4-80GB": Datasheet(312.0, 2.039),
    "NVIDIA A100-SXM4-40GB": Datasheet(312.0, 1.555),
    "NVIDIA H200": Datasheet(989.4, 4.8),              # H100 SXM's tensor cores, 141 GB HBM3e
}


H100_SHEET = DATASHEETS[H100_DEVICE]


def datasheet_for(device_name: str) -> Datasheet | None:
    """The datasheet of a GPU by its reported name (exact match), or None when it is not in :data:`DATASHEETS`."""
    return DATASHEETS.get(device_name)


# --- model configurations -------------------------------------------------------------------------
@dataclass(frozen=True)
class LlamaConfig:
    """A decoder-only Llama-architecture model: multi-head attention (kv_dim = hidden), SwiGLU MLP, no biases."""

    name: str
    vocab: int
    hidden: int
    layers: int
    heads: int
    mlp: int
    rope_theta: float = 10_000.0
    norm_eps: float = 1e-5

    @property
    def head_dim(self) -> int:
        """Width of one attention head: ``hidden / heads``."""
        return self.hidden // self.heads

    @property
    def kv_dim(self) -> int:
        """Width of the keys (and of the values) per token and layer; = hidden for multi-head attention."""
        return self.hidden


# The README's three sizes, vocabulary 32,000 (Llama 2 tokenizer); parameter counts match it exactly.
CONFIGS: dict[str, LlamaConfig] = {
    "0.16B": LlamaConfig("0.16B", vocab=32_000, hidden=768, layers=12, heads=12, mlp=2048),
    "0.4B": LlamaConfig("0.4B", vocab=32_000, hidden=1024, layers=24, heads=16, mlp=2816),
    "1.1B": LlamaConfig("1.1B", vocab=32_000, hidden=2048, layers=16, heads=32, mlp=5632),
}
TINY = LlamaConfig("tiny", vocab=1000, hidden=64, layers=2, heads=4, mlp=176)
INFERENCE_MODEL = "1.1B"


def llama_param_counts(cfg: LlamaConfig) -> tuple[int, int]:
    """(all parameters, parameters without the input embedding) of a config.

    Per layer: q, k, v, o projections (``2·h² + 2·h·kv_dim``), SwiGLU gate, up and down (``3·h·mlp``) and two
    RMSNorm weights (``2·h``); plus the input embedding and the untied LM head (``vocab·h`` each) and the
    final RMSNorm (``h``). Only the input embedding is left out of ``params_nonembed``.
    """
    h = cfg.hidden
    per_layer = 2 * h * h + 2 * h * cfg.kv_dim + 3 * h * cfg.mlp + 2 * h
    embed = cfg.vocab * h
    nonembed = cfg.layers * per_layer + h + cfg.vocab * h
    return embed + nonembed, nonembed


# --- formulas (pure; standard library only) ---------------------------------------------------------
def matmul_flops(m: int, k: int, n: int) -> float:
    """FLOPs of an (m×k)·(k×n) matrix multiply: ``2·m·k·n`` (one multiply and one add per term)."""
    return 2.0 * m * k * n


def tflops_from(flops: float, seconds: float) -> float:
    """Achieved TFLOPS: ``flops / seconds / 10¹²``."""
    return flops / seconds / 1e12


def train_flops_per_token(params_nonembed: float, layers: int, seq_tokens: int, hidden: int) -> float:
    """Training FLOPs per token: ``6·N_nonembed + 12·layers·seq·hidden``.

    The second term is attention's score and value products (forward and backward), not halved for the
    causal mask; it is the count of the README and of the PaLM paper's MFU.
    """
    return 6.0 * params_nonembed + 12.0 * layers * seq_tokens * hidden


def train_flops_per_token_6n(params_nonembed: float) -> float:
    """Training FLOPs per token counting the weights only: ``6·N_nonembed``."""
    return 6.0 * params_nonembed


def inference_flops_per_token(params_nonembed: float) -> float:
    """Forward-pass FLOPs per token (prefill or decode): ``2·N_nonembed`` (attention not counted)."""
    return 2.0 * params_nonembed


def achieved_tflops(flops_per_token: float, tokens_per_s: float) -> float:
    """Model TFLOPS achieved: ``flops_per_token · tokens/s / 10¹²``."""
    return flops_per_token * tokens_per_s / 1e12


def model_flops_utilization(flops_per_token: float, tokens_per_s: float, peak_tflops: float) -> float:
    """MFU: model FLOPs per second as a share of the peak, ``flops_per_token · tokens/s ÷ (peak · 10¹²)``."""
    return achieved_tflops(flops_per_token, tokens_per_s) / peak_tflops


def train_mfu(params_nonembed: float, layers: int, seq_tokens: int, hidden: int, tokens_per_s: float,
              peak_tflops: float) -> float:
    """Training MFU: ``(6·N_nonembed + 12·layers·seq·hidden) · tokens/s ÷ peak``."""
    return model_flops_utilization(train_flops_per_token(params_nonembed, layers, seq_tokens, hidden),
                                   tokens_per_s, peak_tflops)


def train_mfu_6n_only(params_nonembed: float, tokens_per_s: float, peak_tflops: float) -> float:
    """Training MFU counting the weights only: ``6·N_nonembed · tokens/s ÷ peak``."""
    return model_flops_utilization(train_flops_per_token_6n(params_nonembed), tokens_per_s, peak_tflops)


def inference_mfu(params_nonembed: float, tokens_per_s: float, peak_tflops: float) -> float:
    """Inference MFU (prefill or decode): ``2·N_nonembed · tokens/s ÷ peak``."""
    return model_flops_utilization(inference_flops_per_token(params_nonembed), tokens_per_s, peak_tflops)


def mean_decode_context_tokens(prompt_tokens: int, new_tokens: int) -> float:
    """Average number of tokens in the KV cache over a generation: ``prompt + new_tokens / 2``."""
    return prompt_tokens + new_tokens / 2.0


def kv_cache_bytes(layers: int, batch: int, context_tokens: float, kv_dim: int, bytes_per_value: float) -> float:
    """Bytes of the KV cache: ``2 (keys and values) × layers × batch × context × kv_dim × bytes``."""
    return 2.0 * layers * batch * context_tokens * kv_dim * bytes_per_value


def decode_bytes_per_step(params: float, bytes_per_param: float, layers: int, batch: int, context_tokens: float,
                          kv_dim: int, kv_bytes_per_value: float | None = None) -> float:
    """Bytes one decode step must read: all weights (``params × bytes``) plus the whole KV cache.

    ``kv_bytes_per_value`` defaults to ``bytes_per_param`` (cache kept in the weights' dtype).
    """
    kv_bytes = bytes_per_param if kv_bytes_per_value is None else kv_bytes_per_value
    return params * bytes_per_param + kv_cache_bytes(layers, batch, context_tokens, kv_dim, kv_bytes)


def decode_roofline_tokens_per_s(batch: int, mem_bandwidth_tb_s: float, bytes_per_step: float) -> float:
    """Memory-bound ceiling on decode: ``batch × bandwidth ÷ bytes per step`` (one token per sequence per step)."""
    return batch * mem_bandwidth_tb_s * 1e12 / bytes_per_step


def decode_roofline(params: float, bytes_per_param: float, layers: int, batch: int, prompt_tokens: int,
                    new_tokens: int, kv_dim: int, mem_bandwidth_tb_s: float) -> float:
    """Roofline decode tokens/s of a generation, with the KV cache at its average length (prompt + new/2)."""
    step_bytes = decode_bytes_per_step(params, bytes_per_param, layers, batch,
                                       mean_decode_context_tokens(prompt_tokens, new_tokens), kv_dim)
    return decode_roofline_tokens_per_s(batch, mem_bandwidth_tb_s, step_bytes)


def decode_tokens_per_s(batch: int, new_tokens: int, generate_s: float, prefill_s: float) -> float:
    """Decode throughput as the H100 file defines it: ``batch · new_tokens / (generate time − prefill time)``."""
    decode_s = generate_s - prefill_s
    if decode_s <= 0:
        raise ValueError(f"generation ({generate_s:.6g} s) was not slower than its prefill ({prefill_s:.6g} s)")
    return batch * new_tokens / decode_s


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


def _train_fields(cfg: LlamaConfig, params: int, params_nonembed: int, batch: int, seq_tokens: int,
                  tokens_per_s: float, peak_tflops: float) -> Row:
    """The computed columns of a train row."""
    return dict(kind="train", model=cfg.name, params=params, params_nonembed=params_nonembed, layers=cfg.layers,
                hidden=cfg.hidden, batch=batch, seq_tokens=seq_tokens, tokens_per_s=tokens_per_s,
                achieved_tflops=achieved_tflops(train_flops_per_token(params_nonembed, cfg.layers, seq_tokens,
                                                                      cfg.hidden), tokens_per_s),
                mfu=train_mfu(params_nonembed, cfg.layers, seq_tokens, cfg.hidden, tokens_per_s, peak_tflops),
                mfu_6n_only=train_mfu_6n_only(params_nonembed, tokens_per_s, peak_tflops))


def _infer_fields(kind: str, cfg: LlamaConfig, params: int, params_nonembed: int, batch: int, prompt_tokens: int,
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


# --- the committed H100 measurements ----------------------------------------------------------------------
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


# --- the model (plain PyTorch) ------------------------------------------------------------------------------
def rotary_tables(head_dim: int, positions: int, theta: float) -> tuple[Any, Any]:
    """cos and sin tables, shape (positions, head_dim), of Llama's rotary embedding (halves concatenated)."""
    inv_freq = 1.0 / theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim)
    angles = torch.outer(torch.arange(positions, dtype=torch.float32), inv_freq)
    angles = torch.cat([angles, angles], dim=-1)
    return angles.cos(), angles.sin()


def apply_rotary(x: Any, cos: Any, sin: Any) -> Any:
    """Rotate (batch, heads, tokens, head_dim) queries or keys by position: ``x·cos + rotate_half(x)·sin``."""
    half = x.shape[-1] // 2
    rotated = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
    return x * cos + rotated * sin


class RMSNorm(_Module):
    """Root-mean-square layer norm with a learned scale, computed in float32 as Llama does."""

    def __init__(self, dim: int, eps: float) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: Any) -> Any:
        x32 = x.float()
        return (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)).to(x.dtype) * self.weight


class SwiGLU(_Module):
    """Llama's MLP: ``down(silu(gate(x)) · up(x))``."""

    def __init__(self, hidden: int, mlp: int) -> None:
        super().__init__()
        self.gate = nn.Linear(hidden, mlp, bias=False)
        self.up = nn.Linear(hidden, mlp, bias=False)
        self.down = nn.Linear(mlp, hidden, bias=False)

    def forward(self, x: Any) -> Any:
        return self.down(F.silu(self.gate(x)) * self.up(x))


class Attention(_Module):
    """Multi-head attention with rotary embeddings through ``scaled_dot_product_attention``.

    Three entry points: :meth:`forward` (training, causal over the whole sequence), :meth:`forward_dynamic`
    (eager inference, cache grown by ``torch.cat``) and :meth:`forward_static` (tuned inference, writes into
    the pre-allocated ``k_cache``/``v_cache`` buffers).
    """

    def __init__(self, cfg: LlamaConfig) -> None:
        super().__init__()
        self.heads, self.head_dim = cfg.heads, cfg.head_dim
        self.wq = nn.Linear(cfg.hidden, cfg.hidden, bias=False)
        self.wk = nn.Linear(cfg.hidden, cfg.kv_dim, bias=False)
        self.wv = nn.Linear(cfg.hidden, cfg.kv_dim, bias=False)
        self.wo = nn.Linear(cfg.hidden, cfg.hidden, bias=False)
        # static-cache buffers of the tuned path, allocated by Llama.setup_static_cache
        self.register_buffer("k_cache", None, persistent=False)
        self.register_buffer("v_cache", None, persistent=False)

    def _qkv(self, x: Any, cos: Any, sin: Any) -> tuple[Any, Any, Any]:
        """Queries, keys, values as (batch, heads, tokens, head_dim), rotary applied to q and k."""
        b, t, _ = x.shape

        def split(y: Any) -> Any:
            return y.view(b, t, self.heads, self.head_dim).transpose(1, 2)

        q, k, v = split(self.wq(x)), split(self.wk(x)), split(self.wv(x))
        return apply_rotary(q, cos, sin), apply_rotary(k, cos, sin), v

    def _out(self, y: Any) -> Any:
        """Merge the heads back and project: (batch, heads, tokens, head_dim) → (batch, tokens, hidden)."""
        b, _, t, _ = y.shape
        return self.wo(y.transpose(1, 2).reshape(b, t, self.heads * self.head_dim))

    def forward(self, x: Any, cos: Any, sin: Any) -> Any:
        q, k, v = self._qkv(x, cos, sin)
        return self._out(F.scaled_dot_product_attention(q, k, v, is_causal=True))

    def forward_dynamic(self, x: Any, cos: Any, sin: Any, past: tuple[Any, Any] | None) -> tuple[Any, tuple[Any, Any]]:
        q, k, v = self._qkv(x, cos, sin)
        if past is not None:
            k, v = torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)
        # the prompt attends causally; one new token attends to everything before it (no mask needed)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=past is None)
        return self._out(y), (k, v)

    def forward_static(self, x: Any, cos: Any, sin: Any, input_pos: Any) -> Any:
        q, k, v = self._qkv(x, cos, sin)
        self.k_cache.index_copy_(2, input_pos, k)
        self.v_cache.index_copy_(2, input_pos, v)
        if x.shape[1] > 1:  # prefill, from position 0: causal attention over the prompt itself
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:  # one token: attend to the cache up to and including its position
            visible = torch.arange(self.k_cache.shape[2], device=x.device) <= input_pos
            y = F.scaled_dot_product_attention(q, self.k_cache, self.v_cache, attn_mask=visible.view(1, 1, 1, -1))
        return self._out(y)


class Block(_Module):
    """One pre-norm decoder layer: ``x + attn(norm(x))``, then ``+ mlp(norm(·))``."""

    def __init__(self, cfg: LlamaConfig) -> None:
        super().__init__()
        self.attn_norm = RMSNorm(cfg.hidden, cfg.norm_eps)
        self.attn = Attention(cfg)
        self.mlp_norm = RMSNorm(cfg.hidden, cfg.norm_eps)
        self.mlp = SwiGLU(cfg.hidden, cfg.mlp)

    def finish(self, x: Any, attn_out: Any) -> Any:
        """Add the attention output to the residual stream, then the MLP's."""
        h = x + attn_out
        return h + self.mlp(self.mlp_norm(h))


class Llama(_Module):
    """Decoder-only Llama: embedding, blocks, final RMSNorm, untied LM head; greedy inference entry points."""

    def __init__(self, cfg: LlamaConfig, max_positions: int) -> None:
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab, cfg.hidden)
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.layers)])
        self.norm = RMSNorm(cfg.hidden, cfg.norm_eps)
        self.lm_head = nn.Linear(cfg.hidden, cfg.vocab, bias=False)
        cos, sin = rotary_tables(cfg.head_dim, max_positions, cfg.rope_theta)
        self.register_buffer("rope_cos", cos, persistent=False)
        self.register_buffer("rope_sin", sin, persistent=False)

    def forward(self, tokens: Any) -> Any:
        """Logits (batch, tokens, vocab) of a training forward pass (causal, no cache)."""
        t = tokens.shape[1]
        cos, sin = self.rope_cos[:t], self.rope_sin[:t]
        x = self.embed(tokens)
        for blk in self.blocks:
            x = blk.finish(x, blk.attn(blk.attn_norm(x), cos, sin))
        return self.lm_head(self.norm(x))

    def forward_dynamic(self, tokens: Any, past: list[tuple[Any, Any]] | None) -> tuple[Any, list[tuple[Any, Any]]]:
        """Logits and the grown cache; ``past`` is None for the prompt (eager path)."""
        start = 0 if past is None else past[0][0].shape[2]
        end = start + tokens.shape[1]
        cos, sin = self.rope_cos[start:end], self.rope_sin[start:end]
        x, new_past = self.embed(tokens), []
        for i, blk in enumerate(self.blocks):
            a, kv = blk.attn.forward_dynamic(blk.attn_norm(x), cos, sin, None if past is None else past[i])
            x = blk.finish(x, a)
            new_past.append(kv)
        return self.lm_head(self.norm(x)), new_past

    def setup_static_cache(self, batch: int, max_tokens: int) -> None:
        """Allocate every layer's (batch, heads, max_tokens, head_dim) key and value buffers (tuned path)."""
        p = self.lm_head.weight
        for blk in self.blocks:
            shape = (batch, blk.attn.heads, max_tokens, blk.attn.head_dim)
            blk.attn.k_cache = torch.zeros(shape, dtype=p.dtype, device=p.device)
            blk.attn.v_cache = torch.zeros(shape, dtype=p.dtype, device=p.device)

    def drop_static_cache(self) -> None:
        """Free the static cache buffers."""
        for blk in self.blocks:
            blk.attn.k_cache = blk.attn.v_cache = None

    def forward_static(self, tokens: Any, input_pos: Any) -> Any:
        """Logits of ``tokens`` at positions ``input_pos`` (a tensor), written into the static cache."""
        cos, sin = self.rope_cos[input_pos], self.rope_sin[input_pos]
        x = self.embed(tokens)
        for blk in self.blocks:
            x = blk.finish(x, blk.attn.forward_static(blk.attn_norm(x), cos, sin, input_pos))
        return self.lm_head(self.norm(x))


def build_model(cfg: LlamaConfig, device: str, dtype: Any, max_positions: int, seed: int = 0) -> Llama:
    """A randomly initialised :class:`Llama` on ``device`` in ``dtype`` (FLOPs do not depend on the values)."""
    torch.manual_seed(seed)
    with torch.device(device):
        model = Llama(cfg, max_positions)
    return model.to(dtype)


def model_param_counts(model: Llama) -> tuple[int, int]:
    """(all parameters, parameters without the input embedding) of a built model."""
    total = sum(p.numel() for p in model.parameters())
    return total, total - model.embed.weight.numel()


# --- timing -------------------------------------------------------------------------------------------------
def synchronize(device: str) -> None:
    """Wait for queued GPU work (no-op on the CPU)."""
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def time_s(fn: Callable[[], Any], device: str, repeats: int, warmup: int) -> list[float]:
    """Seconds per call of ``fn`` for ``repeats`` calls after ``warmup`` untimed ones, synchronised each side."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        synchronize(device)
        start = time.perf_counter()
        fn()
        synchronize(device)
        times.append(time.perf_counter() - start)
    return times


@dataclass(frozen=True)
class Shapes:
    """Workload sizes: matmul side, training batch × sequence, generation prompt, new tokens and batches."""

    matmul_n: int
    matmul_inner: int          # multiplies per timed repetition
    train_batch: int
    train_seq: int
    prompt_tokens: int
    new_tokens: int
    infer_batches: tuple[int, ...]


GPU_SHAPES = Shapes(matmul_n=8192, matmul_inner=10, train_batch=8, train_seq=2048, prompt_tokens=512,
                    new_tokens=128, infer_batches=(1, 8, 64, 256))
CPU_SHAPES = Shapes(matmul_n=512, matmul_inner=4, train_batch=2, train_seq=64, prompt_tokens=32,
                    new_tokens=8, infer_batches=(1, 4))


def measure_matmul(device: str, dtype: Any, shapes: Shapes, repeats: int) -> tuple[float, float]:
    """(mean TFLOPS, best single repetition's TFLOPS) of ``shapes.matmul_inner`` n×n×n multiplies."""
    n = shapes.matmul_n
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    c = torch.empty(n, n, device=device, dtype=dtype)

    def run() -> None:
        for _ in range(shapes.matmul_inner):
            torch.mm(a, b, out=c)

    times = time_s(run, device, repeats=max(repeats, 5), warmup=3)
    flops = matmul_flops(n, n, n) * shapes.matmul_inner
    return tflops_from(flops, statistics.mean(times)), tflops_from(flops, min(times))


def measure_copy_bandwidth_tb_s(device: str, repeats: int) -> float:
    """Memory bandwidth measured by copying a large buffer (bytes read + bytes written) / mean time, TB/s."""
    n_bytes = (1 << 30) if device.startswith("cuda") else (1 << 26)
    src = torch.empty(n_bytes // 4, dtype=torch.float32, device=device).fill_(1.0)
    dst = torch.empty_like(src)
    times = time_s(lambda: dst.copy_(src), device, repeats=max(repeats, 3), warmup=2)
    return 2 * n_bytes / statistics.mean(times) / 1e12


def make_optimizer(model: Llama, path: str, device: str) -> Any:
    """AdamW: default (foreach) implementation on the eager path, fused kernel on the tuned path on CUDA."""
    fused = path == "tuned" and device.startswith("cuda")
    return torch.optim.AdamW(model.parameters(), lr=1e-5, fused=fused or None)


def measure_train(cfg: LlamaConfig, device: str, dtype: Any, path: str, shapes: Shapes, repeats: int,
                  compile_model: bool, backend: str) -> float:
    """Training tokens/s: mean time of full AdamW steps (forward, float32 cross-entropy, backward, step)."""
    model = build_model(cfg, device, dtype, max_positions=shapes.train_seq)
    forward = torch.compile(model, backend=backend) if path == "tuned" and compile_model else model
    opt = make_optimizer(model, path, device)
    gen = torch.Generator(device=device).manual_seed(1)
    batch = torch.randint(0, cfg.vocab, (shapes.train_batch, shapes.train_seq + 1), device=device, generator=gen)
    inputs, targets = batch[:, :-1], batch[:, 1:]

    def step() -> None:
        logits = forward(inputs)
        loss = F.cross_entropy(logits.float().reshape(-1, cfg.vocab), targets.reshape(-1))
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    times = time_s(step, device, repeats=repeats, warmup=3)
    return shapes.train_batch * shapes.train_seq / statistics.mean(times)


@dataclass(frozen=True)
class Generation:
    """Greedy generation split in two: ``prefill()`` → state, ``decode(state)`` → tokens (batch, new_tokens)."""

    prefill: Callable[[], Any]
    decode: Callable[[Any], Any]

    def generate(self) -> Any:
        """The whole generation: prefill, then the decode steps."""
        return self.decode(self.prefill())


def eager_generation(model: Llama, prompt: Any, new_tokens: int) -> Generation:
    """The eager path, as Hugging Face ``generate``: dynamic KV cache grown by concatenation.

    Prefill (one forward pass over the prompt, full logits) gives the first token; ``new_tokens − 1`` decode
    steps give the rest.
    """

    def prefill() -> Any:
        logits, past = model.forward_dynamic(prompt, None)
        return logits[:, -1].argmax(-1, keepdim=True), past

    def decode(state: Any) -> Any:
        token, past = state
        out = [token]
        for _ in range(new_tokens - 1):
            logits, past = model.forward_dynamic(token, past)
            token = logits[:, -1].argmax(-1, keepdim=True)
            out.append(token)
        return torch.cat(out, dim=1)

    return Generation(prefill, decode)


def _prefill_static(model: Llama, prompt: Any, positions: Any) -> Any:
    """Prompt forward pass into the static cache; the first generated token."""
    return model.forward_static(prompt, positions)[:, -1].argmax(-1, keepdim=True)


def _decode_static(model: Llama, token: Any, input_pos: Any) -> Any:
    """One decode step on the static cache; the next token."""
    return model.forward_static(token, input_pos)[:, -1].argmax(-1, keepdim=True)


def tuned_generation(model: Llama, prompt: Any, new_tokens: int, compile_model: bool, backend: str) -> Generation:
    """The tuned path: static KV cache, compiled prefill and decode step.

    The decode step is compiled with ``fullgraph=True``; on CUDA with the inductor backend it uses
    ``mode="reduce-overhead"`` (CUDA graphs), whose outputs are cloned before the next replay overwrites them.
    The caller must have called ``model.setup_static_cache(batch, prompt + new_tokens)``.
    """
    device = prompt.device
    cuda_graphs = compile_model and device.type == "cuda" and backend == "inductor"
    prefill_fn, decode_fn = _prefill_static, _decode_static
    if compile_model:
        for blk in model.blocks:  # cache buffers keep their addresses, so CUDA graphs need not copy them
            torch._dynamo.mark_static_address(blk.attn.k_cache)
            torch._dynamo.mark_static_address(blk.attn.v_cache)
        prefill_fn = torch.compile(_prefill_static, backend=backend, dynamic=False)
        decode_fn = torch.compile(_decode_static, backend=backend, fullgraph=True, dynamic=False,
                                  **({"mode": "reduce-overhead"} if cuda_graphs else {}))
    positions = torch.arange(prompt.shape[1], device=device)

    def prefill() -> Any:
        return prefill_fn(model, prompt, positions).clone()

    def decode(token: Any) -> Any:
        out = [token]
        input_pos = torch.tensor([prompt.shape[1]], device=device)
        for _ in range(new_tokens - 1):
            if cuda_graphs:
                torch.compiler.cudagraph_mark_step_begin()
            token = decode_fn(model, token, input_pos).clone()
            input_pos += 1
            out.append(token)
        return torch.cat(out, dim=1)

    return Generation(prefill, decode)


def time_generation(gen: Generation, device: str, repeats: int, warmup: int) -> tuple[float, float]:
    """Mean (prefill seconds, generate seconds) over ``repeats`` generations after ``warmup`` untimed ones.

    Each generation is timed whole and with a synchronised mark after its prefill, so "generate − prefill"
    (the decode time) comes from the same run and cannot go negative on a noisy machine.
    """
    for _ in range(warmup):
        gen.generate()
    prefill_s, generate_s = [], []
    for _ in range(repeats):
        synchronize(device)
        start = time.perf_counter()
        state = gen.prefill()
        synchronize(device)
        mark = time.perf_counter()
        gen.decode(state)
        synchronize(device)
        prefill_s.append(mark - start)
        generate_s.append(time.perf_counter() - start)
    return statistics.mean(prefill_s), statistics.mean(generate_s)


def measure_generation(model: Llama, path: str, batch: int, shapes: Shapes, repeats: int, compile_model: bool,
                       backend: str) -> tuple[float, float]:
    """(prefill tokens/s, decode tokens/s) of greedy generation at one batch size.

    Prefill = the forward pass over the prompt (``batch × prompt`` tokens); decode = (generate time − prefill
    time) spread over ``batch × new_tokens`` tokens, as in the H100 file (generate = prefill + new_tokens − 1
    decode steps).
    """
    device = str(model.lm_head.weight.device)
    gen = torch.Generator(device=device).manual_seed(2)
    prompt = torch.randint(0, model.cfg.vocab, (batch, shapes.prompt_tokens), device=device, generator=gen)
    with torch.no_grad():
        if path == "eager":
            generation = eager_generation(model, prompt, shapes.new_tokens)
        else:
            if compile_model:
                torch._dynamo.reset()  # fresh graphs (and CUDA graphs) for each batch size
            model.setup_static_cache(batch, shapes.prompt_tokens + shapes.new_tokens)
            generation = tuned_generation(model, prompt, shapes.new_tokens, compile_model, backend)
        prefill_s, generate_s = time_generation(generation, device, repeats, warmup=2)
        model.drop_static_cache()
    return (batch * shapes.prompt_tokens / prefill_s,
            decode_tokens_per_s(batch, shapes.new_tokens, generate_s, prefill_s))


# --- the run ----------------------------------------------------------------------------------------------------
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


def cuda_driver_version() -> str | None:
    """The NVIDIA driver version from ``nvidia-smi``, else torch's CUDA driver API version, else None."""
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=30, check=True)
        if out.stdout.strip():
            return out.stdout.strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        version = torch._C._cuda_getDriverVersion()
    except (AttributeError, RuntimeError):
        return None
    return f"CUDA driver API {version // 1000}.{version % 1000 // 10}" if version else None


def cpu_name() -> str:
    """The CPU's model name (from /proc/cpuinfo where there is one) and torch's thread count."""
    name = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"CPU {name} ({torch.get_num_threads()} threads)"


def device_name(device: str) -> str:
    """What the ``device`` column says: the GPU's reported name, or the CPU's."""
    return torch.cuda.get_device_name(device) if device.startswith("cuda") else cpu_name()


def run_info(device: str, best_matmul_tflops: float, repeats: int) -> RunInfo:
    """The shared columns of a run; peak and bandwidth from the datasheet when the GPU is listed, else measured."""
    name = device_name(device)
    sheet = datasheet_for(name) if device.startswith("cuda") else None
    section = f"helpers.gpu_measure run on {name}"
    if sheet is None:
        peak, basis = best_matmul_tflops, "measured_matmul"
        bandwidth = measure_copy_bandwidth_tb_s(device, repeats)
        section += "; peak = best measured matmul, bandwidth = measured copy (no datasheet)"
    else:
        peak, basis, bandwidth = sheet.peak_tflops_bf16, "datasheet", sheet.mem_bandwidth_tb_s
    now = dt.datetime.now(dt.timezone.utc)
    return RunInfo(stamp=now.strftime("%Y%m%dT%H%M%SZ"), run_date=now.date().isoformat(), device=name,
                   driver=cuda_driver_version() if device.startswith("cuda") else None,
                   torch_version=torch.__version__, commit=git_commit(), peak_tflops=peak, peak_basis=basis,
                   mem_bandwidth_tb_s=bandwidth, source_section=section)


def finish_row(info: RunInfo, path: str, fields: Row) -> Row:
    """A complete measured row: the run's shared columns, an id, and ``fields``."""
    label = _slug(str(fields.get("model") or "")).removeprefix(f"{fields['kind']}_")
    mid = f"run_{info.stamp}_{path}_{fields['kind']}_{label}" + (f"_b{fields['batch']}" if fields.get("batch") else "")
    return make_row(measurement_id=mid, run_date=info.run_date, device=info.device, driver=info.driver,
                    torch_version=info.torch_version, commit=info.commit, path=path, peak_tflops=info.peak_tflops,
                    peak_basis=info.peak_basis, mem_bandwidth_tb_s=info.mem_bandwidth_tb_s,
                    source_id=MEASURED_SOURCE_ID, source_section=info.source_section, **fields)


def _report(row: Row) -> None:
    """One progress line on stderr."""
    what = " ".join(str(row[c]) for c in ("path", "kind", "model") if row[c])
    speed = f"{row['tokens_per_s']:.6g} tokens/s" if row["tokens_per_s"] else f"{row['achieved_tflops']:.4g} TFLOPS"
    batch = f" batch {row['batch']}" if row["batch"] else ""
    print(f"{what}{batch}: {speed}, {row['mfu']:.2%} of {row['peak_tflops']:.4g} TFLOPS ({row['peak_basis']})",
          file=sys.stderr, flush=True)


def measure(device: str, tiny: bool, paths: Sequence[str], repeats: int, compile_model: bool = True,
            backend: str = "inductor", kinds: Sequence[str] = ("matmul", "train", "infer"),
            shapes: Shapes | None = None) -> list[Row]:
    """Every measurement of one run as rows, in order: matmul, then train per size, then inference per batch.

    The matmul row is recorded (path ``eager``: a plain ``torch.mm``) when asked for or when it is the peak.
    """
    if torch is None:
        raise RuntimeError("helpers.gpu_measure needs torch to measure; only its formulas work without it")
    cuda = device.startswith("cuda")
    if cuda and not torch.cuda.is_available():
        raise RuntimeError("--device cuda asked for, but torch sees no CUDA device")
    shapes = shapes or (GPU_SHAPES if cuda else CPU_SHAPES)
    dtype = torch.bfloat16 if cuda else torch.float32
    bytes_per_param = torch.tensor([], dtype=dtype).element_size()
    mean_tf, best_tf = measure_matmul(device, dtype, shapes, repeats)
    info = run_info(device, best_tf, repeats)
    rows: list[Row] = []

    def add(path: str, fields: Row) -> None:
        rows.append(finish_row(info, path, fields))
        _report(rows[-1])

    if "matmul" in kinds or info.peak_basis == "measured_matmul":
        add("eager", dict(kind="matmul", model=matmul_label(shapes.matmul_n, str(dtype).removeprefix("torch.")),
                          achieved_tflops=mean_tf, mfu=mean_tf / info.peak_tflops))
    train_cfgs = [TINY] if tiny else list(CONFIGS.values())
    if "train" in kinds:
        for cfg in train_cfgs:
            params, nonembed = llama_param_counts(cfg)
            for path in paths:
                tps = measure_train(cfg, device, dtype, path, shapes, repeats, compile_model, backend)
                add(path, _train_fields(cfg, params, nonembed, shapes.train_batch, shapes.train_seq, tps,
                                        info.peak_tflops))
                _free(device)
    if "infer" in kinds:
        cfg = TINY if tiny else CONFIGS[INFERENCE_MODEL]
        params, nonembed = llama_param_counts(cfg)
        model = build_model(cfg, device, dtype, max_positions=shapes.prompt_tokens + shapes.new_tokens)
        model.eval()
        for path in paths:
            for batch in shapes.infer_batches:
                prefill_tps, decode_tps = measure_generation(model, path, batch, shapes, repeats, compile_model,
                                                             backend)
                for kind, tps in (("prefill", prefill_tps), ("decode", decode_tps)):
                    add(path, _infer_fields(kind, cfg, params, nonembed, batch, shapes.prompt_tokens,
                                            shapes.new_tokens, tps, info.peak_tflops, info.mem_bandwidth_tb_s,
                                            bytes_per_param))
                _free(device)
        del model
    return rows


def _free(device: str) -> None:
    """Drop compiled graphs (they hold their model) and return cached GPU memory between workloads."""
    torch._dynamo.reset()
    gc.collect()
    if device.startswith("cuda"):
        torch.cuda.empty_cache()


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    p = argparse.ArgumentParser(prog="python -m helpers.gpu_measure", description=__doc__.splitlines()[0])
    p.add_argument("--device", choices=("cuda", "cpu"), default=None,
                   help="cuda when torch sees a GPU, else cpu")
    p.add_argument("--tiny", action="store_true", help=f"the tiny model ({TINY.layers} layers, hidden {TINY.hidden}, "
                                                       f"vocab {TINY.vocab}) instead of the three sizes")
    p.add_argument("--paths", default="eager,tuned", help="comma-separated subset of eager,tuned")
    p.add_argument("--kinds", default="matmul,train,infer", help="comma-separated subset of matmul,train,infer "
                   "(infer gives the prefill and decode rows)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="CSV to append to (created with its header)")
    p.add_argument("--repeats", type=int, default=5, help="timed repetitions per measurement (mean reported)")
    p.add_argument("--no-compile", dest="compile_model", action="store_false",
                   help="tuned path without torch.compile (static KV cache and fused AdamW only)")
    p.add_argument("--compile-backend", default="inductor",
                   help="torch.compile backend (inductor; 'eager' or 'aot_eager' check the tracing only)")
    args = p.parse_args(argv)
    args.paths = _choices(p, "--paths", args.paths, PATHS)
    args.kinds = _choices(p, "--kinds", args.kinds, ("matmul", "train", "infer"))
    if args.repeats < 1:
        p.error("--repeats must be at least 1")
    if torch is None:
        p.error("measuring needs torch (pip install torch); only the formulas work without it")
    if args.device is None:
        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    if args.device == "cuda" and not torch.cuda.is_available():
        p.error("--device cuda: torch sees no CUDA device (use --device cpu to measure the CPU)")
    return args


def _choices(parser: argparse.ArgumentParser, option: str, value: str, allowed: Sequence[str]) -> tuple[str, ...]:
    """A comma-separated option as a tuple, each item checked against ``allowed``."""
    items = tuple(v.strip() for v in value.split(",") if v.strip())
    bad = [v for v in items if v not in allowed]
    if bad or not items:
        parser.error(f"{option} {value!r}: choose from {', '.join(allowed)}")
    return items


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, append the rows to ``--out``, print where they went."""
    args = parse_args(argv)
    rows = measure(args.device, args.tiny, args.paths, args.repeats, args.compile_model, args.compile_backend,
                   args.kinds)
    count = append_rows(args.out, rows)
    print(f"{count} rows appended to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
