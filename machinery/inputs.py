"""What one execution of a chapter read, and one sha256 over it.

A chapter's inputs are its code cells and kernel, the tables and descriptors it read through ``helpers.data``
(``helpers.data.files_read()``, asked of its kernel after it ran: ``PROBE``), the ``helpers`` modules it imported
(the ``helpers.*`` entries of the kernel's ``sys.modules``), and the book-wide dependencies (every lock file and
the dependency declarations of ``pyproject.toml``). Modules of ``machinery`` are never among them.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from helpers.paths import ROOT

DEPENDENCY_GLOBS = ("pyproject.toml", "requirements/*.txt")   # a change re-executes every chapter
# ... except the workshop kit's universal lock, which no build installs (the participants' laptops do)
NOT_BUILD_LOCKS = ("requirements/kit.txt",)
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
    """Files every chapter depends on: every lock file in ``requirements/`` a build installs and ``pyproject.toml``
    (its dependency declarations: see ``file_sha256``)."""
    return [p for p in _globbed(root, DEPENDENCY_GLOBS) if p not in NOT_BUILD_LOCKS]


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
    from helpers.nbfiles import text_of

    return {"kernel": nb.get("metadata", {}).get("kernelspec", {}).get("name"),
            "cells": [text_of(c["source"]) for c in nb.get("cells", []) if c.get("cell_type") == "code"]}


def file_sha256(path: Path) -> str | None:
    """The sha256 of a file's bytes, or None when it is missing. For ``pyproject.toml``, only of what it says
    about dependencies (Python version, dependency groups, build requirements): its comments, description and
    package settings do not change what a chapter computes. For ``data/datapackage.json``, without the Chinese
    edition's titles and descriptions (``title_zh``, ``description_zh``): no chapter reads them."""
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
    elif path.name == "datapackage.json":
        content = json.dumps(_without_translations(json.loads(content)), sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(content).hexdigest()


def _without_translations(value: object) -> object:
    """A JSON value without its ``*_zh`` properties (the Chinese edition's words)."""
    if isinstance(value, dict):
        return {k: _without_translations(v) for k, v in value.items() if not k.endswith("_zh")}
    if isinstance(value, list):
        return [_without_translations(v) for v in value]
    return value


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
