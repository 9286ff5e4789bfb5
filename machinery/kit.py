"""Student copies of the chapters and the workshop kit (``python -m helpers.workshop`` / ``make workshop``).

The exercise format (see README, "Workshops"): in a chapter, after a ``## Exercises`` Markdown cell, each exercise
is four cells, all carrying ``metadata.workshop.exercise = "exN_M"``:

1. Markdown, tag ``exercise``: the question;
2. code, tag ``answer``: ``answer = ...`` (the placeholder) and ``check("exN_M", answer)``;
3. code, tags ``solution`` + ``hide-input``, ``metadata.jupyter.source_hidden = true``: the worked solution, which
   assigns ``answer`` and calls ``check`` again;
4. Markdown, tag ``solution``: ``<details><summary>Solution</summary>`` … ``</details>`` (collapsed in the book and
   in JupyterLab).

A student copy drops every cell tagged ``solution`` and clears every output; ``fill_solutions`` puts each solution's
code back in place of its answer cell (the tests run that with ``WORKSHOP_STRICT=1``).
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from helpers.errors import ParameterError
from helpers.paths import ROOT
from machinery.inputs import chapters
from machinery.kit_copy import (  # noqa: F401  (re-exported: the tests and machinery.build use them here)
    BOOK_LINK,
    EXERCISE,
    GLOSSARY_LINK,
    IN_LAB,
    RERUN_BLOCK,
    SOLUTION,
    SOLUTION_NOTE,
    _cleared,
    _tags,
    _text,
    in_lab_what_if,
    student_copy,
    without_book_links,
)
from machinery.uptodate import file_snapshot

ANSWER = "answer"
HEADING = re.compile(r"^##\s+Exercises\s*$", re.M)
PLACEHOLDER = re.compile(r"^answer\s*=\s*(\.\.\.|None)(?=\s|#|$)", re.M)
DETAILS = "<details><summary>Solution</summary>"
KIT_FILES = ("data", "helpers", "requirements", "pyproject.toml", "scenarios")
# The kit's own Makefile (lab, ready, wheelhouse, clean), written into it as ``Makefile``.
KIT_MAKEFILE = Path(__file__).parent / "templates" / "kit.mk"
# What the kit is made of: those files, its Makefile, the chapters and the table of contents that lists them.
KIT_SOURCES = (*KIT_FILES, "machinery/templates", "notebooks", "_toc.yml", "i18n")
# The kit holds what a notebook imports and nothing of the machinery: not the command shims of ``helpers``
# (``python -m helpers.rerun``, ``.scenarios``), which call ``machinery``, a package the kit lacks. The workshop's
# own commands (``python -m helpers.workshop --ready`` / ``--lab``) stay: they need only ``helpers``.
SHIMS = ("rerun.py", "scenarios.py")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", *SHIMS)


def exercise_of(cell: Any) -> str | None:
    """The exercise id a cell belongs to (``metadata.workshop.exercise``), or None."""
    return cell.get("metadata", {}).get("workshop", {}).get("exercise")


def exercise_ids(nb: Any) -> list[str]:
    """The ids of the notebook's exercises, in order of their question cells."""
    return [exercise_of(c) for c in nb["cells"] if EXERCISE in _tags(c) and exercise_of(c)]


def has_exercises(nb: Any) -> bool:
    return bool(exercise_ids(nb))


def format_problems(nb: Any, chapter: str, table_ids: dict[str, str] | None = None) -> list[str]:
    """Every way the notebook breaks the exercise format (empty when it follows it). ``table_ids`` maps the ids of
    ``data/exercises.csv`` to their chapter."""
    problems = []
    ids = exercise_ids(nb)
    if ids and not any(c["cell_type"] == "markdown" and HEADING.search(_text(c)) for c in nb["cells"]):
        problems.append(f"{chapter}: exercises but no '## Exercises' Markdown cell")
    for ex in ids:
        cells = [c for c in nb["cells"] if exercise_of(c) == ex]
        kinds = {(c["cell_type"], tag) for c in cells for tag in _tags(c) if tag in (EXERCISE, ANSWER, SOLUTION)}
        for need in (("markdown", EXERCISE), ("code", ANSWER), ("code", SOLUTION), ("markdown", SOLUTION)):
            if need not in kinds:
                problems.append(f"{ex} in {chapter}: no {need[0]} cell tagged {need[1]!r}")
        for c in cells:
            tags, text = _tags(c), _text(c)
            if ANSWER in tags and not (PLACEHOLDER.search(text) and f'check("{ex}", answer)' in text):
                problems.append(f'{ex} in {chapter}: the answer cell must hold `answer = ...` and `check("{ex}", answer)`')
            if SOLUTION in tags and c["cell_type"] == "code":
                if "hide-input" not in tags or not c.get("metadata", {}).get("jupyter", {}).get("source_hidden"):
                    problems.append(f"{ex} in {chapter}: the solution code needs tag hide-input and "
                                    "metadata.jupyter.source_hidden = true")
                if f'check("{ex}", answer)' not in text:
                    problems.append(f'{ex} in {chapter}: the solution code must end with check("{ex}", answer)')
            if SOLUTION in tags and c["cell_type"] == "markdown" and not text.lstrip().startswith(DETAILS):
                problems.append(f"{ex} in {chapter}: the solution prose must open with {DETAILS}")
        if table_ids is not None and table_ids.get(ex) != chapter:
            problems.append(f"{ex} in {chapter}: data/exercises.csv lists it for {table_ids.get(ex)!r}")
    return problems


