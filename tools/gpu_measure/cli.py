"""``python -m tools.gpu_measure``: parse the options, measure, append the rows to the CSV.

Parsing needs only the standard library; measuring needs torch (the project's ``gpu`` group), which is
imported once the options are valid, so a missing torch is one clear message rather than a traceback.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import tools.gpu_measure as package
from tools.gpu_measure.formulas import TINY
from tools.gpu_measure.rows import DEFAULT_OUT, PATHS, append_rows

NO_TORCH = ("measuring needs torch, which the book's install leaves out: `make gpu` (or `make test WITH_GPU=1`) "
            "adds the project's gpu group; the formulas and the JSONL reader work without it")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options (see the package docstring)."""
    p = argparse.ArgumentParser(prog="python -m tools.gpu_measure", description=package.__doc__.splitlines()[0])
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
    try:
        import torch
    except ModuleNotFoundError:
        p.error(NO_TORCH)
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
    from tools.gpu_measure import bench  # torch: parse_args has checked that it imports

    rows = bench.measure(args.device, args.tiny, args.paths, args.repeats, args.compile_model,
                         args.compile_backend, args.kinds)
    count = append_rows(args.out, rows)
    print(f"{count} rows appended to {args.out}", file=sys.stderr)
    return 0
