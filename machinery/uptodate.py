"""``make book`` with nothing changed builds nothing: snapshots of the checkout's files and of the pages built."""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from helpers.paths import ROOT
from machinery.inputs import NO_SEED
from machinery.records import BuildDirs, _dirs

# Everything in the checkout is an input of the book except what builds, installs and tools write; the venv's
# install stamps stand for the installed packages (make touches one whenever it installs a group).
NOT_INPUTS = frozenset({".git", "_build", ".venv", ".venv-lock", "__pycache__", ".pytest_cache", ".ipynb_checkpoints",
                        "reruns"})   # reruns/: what helpers.workshop.rerun writes, never read by a build
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
