"""Helpers for the executable edition of *State of Generative AI 2023*: everything a chapter notebook imports, and
nothing that builds the book (that is ``machinery``; ``tests/test_layers.py`` keeps the two apart).

The notebook library (this package's top level):
    ``data`` (load tables and validate them against ``data/datapackage.json``), ``params`` (parameter rules
    and their checks), ``errors`` (one-line exceptions), ``prose`` (computed sentences as Markdown),
    ``charts`` (theme, offline rendering, a static picture for every client), ``tables`` (HTML tables),
    ``paths`` (where the files are), ``nbfiles`` (what a notebook declares and glues), ``scenario_files``
    (named scenarios, read and validated), ``vega_bundle`` (the offline Vega script), ``provenance``.
Formulas: ``helpers.formulas`` (``costs``, ``market``, ``pnl``).
Chapters: ``helpers.chapters.<chapter>``, with its charts, tables and exercises beside it.
The workshop's self-checks: ``helpers.workshop`` (``check``, ``expected``).
Commands: ``python -m helpers.rerun``, ``helpers.scenarios`` and ``helpers.workshop`` are shims onto ``machinery``.
"""
from helpers.errors import BookError, DataError, ParameterError

__all__ = ["BookError", "DataError", "ParameterError"]
