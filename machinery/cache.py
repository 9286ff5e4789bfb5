"""Jupyter Book's execution cache, brought up to date with every chapter's inputs (``prepare``, the build's first
step), and ``make notebooks`` (``execute_in_place``).

``jupyter-book build`` calls ``prepare`` (from ``book/_ext``) before Sphinx looks for outdated pages; ``make book``
also starts it in the background (``python -m machinery.build --prepare``) so stale chapters execute while Sphinx
starts up. It holds a lock (``_build/.deps/.lock``), so the build's own call waits and then finds every chapter
current. ``BOOK_NO_SEED=1`` makes a build execute where it would take committed outputs.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from helpers.paths import ROOT, write_atomic
from machinery import pictures
from machinery.execute import ChapterFailed, ChaptersFailed, default_workers, execute
from machinery.inputs import (
    METADATA_KEY,
    NO_SEED,
    Inputs,
    chapters,
    committed_inputs,
    inputs_sha256,
    is_current,
    read_notebook,
)
from machinery.records import BuildDirs, _dirs, docname, plan, record_path

if TYPE_CHECKING:
    from nbformat import NotebookNode

def _cache(dirs: BuildDirs):
    from jupyter_cache import get_cache

    return get_cache(str(dirs.cache.resolve()))


def store(chapter: Path, nb: NotebookNode, inputs: Inputs, how: str, root: Path = ROOT,
          dirs: BuildDirs | None = None, seconds: float | None = None) -> None:
    """Put a chapter's executed notebook in Jupyter Book's execution cache, replacing what it held for the same
    code, and write the chapter's build record (which makes Sphinx re-read the page)."""
    from jupyter_cache.base import CacheBundleIn

    dirs = _dirs(dirs, root)
    data = {"execution_seconds": seconds} if seconds is not None else {}
    cached = _cache(dirs).cache_notebook_bundle(CacheBundleIn(nb, str(chapter.resolve()), data=data),
                                                check_validity=False, overwrite=True)
    record = {"inputs": inputs.as_json(), "how": how, "cache_key": cached.hashkey,
              "notebook_sha256": hashlib.sha256(chapter.read_bytes()).hexdigest()}
    write_atomic(record_path(chapter, root, dirs), json.dumps(record, indent=1) + "\n")


def seed_cache(chapter_paths: Iterable[Path], root: Path = ROOT, dirs: BuildDirs | None = None) -> None:
    """Cache the committed notebooks as they are (only chapters whose committed inputs are current)."""
    import nbformat

    for chapter in chapter_paths:
        nb = nbformat.read(chapter, as_version=4)
        inputs = committed_inputs(nb)
        if inputs is None or not is_current(nb, inputs, root):
            raise ValueError(f"{chapter}: the committed outputs are not those of its current inputs")
        store(chapter, nb, inputs, "committed notebook", root, dirs)
        pictures.seed(nb, nb.metadata.get(METADATA_KEY, {}).get("pictures"))    # its charts, not drawn again


def forget(chapter: Path, root: Path = ROOT, dirs: BuildDirs | None = None) -> None:
    """Drop a chapter's cached outputs and build record (after it failed, so no page is built from stale ones)."""
    import nbformat

    dirs = _dirs(dirs, root)
    record_path(chapter, root, dirs).unlink(missing_ok=True)
    cache = _cache(dirs)
    try:
        cache.remove_cache(cache.match_cache_notebook(nbformat.read(chapter, as_version=4)).pk)
    except KeyError:
        pass


def prepare(root: Path = ROOT, dirs: BuildDirs | None = None, *, timeout: int | None = 300,
            allow_errors: bool = False, workers: int | None = None, seed: bool | None = None,
            log: Callable[[str], object] = print, hand_over: bool = False) -> dict[Path, str]:
    """Bring the execution cache up to date with every chapter's inputs (the build's first step); returns the
    plan it carried out. ``seed=None`` seeds unless the environment sets ``BOOK_NO_SEED=1``. ``hand_over=True``
    (make book's background step) leaves each failure for the next call to report without executing it again.

    Raises ``ChaptersFailed`` after every stale chapter was tried, when any failed.
    """
    dirs = _dirs(dirs, root)
    with locked(dirs, log):
        return _prepare(root, dirs, timeout, allow_errors, workers, seed, log, hand_over)


