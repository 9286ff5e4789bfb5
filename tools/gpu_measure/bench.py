"""The measurement program's timing: matmul, copy bandwidth, AdamW training steps, prefill and decode on the
eager and tuned paths, and :func:`measure`, which runs them all and returns the rows. Needs torch."""
from __future__ import annotations

import datetime as dt
import gc
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from tools.gpu_measure.formulas import (
    CONFIGS,
    CPU_SHAPES,
    GPU_SHAPES,
    INFERENCE_MODEL,
    TINY,
    LlamaConfig,
    Shapes,
    datasheet_for,
    decode_tokens_per_s,
    llama_param_counts,
    matmul_flops,
    tflops_from,
)
from tools.gpu_measure.model import Llama, build_model
from tools.gpu_measure.rows import Row, RunInfo, finish_row, git_commit, infer_fields, matmul_label, train_fields


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
    section = f"tools.gpu_measure run on {name}"
    if sheet is None:
        peak, basis = best_matmul_tflops, "measured_matmul"
        bandwidth = measure_copy_bandwidth_tb_s(device, repeats)
        section += "; peak = best measured matmul, bandwidth = measured copy (no datasheet)"
    else:
        peak, basis, bandwidth = sheet.peak_tflops_bf16, "datasheet", sheet.mem_bandwidth_tb_s
    now = dt.datetime.now(dt.UTC)
    return RunInfo(stamp=now.strftime("%Y%m%dT%H%M%SZ"), run_date=now.date().isoformat(), device=name,
                   driver=cuda_driver_version() if device.startswith("cuda") else None,
                   torch_version=torch.__version__, commit=git_commit(), peak_tflops=peak, peak_basis=basis,
                   mem_bandwidth_tb_s=bandwidth, source_section=section)


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
                add(path, train_fields(cfg, params, nonembed, shapes.train_batch, shapes.train_seq, tps,
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
                    add(path, infer_fields(kind, cfg, params, nonembed, batch, shapes.prompt_tokens,
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
