"""Helpers for the executable edition of *State of Generative AI 2023*, laid out by kind.

Infrastructure (this package's top level):
    ``data`` (load tables and validate them against ``data/datapackage.json``), ``params`` (parameter rules
    and their checks), ``errors`` (one-line exceptions), ``prose`` (computed sentences as Markdown),
    ``charts`` (theme, offline rendering, a static picture for every client), ``tables`` (HTML tables),
    ``rerun`` (strict papermill wrapper, ``--figures``, ``--html``; ``python -m helpers.rerun``).
Formulas: ``helpers.formulas`` (``costs``, ``market``, ``pnl``).
Chapters: ``helpers.chapters.<chapter>`` with its charts in ``helpers.chapters.<chapter>.charts``.
The GPU measurement program: ``helpers.gpu_measure`` (its torch half is imported only by its CLI).
"""
from helpers.errors import BookError, DataError, ParameterError

__all__ = ["BookError", "DataError", "ParameterError"]