@contextlib.contextmanager
def locked(dirs: BuildDirs, log: Callable[[str], object], name: str = ".lock",
            waiting_for: str = "the chapters executing") -> Iterator[None]:
    """Hold ``<records>/<name>`` (``.lock``: one ``prepare`` at a time per build folder; ``.kit-lock``: one kit
    publication); say so when waiting for another process."""
    dirs.records.mkdir(parents=True, exist_ok=True)
    with open(dirs.records / name, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"waiting for {waiting_for} in the background (make book's machinery.build --prepare)")
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _prepare(root: Path, dirs: BuildDirs, timeout: int | None, allow_errors: bool, workers: int | None,
             seed: bool | None, log: Callable[[str], object], hand_over: bool = False) -> dict[Path, str]:
    seed = os.environ.get(NO_SEED) != "1" if seed is None else seed
    actions = plan(chapters(root), root, dirs, seed)
    to_seed = [c for c, a in actions.items() if a == "seed"]
    to_run = [c for c, a in actions.items() if a == "execute"]
    if to_seed:
        seed_cache(to_seed, root, dirs)
        log("outputs from the committed notebooks (inputs unchanged): " + ", ".join(c.stem for c in to_seed))
    if not to_run:
        if not to_seed:
            log(f"every chapter's cached outputs are current ({len(actions)} chapters)")
        return actions
    known = _handed_over(dirs, to_run, root)       # failed moments ago in make book's background step
    to_run = [c for c in to_run if c not in known]
    done, failed = [], list(known.values())
    if to_run:
        n = min(workers or default_workers(), len(to_run))
        log(f"executing {len(to_run)} chapter(s) whose inputs changed, {n} at a time: " + ", ".join(c.stem for c in to_run))
        done, failed_now = execute(to_run, n, root, timeout, allow_errors)
        failed += failed_now
        if hand_over:
            _hand_over(dirs, failed_now, root)
    for ex in done:
        store(ex.chapter, ex.notebook, ex.inputs, "executed in the build", root, dirs, ex.seconds)
        log(f"executed {docname(ex.chapter, root)} in {ex.seconds:.1f} s")
    for err in failed:
        forget(err.chapter, root, dirs)
    if failed:
        raise ChaptersFailed(failed)
    return actions


# make book's background step and Jupyter Book's own call of prepare run one after the other on the same inputs: a
# chapter that failed in the first is handed to the second with its error instead of being executed twice.
HANDED_OVER = "failed-in-background.json"


def _failure_key(chapter: Path, root: Path) -> str:
    """The notebook's code and the files its committed record names, as they are now."""
    nb = read_notebook(chapter)
    inputs = committed_inputs(nb)
    return inputs_sha256(nb, inputs.files if inputs else [], root)


def _hand_over(dirs: BuildDirs, failed: list[ChapterFailed], root: Path) -> None:
    write_atomic(dirs.records / HANDED_OVER, json.dumps(
        {docname(f.chapter, root): {"key": _failure_key(f.chapter, root), "message": f.message} for f in failed}))


def _handed_over(dirs: BuildDirs, chapters_: list[Path], root: Path) -> dict[Path, ChapterFailed]:
    """The failures the background step handed over for these chapters, on unchanged inputs (read once)."""
    path = dirs.records / HANDED_OVER
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    path.unlink(missing_ok=True)
    return {c: ChapterFailed(c, known[d]["message"]) for c in chapters_
            if (d := docname(c, root)) in known and known[d]["key"] == _failure_key(c, root)}


# --- make notebooks ----------------------------------------------------------------------------------------
def execution_settings(root: Path = ROOT) -> dict:
    """The ``execute:`` section of ``_config.yml`` (``timeout``, ``allow_errors``)."""
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    return config.get("execute") or {}


def execute_in_place(paths: list[Path], root: Path = ROOT, workers: int | None = None) -> int:
    """``make notebooks``: execute notebooks (default: every chapter) and write them back with their outputs and
    their inputs record. Returns the exit status."""
    import nbformat

    paths = paths or chapters(root)
    settings = execution_settings(root)
    n = min(workers or default_workers(), len(paths))
    print(f"executing {len(paths)} notebook(s), {n} at a time", flush=True)
    done, failed = execute(paths, n, root, settings.get("timeout", 30), settings.get("allow_errors", False))
    for ex in done:
        ex.notebook.metadata[METADATA_KEY] = {"inputs": ex.inputs.as_json(), "pictures": pictures.record()}
        nbformat.write(ex.notebook, ex.chapter)
        print(f"  {docname(ex.chapter, root)}: {ex.seconds:.1f} s, {len(ex.inputs.files)} input files")
    for err in failed:
        print(f"\nFAILED {err}", file=sys.stderr)
    return 1 if failed else 0


FAILED = "failed.txt"      # in <records>: one line per chapter that failed in the last build, read by make book


def record_failures(dirs: BuildDirs, failed: ChaptersFailed | None) -> None:
    """Write (or clear) the one-line summary of each failed chapter, with the full tracebacks beside it."""
    path = dirs.records / FAILED
    if failed is None:
        path.unlink(missing_ok=True)
        return
    write_atomic(path, "\n".join(f.summary() for f in failed.failed) + "\n")
    write_atomic(path.with_suffix(".log"), str(failed) + "\n")
