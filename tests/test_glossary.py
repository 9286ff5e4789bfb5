"""The glossary: the table, the generated page, and the links from the first use of each term in each chapter."""
from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT

from helpers.data import load
from machinery import glossary
from machinery.glossary_links import GLOSSARY_LINK, Scanner, Term, first_uses, heading_slug, unlink

SEEDS = ROOT.parent / "shared" / "seeds"
SEED_FILES = {"qiming2023": "002_f6d0c27f5246e267.txt", "iresearch2023": "001_350b29a440b07772.txt",
              "qbitai2023": "003_5979c292eba3c044.txt", "guohai2023": "004_50712b868b49c776.txt",
              "cyzone2023q3": "000_6ca582a6218796aa.txt"}
# Chapters the lead is rewriting: `python -m machinery.glossary --link` runs on them once the rewrite lands
# (it links them cleanly: test_the_linker_links_every_chapter_on_a_copy). Empty this list then.
NOT_YET_LINKED: set[str] = set()   # every chapter is linked (machinery.glossary --link)
CHAPTERS = glossary.chapters()
LINKED = [nb for nb in CHAPTERS if nb.name not in NOT_YET_LINKED]


@pytest.fixture(scope="module")
def table():
    return load("glossary")


@pytest.fixture(scope="module")
def scanner():
    return Scanner(glossary.terms())


def test_the_table_has_the_terms_readers_asked_for(table):
    assert len(table) >= 50
    for term in ["mfu", "roofline", "kv-cache", "sparsity", "flops", "break-even-utilization"]:
        assert term in set(table["term_id"]), term
    for zh in ["算力", "大模型", "垂直大模型"]:
        assert zh in set(table["term_zh"]), zh
    assert "垂直模型" in table.set_index("term_id").at["vertical-model", "forms"].split("|")


def test_each_definition_is_one_short_line(table):
    for _, r in table.iterrows():
        assert len(r["definition_en"].split()) <= 30, r["term_id"]
        assert not re.search(r'["{}$\n]', r["definition_en"]), r["term_id"]


def test_each_term_id_is_the_id_of_its_heading(table):
    for _, r in table.iterrows():
        assert heading_slug(r["term_en"]) == r["term_id"], r["term_en"]
    assert len(glossary.glossary_rows()) == len(table)


def test_a_chinese_term_is_in_the_report_it_cites(table):
    if not SEEDS.is_dir():
        pytest.skip(f"the seed reports are not beside this checkout ({SEEDS})")
    texts = {s: (SEEDS / f).read_text(encoding="utf-8") for s, f in SEED_FILES.items()}
    for _, r in table[table["source_id"].isin(list(texts))].iterrows():
        if isinstance(r["term_zh"], str):
            assert r["term_zh"] in texts[r["source_id"]], (r["term_id"], r["term_zh"], r["source_id"])


def test_the_committed_page_is_current():
    assert glossary.PAGE.read_text(encoding="utf-8") == glossary.build_page(), \
        "book/glossary.md is not current: run python -m machinery.glossary"


def test_the_page_has_one_entry_per_term_in_order_without_myst_syntax(table):
    text = glossary.PAGE.read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings == sorted(table["term_en"], key=str.lower)
    assert not re.search(r"^\(.+\)=$|\{[a-z-]+\}`|^```\{|^:::", text, re.M)     # nothing JupyterLab shows raw


@pytest.mark.parametrize("nb", CHAPTERS, ids=lambda p: p.stem)
def test_every_glossary_link_in_a_chapter_targets_an_entry(nb, table):
    ids = set(table["term_id"])
    for text in glossary.rendered_texts(nb) + code_sources(nb):
        for m in GLOSSARY_LINK.finditer(text):
            assert m.group(2) in ids, (nb.name, m.group(0)[:80])


@pytest.mark.parametrize("nb", LINKED, ids=lambda p: p.stem)
def test_each_links_hover_title_is_the_terms_current_definition(nb, scanner):
    for text in glossary.chapter_words(nb):
        for m in re.finditer(r'\]\((?:[^()\s"]*/)?glossary\.md#([a-z0-9-]+)\s+"([^"\n]*)"\)', text):
            assert m.group(2) == scanner.terms[m.group(1)].title, (nb.name, m.group(1))


@pytest.mark.parametrize("nb", LINKED, ids=lambda p: p.stem)
def test_the_first_use_of_each_term_in_a_chapter_links_to_it(nb, scanner):
    """In the chapter's own words (Markdown cells and F.say templates, in order), the first use of every term is a
    link to it; a use inside a {field}'s value comes from data/ and cannot be (02b's "Reserved Instance")."""
    unlinked = {t: u for t, u in first_uses(scanner, glossary.chapter_words(nb)).items() if not u.linked}
    assert not unlinked, f"{nb.name}: first uses not linked: {sorted(unlinked)}"


