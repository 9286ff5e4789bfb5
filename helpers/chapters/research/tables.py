"""The frontier-research chapter's tables: what each section names, and every figure beside its paper's."""
from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from helpers import tables
from helpers.chapters.research import mentions, paper_url
from helpers.data import load

KIND_LABELS = {"open_problem": "open problem (GPT-4 paper)", "lost": "lost in extraction"}


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
                     html.escape(r["unit"]), html.escape(r["report_text"]), paper,
                     _span(r["paper_value"], r["paper_value_high"], r["paper_unit"]) + (f" ({html.escape(r['paper_unit'])})" if isinstance(r["paper_unit"], str) else ""),
                     html.escape(r["paper_check"] if isinstance(r["paper_check"], str) else "not checked")])
    return tables.html_table(["Section", "What", "Report", "Unit", "The report's text", "Paper", "Paper's figure", "Check"],
                             rows, caption=caption, numeric={2})


def show_figures(caption: str) -> HTML:
    """Display ``figures_html``."""
    return HTML(figures_html(caption))
