"""Execute only the chapters whose inputs changed, in parallel, before Sphinx reads them.

Jupyter Book's execution cache (``execute_notebooks: cache``, jupyter-cache underneath) keys a
notebook on its code cells only, so it cannot see a changed CSV or helper. This module keys every
chapter on its *inputs*:

* its code cells and its kernel;
* the files it read: every table and descriptor loaded through ``helpers.data``
  (``helpers.data.files_read()``, asked of the chapter's kernel after the chapter ran);
* the ``helpers`` modules it imported (the ``helpers.*`` entries of the kernel's ``sys.modules``,
  found by their ``__file__``, wherever they live in the package);
* the book-wide dependencies: every lock file in ``requirements/`` and the dependency declarations of
  ``pyproject.toml``.

Each execution records the input files (repository-relative) and one sha256 over all of them: in
``_build/.deps/<docname>.json`` for a build, and in the notebook's ``metadata.book.inputs`` for the
committed notebooks (``make notebooks``), whose outputs nbval proves are those of a fresh run.

``jupyter-book build`` calls ``prepare`` (from ``book/_ext/book_ext.py``, once the builder is set up and
before Sphinx looks for outdated pages). For each chapter of ``_toc.yml`` it decides (``plan``):

``fresh``
    the execution cache holds outputs computed from the current inputs (its build record says so): nothing to do;
``seed``
    the committed notebook's outputs were computed from the current inputs: they go into the cache as they are,
    with no execution (a cold build of an unchanged checkout executes nothing);
``execute``
    neither: the chapter runs in a fresh kernel in its own folder, as myst-nb would run it, several at a time
    (one per CPU), and its outputs replace the cached ones.

myst-nb then finds every chapter in its cache and executes nothing. A chapter whose cached outputs
changed gets a new build record, which the extension declares a Sphinx dependency of the chapter's page
(and of pages that glue from it), so Sphinx re-reads exactly those. A failing chapter fails the build
with its error, after the other chapters ran.

``make book`` starts ``python -m helpers.build --prepare`` in the background as it starts Jupyter Book, so the
stale chapters execute while Sphinx starts up; ``prepare`` holds a lock (``_build/.deps/.lock``), so the
build's own call waits for it and then finds every chapter current.

``python -m helpers.build --in-place`` is ``make notebooks``; ``python -m helpers.build`` says what the next
build will do for each chapter. ``BOOK_NO_SEED=1`` makes a build execute where it would take committed outputs.
"""
from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import importlib
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, NoReturn

if TYPE_CHECKING:  # imported when needed: a build with nothing to execute never loads them
    import asyncio

    from nbformat import NotebookNode

ROOT = Path(__file__).resolve().parent.parent
DEPENDENCY_GLOBS = ("pyproject.toml", "requirements/*.txt")   # a change re-executes every chapter
METADATA_KEY = "book"                         # committed notebook: metadata.book.inputs = {"sha256", "files"}
NO_SEED = "BOOK_NO_SEED"                      # BOOK_NO_SEED=1: execute where committed outputs would do (benchmark)

# Run in the chapter's kernel after its last cell: what it read and imported, as JSON on stdout.
PROBE = """\
def _book_inputs():
    import json, sys
    data = sys.modules.get("helpers.data")
    modules = [getattr(m, "__file__", None) for n, m in list(sys.modules.items()) if n.split(".")[0] == "helpers"]
    files = data.files_read() if hasattr(data, "files_read") else []
    print(json.dumps({"modules": [m for m in modules if m], "files": files}))
_book_inputs()
"""


# --- inputs ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Inputs:
    """What one execution of a chapter read: repository-relative files, and the sha256 over them and the code."""

    files: tuple[str, ...]
    sha256: str

    def as_json(self) -> dict:
        return {"sha256": self.sha256, "files": list(self.files)}

    @classmethod
    def from_json(cls, data: object) -> Inputs | None:
        if not isinstance(data, dict) or not isinstance(data.get("sha256"), str):
            return None
        return cls(tuple(data.get("files", [])), data["sha256"])


