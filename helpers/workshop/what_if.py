"""A what-if inside JupyterLab: ``helpers.workshop.rerun("02_pricing_models", utilization=0.35)`` in a notebook cell
runs the chapter with other parameters, with the command line's checks, and returns its figures and the path of the
executed notebook (which the lab can open beside the chapter).

It needs nothing outside ``helpers`` (the student kit has no ``machinery``): the parameter names are checked against
the chapter's parameters cell, the chapter's own validation cell checks the values, and the kernel runs on IPC.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.errors import ParameterError
from helpers.nbfiles import check_names, did_you_mean, glued_figures
from helpers.paths import ROOT

RERUNS = "reruns"        # the folder, beside notebooks/, where reruns are written


@dataclass(frozen=True)
class Rerun:
    """A chapter run with other parameters: ``figures`` (every figure it recorded, by name), ``path`` (the executed
    notebook), ``html`` (the standalone page, when asked for) and ``warnings`` (likely slips in the inputs)."""

    chapter: str
    parameters: dict[str, Any]
    path: Path
    figures: dict[str, Any] = field(repr=False)
    html: Path | None = None
    warnings: list[str] = field(default_factory=list)

    def __getitem__(self, name: str) -> Any:
        """``result["infra_gross_margin"]``: one figure, or a KeyError that names the closest figures."""
        if name not in self.figures:
            raise KeyError(f"{self.chapter} records no figure {name!r}{did_you_mean(name, self.figures)}")
        return self.figures[name]

    def summary(self) -> str:
        """What was run and written, and what to do next, in a few lines."""
        where = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        lines = [f"Ran {self.chapter} with " + ", ".join(f"{k} = {v!r}" for k, v in self.parameters.items()) + ".",
                 f"Wrote {where} ({len(self.figures)} figures): open it in JupyterLab's file browser, or read a figure "
                 "here with result[\"name\"]."]
        if self.html:
            lines.append(f"Wrote {self.html.name}, a standalone page of the rerun, beside it.")
        lines += [f"Warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.summary().replace("\n", "  \n")

    def __repr__(self) -> str:
        return self.summary()


def chapter_path(chapter: str, root: Path = ROOT) -> Path:
    """The chapter's notebook from its name ("02_pricing_models", with or without ``.ipynb``, or a path); a
    ParameterError naming the chapters that exist."""
    path = Path(chapter)
    if path.suffix == ".ipynb" and path.is_file():
        return path.resolve()
    name = path.name.removesuffix(".ipynb")
    found = root / "notebooks" / f"{name}.ipynb"
    if not found.is_file():
        names = sorted(p.stem for p in (root / "notebooks").glob("*.ipynb"))
        raise ParameterError(f"chapter {chapter!r} is not a chapter{did_you_mean(name, names)}; allowed: "
                             f"{', '.join(names)}")
    return found


def _output_name(name: str, params: dict[str, Any]) -> str:
    """``02_pricing_models-utilization-0.35.ipynb``: the chapter and its changed parameters, safe as a file name."""
    parts = [name] + [f"{k}-{v}" for k, v in params.items()]
    return re.sub(r"[^A-Za-z0-9._-]+", "_", "-".join(parts))[:150] + ".ipynb"


def rerun(chapter: str, html: bool = False, output: str | Path | None = None, **parameters: Any) -> Rerun:
    """Run ``chapter`` with ``parameters`` (e.g. ``utilization=0.35``) into ``reruns/`` (or ``output``), checked
    as the command line checks them; return its figures and paths. A misspelt name or a refused value raises a
    ParameterError of one line, naming the parameter, the value and what is allowed."""
    import papermill

    from helpers.kernels import execute

    notebook = chapter_path(chapter)
    check_names(notebook, list(parameters))
    out = Path(output) if output else ROOT / RERUNS / _output_name(notebook.stem, parameters)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        execute(notebook, out.resolve(), parameters)
    except papermill.PapermillExecutionError as exc:
        raise ParameterError(f"{exc.evalue}" if exc.ename == "ParameterError" else f"{exc.ename}: {exc.evalue}") from None
    figures = glued_figures(out)
    page = None
    if html:
        from helpers.html_page import write_html

        page = write_html(out, out.with_suffix(".html"))
    return Rerun(notebook.stem, dict(parameters), out.resolve(), figures, page, list(figures.get("input_warnings") or []))