@pytest.mark.parametrize("nb", LINKED, ids=lambda p: p.stem)
def test_the_executed_chapter_shows_the_links(nb, scanner):
    """Each F.say cell's output carries its template's glossary links (the notebook was re-executed after
    linking), so that readers get a link for every term the chapter's words use."""
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        src = "".join(cell["source"]) if cell["cell_type"] == "code" else ""
        wanted = [m.group(2) for t in glossary.SAY.finditer(src) for m in GLOSSARY_LINK.finditer(t.group(2))]
        shown = "".join("".join(o.get("data", {}).get("text/markdown", "")) for o in cell.get("outputs", []))
        assert wanted == [m.group(2) for m in GLOSSARY_LINK.finditer(shown)], (nb.name, src[:60])
    rendered = {m.group(2) for t in glossary.rendered_texts(nb) for m in GLOSSARY_LINK.finditer(t)}
    assert rendered == set(first_uses(scanner, glossary.chapter_words(nb))), nb.name


def test_an_unlinked_chapter_fails_the_first_use_check(scanner):
    """The check above catches a chapter whose links were taken out (what every chapter was before the linker)."""
    for nb in CHAPTERS:
        first = first_uses(scanner, [unlink(t) for t in glossary.chapter_words(nb)])
        assert first and not any(u.linked for u in first.values()), nb.name


def test_the_linker_links_every_chapter_on_a_copy(tmp_path, scanner):
    """On a copy of each chapter (the two the lead is rewriting included): linking twice changes nothing more,
    and every Markdown cell and F.say template then has its first uses linked."""
    for nb in CHAPTERS:
        copy = tmp_path / "notebooks" / nb.name
        copy.parent.mkdir(exist_ok=True)
        shutil.copy(nb, copy)
        glossary.link_notebook(copy, scanner, tmp_path / "book" / "glossary.md")
        once = copy.read_text(encoding="utf-8")
        assert not glossary.link_notebook(copy, scanner, tmp_path / "book" / "glossary.md"), nb.name
        assert copy.read_text(encoding="utf-8") == once
        assert all(u.linked for u in first_uses(scanner, glossary.chapter_words(copy)).values()), nb.name
        assert "](../book/glossary.md#" in once, nb.name


def test_the_scan_skips_what_must_not_be_linked():
    s = Scanner([Term("mfu", "MFU", "模型算力利用率", ("MFU", "model FLOPs utilization"), "Model FLOPs utilization."),
                 Term("roofline", "Roofline", "", ("roofline",), "The speed limit.")])
    text = ("## MFU in a heading\n\n| MFU | table |\n\n`MFU` in code, [MFU](https://x.org/MFU), {mfu:.1%} and\n"
            "*a title about MFU*; then MFU and model FLOPs\nutilization; then the Roofline.\n")
    out = s.link(text, set(), "../book/glossary.md", template=True)
    assert out.count("](../book/glossary.md#") == 2
    assert "then [MFU](../book/glossary.md#mfu \"MFU: Model FLOPs utilization.\") and model FLOPs\nutilization" in out
    assert "the [Roofline](../book/glossary.md#roofline" in out
    assert s.link(out, set(), "../book/glossary.md", template=True) == out
    with pytest.raises(ValueError, match="belongs to two terms"):
        Scanner([Term("a", "A", "", ("x",), "."), Term("b", "B", "", ("X",), ".")])


def test_the_built_page_has_an_anchor_per_entry_and_the_links_land(built, table):
    page = (built / "book" / "glossary.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'<section id="([^"]+)"', page))
    assert set(table["term_id"]) <= ids
    for nb in LINKED:
        html = (built / "notebooks" / f"{nb.stem}.html").read_text(encoding="utf-8")
        hrefs = Links.of(html)
        targets = {h.split("#", 1)[1] for h, _ in hrefs if "#" in h and h.split("#")[0].endswith("book/glossary.html")}
        assert targets and targets <= ids, nb.name
        assert any(title for h, title in hrefs if "glossary.html#" in h), f"{nb.name}: no hover title kept"
        assert targets == set(first_uses(Scanner(glossary.terms()), glossary.chapter_words(nb))), nb.name



class Links(HTMLParser):
    """Every link of a page: (href, title)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.found.append((a["href"], a.get("title") or ""))

    @classmethod
    def of(cls, html: str) -> list[tuple[str, str]]:
        parser = cls()
        parser.feed(html)
        return parser.found


def code_sources(nb: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(nb.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]


def test_glossary_entries_read_in_plain_markdown(table):
    """An entry is a heading, the Chinese in bold, the definition and where it is used: no HTML, no directive."""
    text = glossary.PAGE.read_text(encoding="utf-8")
    entry = text.split("\n## MFU\n", 1)[1].split("\n## ", 1)[0]
    assert entry.strip().splitlines()[0] == "**模型算力利用率**"
    assert "*Used in:* [Checking the pricing numbers](../notebooks/02c_pricing_checks.ipynb)" in entry   # the measured section
    assert "<" not in text
    chinese = re.findall(r"^## (.+)\n\n(?:\*\*(.+)\*\*\n)?", text, re.M)
    assert dict(chinese) == {en: zh if isinstance(zh, str) and zh != en else ""
                             for en, zh in zip(table["term_en"], table["term_zh"])}
