"""The frontier-research chapter's tables: what each section names, every figure beside its paper's, every paper."""
from __future__ import annotations

import html
import re

import pandas as pd
from IPython.display import HTML

from helpers import tables
from helpers.chapters.research import mentions, paper_url
from helpers.data import load

KIND_LABELS = {"open_problem": "open problem (GPT-4 paper)", "lost": "lost in extraction"}
PAPER_COLUMNS = {"section": "Section", "footnote": "Note", "title": "Title", "first_author": "First author",
                 "organisations": "Organisations", "org_type": "Organisation type", "month": "First released",
                 "identification_basis": "How it was identified"}


def mentions_html(section: str, caption: str) -> str:
    """The table of everything ``section`` names: name, the report's wording, kind, what the report says."""
    m = mentions(section)
    rows = [[f"<strong>{html.escape(r['name_en'])}</strong>", html.escape(r["name_zh"] if isinstance(r["name_zh"], str) else ""),
             html.escape(KIND_LABELS.get(r["kind"], r["kind"])), html.escape(r["role_en"])] for _, r in m.iterrows()]
    return tables.html_table(["Name", "The report's wording", "Kind", "What the report says"], rows, caption=caption)


def show_mentions(section: str, caption: str) -> HTML:
    """Display ``mentions_html``."""
    return HTML(mentions_html(section, caption))


def _number(x: float, unit: str = "") -> str:
    """A figure as printed: shares as percentages, small probabilities in full, years bare, others with separators."""
    if pd.isna(x):
        return ""
    if unit.startswith("share"):
        return f"{x:.0%}"
    if 0 < abs(x) < 0.001:
        return f"{x:.5f}"
    return f"{x:,.1f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x):d}" if 1900 <= x <= 2100 else f"{int(x):,d}"


def _span(low: float, high: float, unit: object) -> str:
    """``low`` or ``low–high``, each formatted for ``unit``."""
    u = unit if isinstance(unit, str) else ""
    return _number(low, u) + (f"–{_number(high, u)}" if pd.notna(high) else "")


def _no_tex(text: str) -> str:
    """The report's text without the dollar signs around its TeX spans (the watermark's false-positive rate
    reads ``1e - 5``): JupyterLab would typeset the text between two dollar signs as mathematics."""
    return re.sub(r"\$([^$]*)\$", r"\1", text)


def figures_html(caption: str) -> str:
    """Every figure of chapter 2: the report's value and unit, the paper's where checked, and the verdict."""
    f = load("research_figures")
    papers = load("papers").set_index("paper_id")
    sections = load("research_sections").set_index("section")["name_en"]
    rows = []
    for _, r in f.iterrows():
        paper = ""
        if isinstance(r["paper_id"], str):
            row = papers.loc[r["paper_id"]]
            paper = f'<a href="{html.escape(paper_url(row))}">{html.escape(row["title"])}</a>'
        rows.append([html.escape(sections[r["section"]]), html.escape(r["description"]),
                     html.escape(f"{r['bound']} " if r["bound"] not in ("exact", "range") else "") + _span(r["value"], r["value_high"], r["unit"]),
                     html.escape(r["unit"]), html.escape(_no_tex(r["report_text"])), paper,
                     _span(r["paper_value"], r["paper_value_high"], r["paper_unit"]) + (f" ({html.escape(r['paper_unit'])})" if isinstance(r["paper_unit"], str) else ""),
                     html.escape(r["paper_check"] if isinstance(r["paper_check"], str) else "not checked")])
    return tables.html_table(["Section", "What", "Report", "Unit", "The report's text", "Paper", "Paper's figure", "Check"],
                             rows, caption=caption, numeric={2})


def show_figures(caption: str) -> HTML:
    """Display ``figures_html``."""
    return HTML(figures_html(caption))


def _note(x: float) -> str:
    """A footnote number as printed (``3``), empty for a tribute paper, which has none."""
    return "" if x != x else f"{x:.0f}"


def show_papers(chosen: pd.DataFrame, caption: str) -> HTML:
    """The papers of ``chosen`` (``research.papers``): section, note, title, first author, organisations and type,
    first release, and how each was identified."""
    return tables.show(chosen[list(PAPER_COLUMNS)], formats={"footnote": _note}, labels=PAPER_COLUMNS, caption=caption)