def _globbed(root: Path, patterns: Iterable[str]) -> list[str]:
    return sorted({p.relative_to(root).as_posix() for pattern in patterns for p in root.glob(pattern) if p.is_file()})


def book_inputs(root: Path = ROOT) -> list[str]:
    """Files every chapter depends on: every lock file in ``requirements/`` and ``pyproject.toml`` (its dependency
    declarations: see ``file_sha256``)."""
    return _globbed(root, DEPENDENCY_GLOBS)


def chapters(root: Path = ROOT) -> list[Path]:
    """The notebooks of the table of contents (``_toc.yml``), in its order (none without a table of contents,
    as in ``jupyter-book build`` of a single page)."""
    import yaml

    if not (root / "_toc.yml").is_file():
        return []

    def files(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            if isinstance(node.get("file"), str):
                yield node["file"]
            if isinstance(node.get("root"), str):
                yield node["root"]
            for value in node.values():
                if isinstance(value, (list, dict)):
                    yield from files(value)
        elif isinstance(node, list):
            for item in node:
                yield from files(item)

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    found = (root / f"{f}.ipynb" for f in dict.fromkeys(files(toc)))
    return [p for p in found if p.is_file()]


def read_notebook(path: Path) -> dict:
    """A notebook as plain JSON (fast: no nbformat, no validation)."""
    return json.loads(path.read_text(encoding="utf-8"))


def code_of(nb: dict) -> dict:
    """What execution reads from the notebook itself: the kernel's name and every code cell's source."""
    def text(source: str | list[str]) -> str:
        return "".join(source) if isinstance(source, list) else source

    return {"kernel": nb.get("metadata", {}).get("kernelspec", {}).get("name"),
            "cells": [text(c["source"]) for c in nb.get("cells", []) if c.get("cell_type") == "code"]}


def file_sha256(path: Path) -> str | None:
    """The sha256 of a file's bytes, or None when it is missing. For ``pyproject.toml``, only of what it says
    about dependencies (Python version, dependency groups, build requirements): its comments, description and
    package settings do not change what a chapter computes."""
    try:
        content = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    if path.name == "pyproject.toml":
        import tomllib

        toml = tomllib.loads(content.decode("utf-8"))
        project = toml.get("project", {})
        content = json.dumps([project.get(k) for k in ("requires-python", "dependencies", "optional-dependencies")]
                             + [toml.get("build-system", {}).get("requires")], sort_keys=True).encode()
    return hashlib.sha256(content).hexdigest()


def inputs_sha256(nb: dict, files: Iterable[str], root: Path = ROOT) -> str:
    """One sha256 over a notebook's code, the given files and the book-wide dependency files (a missing
    file hashes as missing, so a moved module or table changes it)."""
    digest = hashlib.sha256(json.dumps(code_of(nb), sort_keys=True, ensure_ascii=False).encode())
    for rel in sorted(set(files) | set(book_inputs(root))):
        digest.update(f"\0{rel}\0{file_sha256(root / rel) or 'missing'}".encode())
    return digest.hexdigest()


def repo_files(paths: Iterable[str], root: Path = ROOT) -> list[str]:
    """Absolute paths as sorted repository-relative ones; files outside the repository are dropped (the lock
    files stand for installed packages)."""
    root = root.resolve()
    out = set()
    for p in paths:
        try:
            out.add(Path(p).resolve().relative_to(root).as_posix())
        except ValueError:
            continue
    return sorted(out)


def inputs_from_kernel(nb: dict, report: dict, root: Path = ROOT) -> Inputs:
    """The inputs of an execution, from what the probe reported (``{"modules": [...], "files": [...]}``)."""
    files = tuple(sorted(set(repo_files(report["modules"] + report["files"], root)) | set(book_inputs(root))))
    return Inputs(files, inputs_sha256(nb, files, root))


def committed_inputs(nb: dict) -> Inputs | None:
    """The inputs recorded in a committed notebook by ``make notebooks`` (None when it has no record)."""
    return Inputs.from_json(nb.get("metadata", {}).get(METADATA_KEY, {}).get("inputs"))


def is_current(nb: dict, inputs: Inputs | None, root: Path = ROOT) -> bool:
    """Whether outputs recorded with ``inputs`` are still those of a fresh run (code and every input unchanged)."""
    return inputs is not None and inputs_sha256(nb, inputs.files, root) == inputs.sha256


# --- build records -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BuildDirs:
    """Where a build keeps its state: one record per chapter, and Jupyter Book's execution cache."""

    records: Path
    cache: Path

    @classmethod
    def of(cls, build_dir: Path, cache: Path | None = None) -> BuildDirs:
        """``<build_dir>/.deps`` and, unless the book configures another, ``<build_dir>/.jupyter_cache``."""
        return cls(build_dir / ".deps", cache or build_dir / ".jupyter_cache")

    def record(self, doc: str) -> Path:
        """The build record of the page Sphinx names ``doc`` (a chapter's ``docname``)."""
        return self.records / f"{doc}.json"


def _dirs(dirs: BuildDirs | None, root: Path) -> BuildDirs:
    return dirs or BuildDirs.of(root / "_build")


def docname(chapter: Path, root: Path = ROOT) -> str:
    """Sphinx's name for a chapter: its path from the book's root, without suffix."""
    return chapter.resolve().relative_to(root.resolve()).with_suffix("").as_posix()


def record_path(chapter: Path, root: Path = ROOT, dirs: BuildDirs | None = None) -> Path:
    """Where the build keeps what a chapter's cached outputs were computed from (the extension reads the name)."""
    return _dirs(dirs, root).record(docname(chapter, root))


def read_record(chapter: Path, root: Path = ROOT, dirs: BuildDirs | None = None) -> dict | None:
    try:
        return json.loads(record_path(chapter, root, dirs).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def inputs_of(chapter: Path, root: Path = ROOT, dirs: BuildDirs | None = None) -> list[str]:
    """The files a chapter's current outputs were computed from: those of its last execution in the build, else
    those its committed notebook records (empty when neither exists)."""
    record = read_record(chapter, root, dirs)
    inputs = Inputs.from_json(record.get("inputs")) if record else committed_inputs(read_notebook(chapter))
    return list(inputs.files) if inputs else []


def _in_cache(record: dict, dirs: BuildDirs) -> bool:
    """Whether the execution cache still holds the notebook a build record names (jupyter-cache's layout)."""
    key = record.get("cache_key")
    return bool(key) and (dirs.cache / "executed" / key / "base.ipynb").is_file()


def plan(chapter_paths: Iterable[Path], root: Path = ROOT, dirs: BuildDirs | None = None,
         seed: bool = True) -> dict[Path, str]:
    """For each chapter: ``fresh`` (the cache is current), ``seed`` (the committed outputs are current) or
    ``execute``. ``seed=False`` executes where it would seed."""
    dirs = _dirs(dirs, root)
    out = {}
    for chapter in chapter_paths:
        text = chapter.read_bytes()
        nb = json.loads(text)
        record = read_record(chapter, root, dirs) or {}
        if (record.get("notebook_sha256") == hashlib.sha256(text).hexdigest() and _in_cache(record, dirs)
                and is_current(nb, Inputs.from_json(record.get("inputs")), root)):
            out[chapter] = "fresh"
        elif seed and is_current(nb, committed_inputs(nb), root):
            out[chapter] = "seed"
        else:
            out[chapter] = "execute"
    return out


def stale(chapter_paths: Iterable[Path], root: Path = ROOT, dirs: BuildDirs | None = None) -> list[Path]:
    """The chapters that must execute: neither the cache nor the committed notebook holds outputs of their
    current inputs."""
    return [c for c, action in plan(chapter_paths, root, dirs).items() if action == "execute"]


# --- execution ---------------------------------------------------------------------------------------------
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
    from jupyter_client.manager import AsyncKernelManager

    spec = json.loads(chapter.read_text(encoding="utf-8")).get("metadata", {}).get("kernelspec", {})
    km = AsyncKernelManager(kernel_name=spec.get("name") or "python3")
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


# --- the execution cache -----------------------------------------------------------------------------------
def _cache(dirs: BuildDirs):
    from jupyter_cache import get_cache

    return get_cache(str(dirs.cache.resolve()))


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


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
    _write_atomic(record_path(chapter, root, dirs), json.dumps(record, indent=1) + "\n")


def seed_cache(chapter_paths: Iterable[Path], root: Path = ROOT, dirs: BuildDirs | None = None) -> None:
    """Cache the committed notebooks as they are (only chapters whose committed inputs are current)."""
    import nbformat

    for chapter in chapter_paths:
        nb = nbformat.read(chapter, as_version=4)
        inputs = committed_inputs(nb)
        if inputs is None or not is_current(nb, inputs, root):
            raise ValueError(f"{chapter}: the committed outputs are not those of its current inputs")
        store(chapter, nb, inputs, "committed notebook", root, dirs)


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
            log: Callable[[str], object] = print) -> dict[Path, str]:
    """Bring the execution cache up to date with every chapter's inputs (the build's first step); returns the
    plan it carried out. ``seed=None`` seeds unless the environment sets ``BOOK_NO_SEED=1``.

    Raises ``ChaptersFailed`` after every stale chapter was tried, when any failed.
    """
    dirs = _dirs(dirs, root)
    with _locked(dirs, log):
        return _prepare(root, dirs, timeout, allow_errors, workers, seed, log)


@contextlib.contextmanager
def _locked(dirs: BuildDirs, log: Callable[[str], object], name: str = ".lock",
            waiting_for: str = "the chapters executing") -> Iterator[None]:
    """Hold ``<records>/<name>`` (``.lock``: one ``prepare`` at a time per build folder; ``.kit-lock``: one kit
    publication); say so when waiting for another process."""
    dirs.records.mkdir(parents=True, exist_ok=True)
    with open(dirs.records / name, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"waiting for {waiting_for} in the background (make book's helpers.build --prepare)")
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _prepare(root: Path, dirs: BuildDirs, timeout: int | None, allow_errors: bool, workers: int | None,
             seed: bool | None, log: Callable[[str], object]) -> dict[Path, str]:
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
    n = min(workers or default_workers(), len(to_run))
    log(f"executing {len(to_run)} chapter(s) whose inputs changed, {n} at a time: " + ", ".join(c.stem for c in to_run))
    done, failed = execute(to_run, n, root, timeout, allow_errors)
    for ex in done:
        store(ex.chapter, ex.notebook, ex.inputs, "executed in the build", root, dirs, ex.seconds)
        log(f"executed {docname(ex.chapter, root)} in {ex.seconds:.1f} s")
    for err in failed:
        forget(err.chapter, root, dirs)
    if failed:
        raise ChaptersFailed(failed)
    return actions


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
        ex.notebook.metadata[METADATA_KEY] = {"inputs": ex.inputs.as_json()}
        nbformat.write(ex.notebook, ex.chapter)
        print(f"  {docname(ex.chapter, root)}: {ex.seconds:.1f} s, {len(ex.inputs.files)} input files")
    for err in failed:
        print(f"\nFAILED {err}", file=sys.stderr)
    return 1 if failed else 0


KIT_LOCK = ".kit-lock"


def publish_kit(html_dir: Path, root: Path = ROOT, dirs: BuildDirs | None = None,
                log: Callable[[str], object] = print) -> None:
    """``<html_dir>/workshop.zip``, the student kit the facilitator guide links, rebuilt only when one of its sources
    changed (waits for the background ``--prepare``, which publishes it while Sphinx reads and writes pages)."""
    with _locked(_dirs(dirs, root), log, KIT_LOCK, "the workshop kit being zipped"):
        _write_kit(html_dir, root, log)


def _write_kit(html_dir: Path, root: Path, log: Callable[[str], object]) -> None:
    from helpers.workshop import kit

    if kit.publish(html_dir / "workshop.zip", root, chapters(root)):
        log("wrote the workshop kit: workshop.zip")


def prepare_for_build(root: Path = ROOT, workers: int | None = None) -> int:
    """``--prepare``: ``prepare`` with the book's execution settings, then the workshop kit (``publish_kit``) while
    Sphinx builds the pages; 1 when a chapter failed (the build that follows executes it again and reports its
    error)."""
    settings = execution_settings(root)
    dirs = _dirs(None, root)
    log = lambda line: print(line, flush=True)  # noqa: E731
    # The kit lock is held from before the execution lock, so the build's own kit step waits for this one.
    with _locked(dirs, log, KIT_LOCK, "the workshop kit being zipped"):
        try:
            prepare(root, dirs, timeout=settings.get("timeout", 30), allow_errors=settings.get("allow_errors", False),
                    workers=workers, log=log)
        except ChaptersFailed:
            return 1
        _write_kit(root / "_build" / "html", root, log)
    return 0


# --- make book: nothing changed, nothing to build ----------------------------------------------------------
# Everything in the checkout is an input of the book except what builds, installs and tools write; the venv's
# install stamps stand for the installed packages (make touches one whenever it installs a group).
NOT_INPUTS = frozenset({".git", "_build", ".venv", ".venv-lock", "__pycache__", ".pytest_cache", ".ipynb_checkpoints"})
INSTALL_STAMPS = ".venv/.installed-*"
BUILT, PENDING = "book-built.json", "book-pending.json"     # in <records>: the last good build's snapshot; the next's


def file_snapshot(root: Path = ROOT, tops: Iterable[str] | None = None) -> dict[str, list[int]]:
    """Size and modification time (ns) of every file under ``tops`` (files or folders, relative to ``root``; default:
    the whole checkout), by path relative to ``root``, leaving out ``NOT_INPUTS`` (builds, venvs, caches). A renamed,
    added or deleted file changes it too."""
    found: dict[str, list[int]] = {}
    for start in ([root / t for t in tops] if tops is not None else [root]):
        if start.is_file():
            stat = start.stat()
            found[os.path.relpath(start, root)] = [stat.st_size, stat.st_mtime_ns]
        for top, dirs, files in os.walk(start):
            dirs[:] = sorted(d for d in dirs if d not in NOT_INPUTS)
            for name in files:
                stat = os.stat(os.path.join(top, name))
                found[os.path.relpath(os.path.join(top, name), root)] = [stat.st_size, stat.st_mtime_ns]
    return found


def input_snapshot(root: Path = ROOT) -> dict[str, list[int]]:
    """``file_snapshot`` of the whole checkout (every file a build could read), plus the venv's install stamps and
    ``BOOK_NO_SEED``."""
    found = file_snapshot(root)
    for stamp in sorted(root.glob(INSTALL_STAMPS)):
        found[stamp.relative_to(root).as_posix()] = [0, stamp.stat().st_mtime_ns]
    found[f"${NO_SEED}"] = [int(os.environ.get(NO_SEED) == "1"), 0]
    return found


def output_snapshot(html_dir: Path) -> dict[str, list[int]]:
    """Size and modification time (ns) of every page and download a build wrote (``html_dir`` minus its assets)."""
    return {p.relative_to(html_dir).as_posix(): [p.stat().st_size, p.stat().st_mtime_ns]
            for p in sorted(html_dir.rglob("*")) if p.suffix in (".html", ".zip") and "_static" not in p.parts}


def up_to_date(root: Path = ROOT, dirs: BuildDirs | None = None) -> bool:
    """Whether the last successful build (``record_built``) was made from the inputs as they are now and its pages
    are as it left them. When not, it records the inputs the build about to start reads (``PENDING``) and
    forgets the last build (its pages are about to change)."""
    dirs, html_dir = _dirs(dirs, root), root / "_build" / "html"
    inputs = input_snapshot(root)
    try:
        last = json.loads((dirs.records / BUILT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        last = None
    if last == {"inputs": inputs, "outputs": output_snapshot(html_dir)} and (html_dir / "index.html").is_file():
        return True
    dirs.records.mkdir(parents=True, exist_ok=True)
    (dirs.records / BUILT).unlink(missing_ok=True)
    (dirs.records / PENDING).write_text(json.dumps(inputs), encoding="utf-8")
    return False


def record_built(root: Path = ROOT, dirs: BuildDirs | None = None) -> None:
    """After a successful build: the inputs it started from (``PENDING``) and the pages it wrote become ``BUILT``."""
    dirs = _dirs(dirs, root)
    inputs = json.loads((dirs.records / PENDING).read_text(encoding="utf-8"))
    snapshot = {"inputs": inputs, "outputs": output_snapshot(root / "_build" / "html")}
    (dirs.records / BUILT).write_text(json.dumps(snapshot), encoding="utf-8")
    (dirs.records / PENDING).unlink()


# --- make book: Jupyter Book itself -------------------------------------------------------------------------
JUPYTER_BOOK_BUILD = ["build", ".", "-W", "-n", "--keep-going"]   # make book's build: warnings are errors


def run_jupyter_book() -> NoReturn:
    """``--jupyter-book``: ``jupyter-book build . -W -n --keep-going`` in this process, then exit with its status
    without tearing the interpreter down. Freeing a finished build's objects and modules (about 190,000 objects)
    takes 0.5 s, a quarter of a warm build; the exit handlers still run (log handlers, temporary files) and the
    output is flushed, so nothing but that teardown is skipped."""
    import atexit

    from jupyter_book.cli.main import main as jupyter_book

    try:
        jupyter_book.main(args=JUPYTER_BOOK_BUILD, prog_name="jupyter-book")
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:                                   # sys.exit("message"): Python prints it and exits 1
            print(exc.code, file=sys.stderr)
            code = 1
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--in-place", nargs="*", type=Path, metavar="NOTEBOOK",
                        help="execute these notebooks (default: every chapter) and write them back with their outputs "
                             "and inputs record (make notebooks)")
    parser.add_argument("--plan", action="store_true",
                        help="say what the next build does for each chapter (the default)")
    parser.add_argument("--jobs", type=int, default=None, help="kernels at a time (default: one per CPU)")
    parser.add_argument("--prepare", action="store_true",
                        help="bring the build's execution cache up to date (what `jupyter-book build` does first; "
                             "make book runs it in the background while Sphinx starts)")
    parser.add_argument("--up-to-date", action="store_true",
                        help="exit 0 when no input changed since the last successful build and its pages are intact "
                             "(make book then builds nothing); otherwise 1, recording the inputs the build will read")
    parser.add_argument("--built", action="store_true", help="record a successful build (make book, after it)")
    parser.add_argument("--jupyter-book", action="store_true",
                        help=f"run `jupyter-book {' '.join(JUPYTER_BOOK_BUILD)}` (make book's build) and exit without "
                             "the interpreter's teardown")
    args = parser.parse_args(argv)
    if args.jupyter_book:
        run_jupyter_book()
    if args.up_to_date:
        if up_to_date(ROOT):
            print("The book is up to date: no input changed since the last build (_build/html).")
            return 0
        return 1
    if args.built:
        record_built(ROOT)
        return 0
    if args.prepare:
        return prepare_for_build(ROOT, args.jobs)
    if args.in_place is not None:
        return execute_in_place([p.resolve() for p in args.in_place], ROOT, args.jobs)
    for chapter, action in plan(chapters(ROOT), ROOT, seed=os.environ.get(NO_SEED) != "1").items():
        print(f"{action:8} {docname(chapter, ROOT)}  ({len(inputs_of(chapter, ROOT))} input files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
