"""The talent chapter: counting the report's table of AI 2000 scholars who joined post-GPT-3 start-ups.

The table repeats a scholar who spans two fields, so every count can be taken three ways
(``count_by``): printed ``rows``, distinct ``scholars`` or distinct ``companies``.

By concern: ``startups`` (the table, its counts and the report's claims), ``figures`` (everything the prose
cites, glued in one call), ``tables`` (every displayed table) and ``charts``. The parameter is checked here
(``validate``). What notebooks, tests and exercises use is re-exported here.
"""
from __future__ import annotations

from typing import Any

from helpers import params
from helpers.chapters.talent import tables
from helpers.chapters.talent.figures import figures
from helpers.chapters.talent.startups import COUNT_BY, claims, counts_by, founders, total, us_share

__all__ = ["COUNT_BY", "claims", "counts_by", "figures", "founders", "tables", "total", "us_share", "validate"]


@params.with_lang
def validate(values: dict[str, Any]) -> dict[str, str]:
    """The chapter's one parameter, ``count_by``: rows, scholars or companies."""
    value = values.get("count_by")
    if not isinstance(value, str) or value not in COUNT_BY:
        raise params.ParameterError(f"parameter 'count_by' = {value!r} is not allowed; allowed: one of {', '.join(COUNT_BY)}")
    return {"count_by": value}
