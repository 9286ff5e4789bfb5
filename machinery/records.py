"""The build's record of each chapter, and the plan: ``fresh``, ``seed`` or ``execute``.

``fresh``
    the execution cache holds outputs computed from the current inputs (its build record says so): nothing to do;
``seed``
    the committed notebook's outputs were computed from the current inputs: they go into the cache as they are,
    with no execution (a cold build of an unchanged checkout executes nothing);
``execute``
    neither: the chapter runs in a fresh kernel (``machinery.execute``).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from helpers.paths import ROOT
from machinery.inputs import Inputs, committed_inputs, is_current, read_notebook


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
