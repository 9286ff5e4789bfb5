"""Reader pages carry no notes about how the book was made: no search tool, issue number, commit, edition of the
book, glue, helper session. Provenance is said in reader language ("checked against the publisher's page on …").
The rerun page (book/rerun.md) explains glue to analysts and is exempt.

Two tiers: every built page (slow: reads _build/html), and the sources of those texts (data/ text columns, the data
dictionary's descriptions, book/*.md, the exercises), which ``make check`` runs."""
from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

from conftest import ROOT, pages

# Internal phrases, case-insensitive; precise enough that ordinary English ("to issue measures", "issued") passes.
FORBIDDEN = re.compile("|".join([
    r"search tool", r"searched with", r"address not seen",
    r"previous edition", r"edition of the ledger", r"\bthis edition\b", r"\bin this session\b",
    r"\bglue[sd]?\b", r"\bgluing\b",
    r"\bissue #?\d+\b", r"\bbook[’']?s issue",
    r"\bcommit [0-9a-f]{7,40}\b", r"\bthe lead\b(?!\s+(?:authors?|investors?|in)\b)",
    r"\bh-(?:dark|glossary|pdf|search|words)\b",
    r"\bseed (?:reports?|texts?)\b",
    # the Chinese edition's: a search tool, an earlier edition, a session, an issue or a commit of the book's making
    r"搜索工具", r"上一版", r"本次会话", r"议题\s*#?\d+", r"提交\s*[0-9a-f]{7,40}",
]), re.I)

RERUN_PAGE = "book/rerun.html"          # may explain glue to analysts (in both editions)
EXEMPT_CHAPTERS: set[str] = set()     # no chapter is exempt


def internal_phrases(text: str, width: int = 60) -> list[str]:
    """Each forbidden phrase of ``text`` with ``width`` characters either side."""
    return [text[max(0, m.start() - width):m.end() + width].replace("\n", " ") for m in FORBIDDEN.finditer(text)]


def page_text(page: Path) -> str:
    """A built page's reading text: its ``<main>`` without scripts, styles, SVG or tags."""
    raw = page.read_text(encoding="utf-8")
    main = re.search(r"<main.*?</main>", raw, re.S)
    body = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", main.group(0) if main else raw, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_the_patterns_catch_internal_notes_and_pass_ordinary_english():
    assert internal_phrases("Seen with the book's search tool; (issue 13); the book’s issue; (address not seen)")
    assert internal_phrases("read the glued founder_us_share") and internal_phrases("Corrections to the previous edition")
    assert internal_phrases("the ledger (commit 17d87f7, 2026-12-03)")
    assert not internal_phrases("By the end of 2023, issue measures for managing public data; issued 2023-07-10; "
                                "the rerun records the figure; a commitment of one year; the lead author")
    assert internal_phrases("用本书的搜索工具查到；上一版的台账") and internal_phrases("见议题 13；提交 17d87f7")
    assert not internal_phrases("到 2023 年底出台公共数据开放管理办法；本书补充；报告的版本")



def test_no_reader_page_carries_internal_notes(built):
    found = {}
    for page in pages():
        rel = str(page.relative_to(built))
        if rel.removeprefix("zh/") == RERUN_PAGE or rel in EXEMPT_CHAPTERS:
            continue
        if hits := internal_phrases(page_text(page)):
            found[rel] = hits
    assert not found, "\n".join(f"{rel}: …{hit}…" for rel, hits in found.items() for hit in hits)


# --- the sources (make check) -----------------------------------------------------------------------------------

def _csv_texts() -> list[tuple[str, str]]:
    """``(where, text)`` for every non-empty cell of every CSV in data/ (URLs and ids cannot trip the patterns)."""
    out = []
    for path in sorted((ROOT / "data").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for i, row in enumerate(csv.DictReader(fh), start=1):
                out += [(f"data/{path.name} row {i} {col}", v) for col, v in row.items() if v]
    return out


def _descriptions(node: object, where: str = "datapackage.json") -> list[tuple[str, str]]:
    """``(where, text)`` for every title and description in the data package (the data dictionary page)."""
    if isinstance(node, dict):
        name = node.get("name", "")
        words = ("title", "description", "title_zh", "description_zh")     # the Chinese edition's too
        return [(f"{where}/{name}", v) for k, v in node.items() if k in words and isinstance(v, str)] + \
            [t for k, v in node.items() for t in _descriptions(v, f"{where}/{name}" if name else where)]
    if isinstance(node, list):
        return [t for v in node for t in _descriptions(v, where)]
    return []


def _book_pages() -> list[tuple[str, str]]:
    """The Markdown pages of book/ but the rerun page, with MyST glue roles (markup, not text) taken out."""
    return [(f"book/{p.name}", re.sub(r"\{glue(?::\w+)?\}`[^`]*`", " ", p.read_text(encoding="utf-8")))
            for p in sorted((ROOT / "book").glob("*.md")) if p.name != "rerun.md"]


def _chinese_texts() -> list[tuple[str, str]]:
    """The Chinese edition's text: every translation of ``i18n/zh/*.yml`` and its pages but the rerun page's."""
    import yaml

    out = []
    for path in sorted((ROOT / "i18n" / "zh").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        out += [(f"{path.name} cell {k}", str(c.get("zh") or "")) for k, c in (data.get("cells") or {}).items()]
        out += [(f"{path.name} string {e['en'][:40]!r}", str(e.get("zh") or "")) for e in data.get("strings") or []]
    return out + [(f"i18n/zh/pages/{p.name}", re.sub(r"\{glue(?::\w+)?\}`[^`]*`", " ", p.read_text(encoding="utf-8")))
                  for p in sorted((ROOT / "i18n" / "zh" / "pages").glob("*.md")) if p.name != "rerun.md"]


def source_texts() -> list[tuple[str, str]]:
    """Every source of reader text this test watches: data/ cells (the exercises among them), the data package's
    descriptions, book/*.md but rerun.md, and their Chinese (``i18n/zh/``)."""
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    return _csv_texts() + _descriptions(package) + _book_pages() + _chinese_texts()


def test_no_source_of_reader_text_carries_internal_notes():
    found = [f"{where}: …{hit}…" for where, text in source_texts() for hit in internal_phrases(text)]
    assert not found, "\n".join(found)
