"""Exceptions that stop a chapter with one readable message."""
from __future__ import annotations


class BookError(ValueError):
    """Base class: a misuse the reader can fix, reported as one line, no traceback.

    IPython calls ``_render_traceback_`` when it displays an exception, so a notebook cell
    (and a papermill run) that raises one shows only the message.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


class DataError(BookError):
    """A data table does not hold to its schema (message names file, row, column, value)."""


class ParameterError(BookError):
    """A papermill parameter is missing, of the wrong type or out of range."""
