"""Readable HTML tables with per-column formats (deterministic output, no random ids)."""
from __future__ import annotations

import html
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

import pandas as pd
from IPython.display import HTML

from helpers.prose import usd_text  # noqa: F401  (tables.usd_text: the book's currency style, for texts)

Formatter = Callable[[object], str]


def usd(x: float, digits: int = 0) -> str:
    """``USD 1,234`` style (never ``$``: JupyterLab typesets text between two dollar signs as mathematics);
    empty for missing."""
    return "" if pd.isna(x) else f"USD {x:,.{digits}f}"


def pct(x: float, digits: int = 1) -> str:
    """``81.1 %`` style; empty for missing."""
    return "" if pd.isna(x) else f"{x * 100:.{digits}f} %"


def num(x: float, digits: int = 0) -> str:
    """``1,234`` style; empty for missing."""
    return "" if pd.isna(x) else f"{x:,.{digits}f}"


def sig(x: float, digits: int = 3) -> str:
    """Significant-figure format (``3.15e+23``, ``0.00299``); empty for missing."""
    return "" if pd.isna(x) else f"{x:,.{digits}g}"


def html_table(header: Sequence[str], rows: Iterable[Sequence[str]], caption: str = "", name: str = "",
               numeric: Collection[int] = ()) -> str:
    """An HTML table in a scroll wrapper that keyboard users can reach (the book's one table renderer).

    ``header`` and each row of ``rows`` are HTML fragments (escape plain text with ``html.escape``);
    ``caption`` and ``name`` are plain text. Columns whose index is in ``numeric`` are right-aligned.

    A wide table scrolls sideways inside ``div.book-table-wrap``. The wrapper has ``tabindex="0"`` so
    the keyboard can focus it and scroll it with the arrow keys (WCAG 2.1.1, axe-core rule
    ``scrollable-region-focusable``), and is a region named ``name`` (default: the caption) so a screen
    reader says what was focused. Every table on a page needs a distinct name (axe-core
    ``landmark-unique``); a table with neither caption nor name is focusable but unnamed.
    """
    label = name or caption
    region = f' role="region" aria-label="{html.escape(label)}"' if label else ""
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    # The alignment is also inline: JupyterLab right-aligns every cell of an output table and knows none of the
    # book's classes, so without it each text column reads as a ragged-left paragraph there.
    left, right = ' style="text-align: left"', ' class="num" style="text-align: right"'
    head = "".join(f"<th{right if i in numeric else left}>{h}</th>" for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f"<td{right if i in numeric else left}>{c}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    # tex2jax_ignore / mathjax_ignore: a source's text may hold two dollar signs ("$10 million … $2 billion"), which
    # JupyterLab's and the book's MathJax would typeset as mathematics; MathJax skips an element with these classes.
    return (f'<div class="book-table-wrap tex2jax_ignore mathjax_ignore" tabindex="0"{region}><table class="book-table">{cap}'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def render(df: pd.DataFrame, formats: Mapping[str, Formatter] | None = None,
           labels: Mapping[str, str] | None = None, caption: str = "") -> str:
    """HTML table of ``df`` with ``formats`` per column and readable ``labels`` for headers.

    Formatted columns are right-aligned. Money in a cell's text is written the book's way (``usd_text``). A column
    labelled ``""`` keeps an empty header on screen but
    carries its name (``jurisdiction`` → "Jurisdiction") as visually hidden text for screen readers.
    """
    formats = dict(formats or {})
    labels = dict(labels or {})

    def header(c: str) -> str:
        text = labels.get(c, c)
        if text:
            return html.escape(text)
        return f'<span class="visually-hidden">{html.escape(str(c).replace("_", " ").capitalize())}</span>'

    def cell(c: str, v: object) -> str:
        text = formats[c](v) if c in formats else ("" if (not isinstance(v, str) and pd.isna(v)) else str(v))
        # a source's "$13B" reads "USD 13B", as the book writes money; an id such as cn_ai_law_2024_summary may break
        # after an underscore (<wbr>), so a column of ids does not take the width the text columns need
        return html.escape(usd_text(text)).replace("_", "_<wbr>")

    rows = ([cell(c, row[c]) for c in df.columns] for _, row in df.iterrows())
    numeric = {i for i, c in enumerate(df.columns) if c in formats}
    return html_table([header(c) for c in df.columns], rows, caption=caption, numeric=numeric)


def show(df: pd.DataFrame, formats: Mapping[str, Formatter] | None = None,
         labels: Mapping[str, str] | None = None, caption: str = "") -> HTML:
    """Display ``render(...)`` in a notebook cell."""
    return HTML(render(df, formats, labels, caption))


def shared_tail(notes: pd.Series, min_chars: int = 40) -> tuple[str, pd.Series]:
    """The longest run of whole sentences (of at least ``min_chars``) that ends at least half of ``notes``, and the
    notes without it: a convention repeated row after row is said once, above the table; each row keeps its own."""
    texts = notes.fillna("").astype(str)
    tails = {t[i + 2:] for t in texts for i in range(len(t)) if t.startswith(". ", i)} | set(texts)
    for tail in sorted(tails, key=len, reverse=True):
        if len(tail) >= min_chars and texts.str.endswith(tail).sum() * 2 >= len(texts):
            kept = [t[:-len(tail)].strip() if t.endswith(tail) else t for t in texts]
            return tail, pd.Series(kept, index=texts.index)
    return "", texts


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
