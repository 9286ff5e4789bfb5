"""``make book`` and ``make notebooks``: execute only the chapters whose inputs changed, in parallel, before Sphinx
reads them.

Jupyter Book's execution cache keys a notebook on its code cells only, so it cannot see a changed CSV or helper;
this package keys every chapter on its inputs (``machinery.inputs``), plans what each chapter needs
(``machinery.records``), executes the stale ones (``machinery.execute``) and stores them in the cache
(``machinery.cache``). A chapter whose cached outputs changed gets a new build record, which ``book/_ext``
declares a Sphinx dependency of its page, so Sphinx re-reads exactly those. A failing chapter fails the build with
its error, after the other chapters ran.

    python -m machinery.build                 # what the next build does for each chapter
    python -m machinery.build --in-place [NB]  # make notebooks
    python -m machinery.build --prepare        # make book, in the background while Jupyter Book starts

The names of the modules above are re-exported here: ``from machinery import build`` is the one import the
extension, the tests and the benchmark need.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from helpers.paths import ROOT
from machinery import kit
from machinery.cache import (  # noqa: F401
    FAILED,
    ChaptersFailed,
    execute_in_place,
    execution_settings,
    forget,
    locked,
    prepare,
    record_failures,
    seed_cache,
    store,
)
from machinery.execute import ChapterFailed, Executed, default_workers, execute  # noqa: F401
from machinery.inputs import (  # noqa: F401
    DEPENDENCY_GLOBS,
    METADATA_KEY,
    NO_SEED,
    PROBE,
    Inputs,
    book_inputs,
    chapters,
    code_of,
    committed_inputs,
    file_sha256,
    inputs_from_kernel,
    inputs_sha256,
    is_current,
    read_notebook,
    repo_files,
)
from machinery.records import BuildDirs, _dirs, docname, inputs_of, plan, read_record, record_path, stale  # noqa: F401
from machinery.uptodate import (  # noqa: F401
    BUILT,
    NOT_INPUTS,
    PENDING,
    file_snapshot,
    input_snapshot,
    output_snapshot,
    record_built,
    up_to_date,
)

KIT_LOCK = ".kit-lock"


def publish_kit(html_dir: Path, root: Path = ROOT, dirs: BuildDirs | None = None,
                log: Callable[[str], object] = print) -> None:
    """``<html_dir>/workshop.zip``, the student kit the facilitator guide links, rebuilt only when one of its sources
    changed (waits for the background ``--prepare``, which publishes it while Sphinx reads and writes pages)."""
    with locked(_dirs(dirs, root), log, KIT_LOCK, "the workshop kit being zipped"):
        _write_kit(html_dir, root, log)


def _write_kit(html_dir: Path, root: Path, log: Callable[[str], object]) -> None:
    if kit.publish(html_dir / "workshop.zip", root, chapters(root)):
        log("wrote the workshop kit: workshop.zip")


EDITION_FAILED = 3


def prepare_for_build(root: Path = ROOT, workers: int | None = None, editions: bool = False) -> int:
    """``--prepare``: ``prepare`` with the book's execution settings, then the workshop kit (``publish_kit``) while
    Sphinx builds the pages; 1 when a chapter failed (the build that follows executes it again and reports its
    error). ``editions=True`` (make book) then builds the Chinese edition from those executions while the English
    one is still being written (``machinery.edition_build``): ``EDITION_FAILED`` when that build fails."""
    settings = execution_settings(root)
    dirs = _dirs(None, root)
    log = lambda line: print(line, flush=True)  # noqa: E731
    # The kit lock is held from before the execution lock, so the build's own kit step waits for this one.
    with locked(dirs, log, KIT_LOCK, "the workshop kit being zipped"):
        try:
            prepare(root, dirs, timeout=settings.get("timeout", 30), allow_errors=settings.get("allow_errors", False),
                    workers=workers, log=log, hand_over=True)
        except ChaptersFailed:
            return 1
        chinese = _start_edition(root) if editions else None
        _write_kit(root / "_build" / "html", root, log)
        if isinstance(chinese, subprocess.Popen):
            from machinery import edition_build

            edition_build.publish_kit(root)
    if chinese is not None:
        return _finish_edition(root, chinese)
    return 0


def _start_edition(root: Path):
    """Start the Chinese edition's build (the Chinese pages first: Sphinx builds them while the kits are zipped);
    the exception that stopped it, if any, for ``_finish_edition`` to report."""
    from machinery import edition_build

    try:
        return edition_build.start(root, quiet=True)
    except Exception as exc:     # a missing translation file, a bad catalogue: one line, and make book fails
        return exc


def _finish_edition(root: Path, chinese) -> int:
    """0 when the Chinese edition built, else ``EDITION_FAILED`` after the one line saying why."""
    from machinery import edition_build

    if isinstance(chinese, Exception):
        why = f"the Chinese edition failed: {type(chinese).__name__}: {chinese}"
    elif edition_build.finish(chinese, root) != 0:
        why = why_failed(root / "_build" / edition_build.LOG, root).replace("make book failed", "the Chinese edition failed")
    else:
        return 0
    print(why, flush=True)
    return EDITION_FAILED


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


def why_failed(log: Path, root: Path = ROOT) -> str:
    """The one line a failed ``make book`` ends on: each failed chapter's error (``failed.txt``), else the build
    log's last error or warning line (``-W`` makes a warning fail the build), else where to look."""
    failed = _dirs(None, root).records / FAILED
    if failed.is_file():
        return "make book failed: " + "; ".join(failed.read_text(encoding="utf-8").split("\n")).strip("; ")
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    import re

    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in lines]      # Sphinx colours its warnings
    errors = [line.strip() for line in lines if re.search(r"\b(WARNING|ERROR|CRITICAL)\b|^\w*(Error|Exception): ", line)]
    return f"make book failed: {errors[-1]}" if errors else f"make book failed: see {log}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m machinery.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--in-place", nargs="*", type=Path, metavar="NOTEBOOK",
                        help="execute these notebooks (default: every chapter) and write them back with their outputs "
                             "and inputs record (make notebooks)")
    parser.add_argument("--plan", action="store_true",
                        help="say what the next build does for each chapter (the default)")
    parser.add_argument("--jobs", type=int, default=None, help="kernels at a time (default: one per CPU)")
    parser.add_argument("--prepare", action="store_true",
                        help="bring the build's execution cache up to date (what `jupyter-book build` does first; "
                             "make book runs it in the background while Sphinx starts)")
    parser.add_argument("--editions", action="store_true",
                        help="with --prepare: then build the Chinese edition into _build/html/zh (make book)")
    parser.add_argument("--up-to-date", action="store_true",
                        help="exit 0 when no input changed since the last successful build and its pages are intact "
                             "(make book then builds nothing); otherwise 1, recording the inputs the build will read")
    parser.add_argument("--built", action="store_true", help="record a successful build (make book, after it)")
    parser.add_argument("--why", type=Path, metavar="LOG",
                        help="after a failed build: print the one line that says why (make book prints it last)")
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
    if args.why:
        print(why_failed(args.why, ROOT), file=sys.stderr)
        return 0
    if args.prepare:
        return prepare_for_build(ROOT, args.jobs, args.editions)
    if args.in_place is not None:
        return execute_in_place([p.resolve() for p in args.in_place], ROOT, args.jobs)
    for chapter, action in plan(chapters(ROOT), ROOT, seed=os.environ.get(NO_SEED) != "1").items():
        print(f"{action:8} {docname(chapter, ROOT)}  ({len(inputs_of(chapter, ROOT))} input files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
