"""Chapters executed in fresh kernels, several at a time, each in its own folder, as myst-nb would run them."""
from __future__ import annotations

import importlib
import json
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from helpers.kernels import ipc_kernel_manager
from helpers.paths import ROOT
from machinery.inputs import PROBE, Inputs, inputs_from_kernel

if TYPE_CHECKING:  # imported when needed: a build with nothing to execute never loads them
    import asyncio

    from nbformat import NotebookNode

@dataclass
class Executed:
    """A chapter run to completion: the notebook with its outputs, what it read, how long it took."""

    chapter: Path
    notebook: NotebookNode
    inputs: Inputs
    seconds: float


class ChapterFailed(Exception):
    """A chapter raised (or timed out); the message is the cell's error as nbclient reports it."""

    def __init__(self, chapter: Path, message: str) -> None:
        super().__init__(f"{chapter}: {message}")
        self.chapter = chapter
        self.message = message

    def summary(self) -> str:
        """One line: the chapter and the error's own last line (``DataError: data/x.csv, row 3, column …``)."""
        lines = [line.strip() for line in self.message.splitlines() if line.strip()]
        return f"{self.chapter.stem}: {lines[-1] if lines else 'failed'}"


class ChaptersFailed(Exception):
    """One or more chapters failed; the message holds each one's error."""

    def __init__(self, failed: list[ChapterFailed]) -> None:
        super().__init__("\n\n".join(str(f) for f in failed))
        self.failed = failed


def default_workers() -> int:
    """One kernel per CPU this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _failure(nb: NotebookNode, exc: Exception) -> str:
    """The failing cell (its number and first line) and the kernel's traceback, without terminal colours."""
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                tb = "\n".join(out.get("traceback", [])) or f"{out['ename']}: {out['evalue']}"
                tb = re.sub(r"\x1b\[[0-9;]*m", "", tb)
                first = (cell.source.strip().splitlines() or [""])[0]
                return f"cell {i} ({first!r}):\n{tb.strip()}"
    return str(exc)


async def _start_kernel(chapter: Path):
    """Start the chapter's kernel (its notebook's kernelspec) in the chapter's folder; returns its manager."""
    spec = json.loads(chapter.read_text(encoding="utf-8")).get("metadata", {}).get("kernelspec", {})
    km = ipc_kernel_manager()(kernel_name=spec.get("name") or "python3")
    await km.start_kernel(cwd=str(chapter.parent))
    return km


async def _stop_kernel(km, kc) -> None:
    """Stop a kernel that ran its last cell: SIGKILL (it holds nothing to save; a graceful shutdown waits about
    0.5 s while it tears its interpreter down), wait for the process in a thread, which returns the moment it is
    gone, then let the manager release the kernel's ports and connection file. Left to itself, the manager polls
    for the death every 0.1 s, and its first poll always comes too early."""
    import asyncio

    process = getattr(km.provisioner, "process", None)
    try:
        if process is not None:
            await km.provisioner.kill()
            await asyncio.get_running_loop().run_in_executor(None, process.wait)
        await km.shutdown_kernel(now=True)
    finally:
        if kc is not None:
            kc.stop_channels()


async def _execute_one(chapter: Path, root: Path, limit: asyncio.Semaphore, timeout: int | None,
                       allow_errors: bool) -> Executed:
    async with limit:
        start = time.perf_counter()
        # the kernel boots (most of a second) while this process loads nbclient and reads the notebook
        km = await _start_kernel(chapter)
        try:
            import nbformat
            from nbclient import NotebookClient
            from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

            nb = nbformat.read(chapter, as_version=4)
            # coalesce_streams: one output for a cell's prints, however the kernel happened to flush them, so a
            # re-executed notebook differs from the committed one only where a result did
            client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=allow_errors, record_timing=False,
                                    coalesce_streams=True, resources={"metadata": {"path": str(chapter.parent)}})
        except BaseException:
            await _stop_kernel(km, None)
            raise
        probe = nbformat.v4.new_code_cell(PROBE)
        nb.cells.append(probe)
        try:
            await client.async_execute(cleanup_kc=False)    # the kernel is stopped below, the moment it can be
        except CellExecutionError as exc:
            raise ChapterFailed(chapter, _failure(nb, exc)) from None
        except (CellTimeoutError, DeadKernelError) as exc:
            raise ChapterFailed(chapter, str(exc)) from None
        finally:
            nb.cells.remove(probe)
            await _stop_kernel(km, client.kc)
        seconds = time.perf_counter() - start
    stdout = "".join(o.get("text", "") for o in probe.outputs if o.get("name") == "stdout")
    return Executed(chapter, nb, inputs_from_kernel(nb, json.loads(stdout.strip().splitlines()[-1]), root), seconds)


def execute(chapter_paths: Iterable[Path], workers: int | None = None, root: Path = ROOT, timeout: int | None = 300,
            allow_errors: bool = False) -> tuple[list[Executed], list[ChapterFailed]]:
    """Execute chapters in fresh kernels (each notebook's own, ``python3`` here), at most ``workers`` at a time
    (default: one per CPU), each kernel in its chapter's folder; ``timeout`` is per cell, as in myst-nb.
    Returns the chapters that ran and those that failed (every chapter is tried)."""
    import asyncio

    async def run_all() -> list[Executed | BaseException]:
        limit = asyncio.Semaphore(workers or default_workers())
        # jupyter-cache (0.3 s of imports) loads in a thread while the kernels run, not after them: the build
        # stores the outputs, and Sphinx waits for them, as soon as the last kernel finishes
        preload = asyncio.get_running_loop().run_in_executor(None, importlib.import_module, "jupyter_cache.base")
        results = await asyncio.gather(*(_execute_one(c, root, limit, timeout, allow_errors) for c in chapter_paths),
                                       return_exceptions=True)
        await preload
        return results

    results = asyncio.run(run_all())
    for r in results:
        if isinstance(r, BaseException) and not isinstance(r, ChapterFailed):
            raise r
    return ([r for r in results if isinstance(r, Executed)],
            [r for r in results if isinstance(r, ChapterFailed)])