def solution_texts(nb: Any) -> list[str]:
    """The source of every cell tagged ``solution`` (what a student copy must not contain)."""
    return [_text(c) for c in nb["cells"] if SOLUTION in _tags(c)]


def fill_solutions(nb: Any) -> Any:
    """The notebook with each answer cell's code replaced by its solution's code (solution cells dropped), outputs
    cleared: a student copy with every exercise answered as the solution answers it."""
    solutions = {exercise_of(c): _text(c) for c in nb["cells"]
                 if SOLUTION in _tags(c) and c["cell_type"] == "code"}
    out = copy.deepcopy(nb)
    cells = []
    for c in nb["cells"]:
        if SOLUTION in _tags(c):
            continue
        c = _cleared(c)
        if ANSWER in _tags(c):
            ex = exercise_of(c)
            if ex not in solutions:
                raise ParameterError(f"exercise {ex!r}: no code cell tagged 'solution'; allowed: one per answer cell")
            c["source"] = solutions[ex]
        cells.append(c)
    out["cells"] = cells
    return out


START = {lang: (Path(__file__).parent / "templates" / name).read_text(encoding="utf-8")   # the kit's first page
         for lang, name in (("en", "START.md"), ("zh", "START.zh.md"))}




def build_kit(out_dir: Path, root: Path, chapters: list[Path], lang: str = "en") -> Path:
    """Write the kit to ``out_dir`` (replaced) and zip it beside it as ``out_dir.zip``; return the zip's path. In
    ``lang`` ``zh`` its chapters, exercises, self-checks and first page are Chinese."""
    import nbformat

    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    (out_dir / "notebooks").mkdir(parents=True)
    for rel in KIT_FILES:
        src = root / rel
        if src.is_dir():
            shutil.copytree(src, out_dir / rel, ignore=IGNORE)
        elif src.is_file():
            (out_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, out_dir / rel)
    shutil.copy2(KIT_MAKEFILE, out_dir / "Makefile")
    for chapter in chapters:
        nb = nbformat.read(str(chapter), as_version=4)
        nbformat.write(nbformat.from_dict(student_copy(nb, lang)), str(out_dir / "notebooks" / chapter.name))
    (out_dir / "START.md").write_text(START[lang], encoding="utf-8")
    zip_path = out_dir.with_suffix(".zip")
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(out_dir.rglob("*")):
            if path.is_file():
                zf.write(path, Path(out_dir.name) / path.relative_to(out_dir))
    return zip_path


def sources_sha256(root: Path) -> str:
    """One sha256 over the path, size and modification time of every source of the kit (``KIT_SOURCES``; the
    build's ``file_snapshot``, caches excluded): it changes when a source is edited, added, deleted or renamed."""
    return hashlib.sha256(json.dumps(file_snapshot(root, KIT_SOURCES), sort_keys=True).encode()).hexdigest()


# The published zip's comment: what it was built from (``unzip`` prints it as the archive's one-line comment).
ZIP_COMMENT = "Workshop kit of State of Generative AI 2023, an executable edition; sources {sha256}"
ZIP_COMMENT_LANG = " ({lang})"      # after the English comment, for a kit in another language


def _comment(sha256: str, lang: str) -> str:
    return ZIP_COMMENT.format(sha256=sha256) + (ZIP_COMMENT_LANG.format(lang=lang) if lang != "en" else "")


def is_current(zip_path: Path, root: Path, lang: str = "en") -> bool:
    """Whether ``zip_path`` was built from the kit's sources as they are now (its comment names their
    ``sources_sha256``)."""
    try:
        with zipfile.ZipFile(zip_path) as zf:
            comment = zf.comment.decode("utf-8", "replace")
    except (OSError, zipfile.BadZipFile):
        return False
    return comment == _comment(sources_sha256(root), lang)


def publish(zip_path: Path, root: Path, chapters: list[Path], lang: str = "en") -> bool:
    """Write the kit's zip to ``zip_path`` unless it is current; True when it wrote it. The zip is built aside and
    moved into place, so a reader never downloads a half-written one."""
    if is_current(zip_path, root, lang):
        return False
    sources = sources_sha256(root)            # before building: a source edited meanwhile makes the next check fail
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=zip_path.parent) as tmp:
        built = build_kit(Path(tmp) / "workshop", root, chapters, lang)
        with zipfile.ZipFile(built, "a") as zf:
            zf.comment = _comment(sources, lang).encode("utf-8")
        os.replace(built, zip_path)
    return True


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.workshop [OUT_DIR]``: write the student kit (default ``_build/workshop/``) and its zip."""
    ap = argparse.ArgumentParser(prog="python -m helpers.workshop", description=main.__doc__)
    ap.add_argument("out", nargs="?", default=None,
                    help="the kit's folder (default: _build/workshop/, in Chinese _build/workshop-zh/)")
    ap.add_argument("--lang", default="en", help="the kit's language: en (default) or zh (make workshop LANG=zh)")
    args = ap.parse_args(argv)
    from helpers import i18n

    try:
        lang = i18n.validate_lang(args.lang, "--lang")
    except ValueError as exc:
        ap.error(str(exc))
    args.out = args.out or str(ROOT / "_build" / ("workshop" if lang == "en" else f"workshop-{lang}"))
    zip_path = build_kit(Path(args.out), ROOT, chapters(ROOT), lang)
    print(f"wrote {args.out}/ and {zip_path}")
    return 0
