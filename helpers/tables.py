"""Readable HTML tables with per-column formats (deterministic output, no random ids)."""
from __future__ import annotations

import html
from typing import Callable, Mapping

import pandas as pd
from IPython.display import HTML

Formatter = Callable[[object], str]


def usd(x: float, digits: int = 0) -> str:
    """``$1,234`` style; empty for missing."""
    return "" if pd.isna(x) else f"${x:,.{digits}f}"


def pct(x: float, digits: int = 1) -> str:
    """``81.1 %`` style; empty for missing."""
    return "" if pd.isna(x) else f"{x * 100:.{digits}f} %"


def num(x: float, digits: int = 0) -> str:
    """``1,234`` style; empty for missing."""
    return "" if pd.isna(x) else f"{x:,.{digits}f}"


def sig(x: float, digits: int = 3) -> str:
    """Significant-figure format (``3.15e+23``, ``0.00299``); empty for missing."""
    return "" if pd.isna(x) else f"{x:,.{digits}g}"


def render(df: pd.DataFrame, formats: Mapping[str, Formatter] | None = None,
           labels: Mapping[str, str] | None = None, caption: str = "") -> str:
    """HTML table of ``df`` with ``formats`` per column and readable ``labels`` for headers."""
    formats = dict(formats or {})
    labels = dict(labels or {})
    head = "".join(f"<th>{html.escape(labels.get(c, c))}</th>" for c in df.columns)
    body = []
    for _, row in df.iterrows():
        cells = []
        for c in df.columns:
            v = row[c]
            text = formats[c](v) if c in formats else ("" if (not isinstance(v, str) and pd.isna(v)) else str(v))
            num_cls = ' class="num"' if c in formats else ""
            cells.append(f"<td{num_cls}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<div class="book-table-wrap"><table class="book-table">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def show(df: pd.DataFrame, formats: Mapping[str, Formatter] | None = None,
         labels: Mapping[str, str] | None = None, caption: str = "") -> HTML:
    """Display ``render(...)`` in a notebook cell."""
    return HTML(render(df, formats, labels, caption))


def human(x: float) -> str:
    """Counts in words: ``175e9`` → ``175 billion``, ``1.5e12`` → ``1.5 trillion``."""
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand")):
        if abs(x) >= size:
            return f"{x / size:,.3g} {word}"
    return f"{x:,.3g}"


def sci(x: float, digits: int = 3) -> str:
    """Scientific notation with a superscript exponent: ``3.15e23`` → ``3.15 × 10²³``."""
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return f"{mantissa} × 10{str(int(exponent)).translate(sup)}"
