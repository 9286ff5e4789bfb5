"""Measure what share of its peak a GPU reaches in LLM training and inference (and convert the H100 file).

The report assumes training runs at 50 % of a GPU's peak FLOPs and inference at 25 %. This program measures
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

Run it with ``python -m tools.gpu_measure [--device cuda|cpu] [--tiny] [--paths eager,tuned]
[--out data/gpu_measurements.csv] [--repeats N] [--no-compile]``. On a CPU (``--device cpu``, add
``--tiny`` for a 2-layer model) it measures the CPU honestly: the peak is then the best measured matmul
(``peak_basis`` = ``measured_matmul``), never a datasheet figure, and the device column names the CPU.

Two halves. Standard library only, and imported here, so ``from tools import gpu_measure`` never needs torch:
:mod:`~tools.gpu_measure.formulas` (datasheets, model sizes, FLOP, MFU and roofline formulas),
:mod:`~tools.gpu_measure.rows` (the CSV's columns, row builders, appending) and
:mod:`~tools.gpu_measure.jsonl` (the committed H100 file as rows). Needing torch, the project's ``gpu``
group (``make gpu``; the book's own install has no torch): :mod:`~tools.gpu_measure.model` (the Llama),
:mod:`~tools.gpu_measure.bench` (timing, the run) and :mod:`~tools.gpu_measure.cli` (the command line).
"""
from tools.gpu_measure.formulas import (
                                          CONFIGS,
                                          CPU_SHAPES,
                                          DATASHEETS,
                                          GPU_SHAPES,
                                          INFERENCE_MODEL,
                                          TINY,
                                          Datasheet,
                                          LlamaConfig,
                                          Shapes,
                                          achieved_tflops,
                                          datasheet_for,
                                          decode_bytes_per_step,
                                          decode_roofline,
                                          decode_roofline_tokens_per_s,
                                          decode_tokens_per_s,
                                          inference_flops_per_token,
                                          inference_mfu,
                                          kv_cache_bytes,
                                          llama_param_counts,
                                          matmul_flops,
                                          mean_decode_context_tokens,
                                          model_flops_utilization,
                                          tflops_from,
                                          train_flops_per_token,
                                          train_flops_per_token_6n,
                                          train_mfu,
                                          train_mfu_6n_only,
)
from tools.gpu_measure.jsonl import H100_DEVICE, H100_JSONL, H100_RUN_DATE, H100_SHEET, H100_SOURCE_ID, rows_from_jsonl
from tools.gpu_measure.rows import (
                                          CSV_HEADER,
                                          DEFAULT_OUT,
                                          KINDS,
                                          MEASURED_SOURCE_ID,
                                          PATHS,
                                          PEAK_BASES,
                                          Row,
                                          RunInfo,
                                          append_rows,
                                          finish_row,
                                          infer_fields,
                                          make_row,
                                          matmul_label,
                                          train_fields,
)

__all__ = [
    "CONFIGS", "CPU_SHAPES", "CSV_HEADER", "DATASHEETS", "DEFAULT_OUT", "GPU_SHAPES", "H100_DEVICE", "H100_JSONL",
    "H100_RUN_DATE", "H100_SHEET", "H100_SOURCE_ID", "INFERENCE_MODEL", "KINDS", "MEASURED_SOURCE_ID", "PATHS",
    "PEAK_BASES", "TINY", "Datasheet", "LlamaConfig", "Row", "RunInfo", "Shapes", "achieved_tflops",
    "append_rows", "datasheet_for", "decode_bytes_per_step", "decode_roofline", "decode_roofline_tokens_per_s",
    "decode_tokens_per_s", "finish_row", "inference_flops_per_token", "inference_mfu", "infer_fields",
    "kv_cache_bytes", "llama_param_counts", "make_row", "matmul_flops", "matmul_label",
    "mean_decode_context_tokens", "model_flops_utilization", "rows_from_jsonl", "tflops_from",
    "train_fields", "train_flops_per_token", "train_flops_per_token_6n", "train_mfu", "train_mfu_6n_only",
]
