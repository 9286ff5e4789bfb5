"""Benchmark (not a test): prints JSON with build, execution, test-suite, size and sweep figures,
and the same builds for a floor book of trivial notebooks, as ratios against the targets.

    make bench        # or: .venv/bin/python tests/benchmark.py [--skip-tests]
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np
import yaml
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGETS = {"cold_ratio": 1.5, "warm_ratio": 1.2, "tests_s": 120, "largest_page_bytes": 1_500_000, "sweep_s": 0.1}


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def build(book: Path) -> float:
    return timed([str(BIN / "jupyter-book"), "build", str(book), "-W", "-n", "--keep-going"], book)


def toc_notebooks() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]


def floor_book(n: int) -> Path:
    """A book with n trivial notebooks that import pandas and altair, same theme and settings."""
    d = Path(tempfile.mkdtemp(prefix="floor-book-"))
    (d / "_config.yml").write_text("title: Floor\nonly_build_toc_files: true\nexecute:\n  execute_notebooks: cache\n")
    chapters = []
    for i in range(n):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# Chapter {i}"),
                                             nbformat.v4.new_code_cell(f"import pandas as pd\nimport altair as alt\nchapter = {i}  # distinct code: the cache keys on it\npd.__version__")])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, d / f"ch{i}.ipynb")
        chapters.append(f"  - file: ch{i}")
    (d / "intro.md").write_text("# Floor book\n")
    (d / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n" + "\n".join(chapters) + "\n")
    return d


def execution_seconds(nb_path: Path) -> float:
    nb = nbformat.read(nb_path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, resources={"metadata": {"path": str(nb_path.parent)}}).execute()
    return time.perf_counter() - start


def sweep_seconds(n: int = 1_000_000) -> float:
    sys.path.insert(0, str(ROOT))
    from helpers.formulas import costs

    rng = np.random.default_rng(0)
    u, price, tflops = rng.uniform(0.05, 1, n), rng.uniform(1, 50, n), rng.uniform(10, 2000, n)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        costs.sweep(u, price, tflops)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    skip_tests = "--skip-tests" in sys.argv
    notebooks = toc_notebooks()
    out: dict = {"notebooks": len(notebooks)}
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    out["cold_build_s"] = timed(["make", "--no-print-directory", "book"], ROOT)
    out["warm_build_s"] = timed(["make", "--no-print-directory", "book"], ROOT)
    out["notebook_execution_s"] = {nb.name: round(execution_seconds(nb), 2) for nb in notebooks}
    pages = [p for p in (ROOT / "_build" / "html").rglob("*.html") if "_static" not in p.parts]
    largest = max(pages, key=lambda p: p.stat().st_size)
    out["largest_page"] = {"path": str(largest.relative_to(ROOT / "_build" / "html")), "bytes": largest.stat().st_size}
    out["site_bytes"] = sum(p.stat().st_size for p in (ROOT / "_build" / "html").rglob("*") if p.is_file())
    s = sweep_seconds()
    out["sweep_1m_scenarios_s"] = round(s, 4)
    out["sweep_scenarios_per_s"] = round(1_000_000 / s)
    floor = floor_book(len(notebooks))
    out["floor_cold_build_s"] = build(floor)
    out["floor_warm_build_s"] = build(floor)
    shutil.rmtree(floor, ignore_errors=True)
    out["cold_ratio"] = round(out["cold_build_s"] / out["floor_cold_build_s"], 2)
    out["warm_ratio"] = round(out["warm_build_s"] / out["floor_warm_build_s"], 2)
    if not skip_tests:
        out["test_suite_s"] = timed([str(BIN / "python"), "-m", "pytest", "-q"], ROOT)
    for k in ("cold_build_s", "warm_build_s", "floor_cold_build_s", "floor_warm_build_s", "test_suite_s"):
        if k in out:
            out[k] = round(out[k], 2)
    out["targets"] = TARGETS
    out["meets_targets"] = {
        "cold_ratio": out["cold_ratio"] <= TARGETS["cold_ratio"],
        "warm_ratio": out["warm_ratio"] <= TARGETS["warm_ratio"],
        "test_suite_s": out.get("test_suite_s", 0) <= TARGETS["tests_s"],
        "largest_page_bytes": out["largest_page"]["bytes"] <= TARGETS["largest_page_bytes"],
        "sweep_s": out["sweep_1m_scenarios_s"] <= TARGETS["sweep_s"],
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
