"""Helpers for the executable edition of *State of Generative AI 2023*.

One module per concern: ``data`` (load and validate tables), ``costs`` (cost formulas),
``params`` (papermill parameter validation), ``pricing`` (the pricing chapter's tables),
``charts`` and ``tables`` (presentation), ``rerun`` (a strict papermill wrapper).
"""
from helpers.errors import BookError, DataError, ParameterError

__all__ = ["BookError", "DataError", "ParameterError"]
