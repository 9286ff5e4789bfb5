"""The measurement program's arithmetic: datasheets, model configurations, workload sizes and the FLOP,
MFU and roofline formulas. Standard library only: the book and the tests import it without torch."""
from __future__ import annotations

from dataclasses import dataclass


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


# --- workload sizes ---------------------------------------------------------------------------------
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


