"""The PDF edition (``make pdf``, ``machinery.pdf``): every page of the table of contents in order, a contents page,
page numbers, an outline, Chinese text in an embedded font, charts drawn; linked from the landing page only while it
is current; one line saying what is missing when it cannot be made.

The edition is printed once, by ``python -m machinery.pdf`` (what ``make pdf`` runs) on a copy of the built site, so
the other tests' pages stay as the build left them.
"""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from conftest import CHROMIUM, HTML, ROOT

from machinery import pdf

EXT = ROOT / "book" / "_ext"


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """``python -m machinery.pdf`` on a copy of the built book: (the copy, the PDF's folder, its output, seconds)."""
    if not (HTML / pdf.LANDING).exists():
        pytest.fail("the book is not built: run `make test` (which builds it) or `make book` first")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not installed (apt-get install chromium); CI makes this test mandatory")
    work = tmp_path_factory.mktemp("pdf")
    shutil.copytree(HTML, work / "html")
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "machinery.pdf", "--html", str(work / "html"), "--out", str(work / "pdf")],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - started
    assert run.returncode == 0, run.stdout + run.stderr
    return work / "html", work / "pdf", run.stdout, seconds


@pytest.fixture(scope="module")
def reader(edition):
    from pypdf import PdfReader

    return PdfReader(edition[1] / pdf.PDF_NAME)


def outline_entries(reader, items=None, depth=0) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every outline entry, in order."""
    out = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            out += outline_entries(reader, item, depth + 1)
        else:
            out.append((depth, str(item.title), reader.get_destination_page_number(item)))
    return out


def titles() -> list[str]:
    """Each table-of-contents page's title (its h1) as the built site shows it."""
    found = []
    for page in pdf.toc_pages():
        h1 = re.search(r"<h1>((?:(?!</h1>).)*?)<a class=\"headerlink\"", (HTML / page.html).read_text(encoding="utf-8"), re.S)
        found.append(" ".join(html.unescape(re.sub(r"<[^>]+>", "", h1[1])).split()))
    return found


pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_every_page_of_the_toc_in_order_in_the_outline_and_on_the_contents_page(edition, reader):
    expected = titles()
    assert len(expected) == len(pdf.toc_pages()) == 18
    assert 150 <= len(reader.pages) <= 800, len(reader.pages)
    entries = outline_entries(reader)
    assert entries[0][1:] == ("Contents", 0)
    pages = [e for e in entries if e[1] in expected and e[0] <= 1]
    assert [e[1] for e in pages] == expected                      # one entry per page, in the toc's order
    starts = [e[2] for e in pages]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert [e[1] for e in entries if e[0] == 0] == ["Contents", expected[0], "Chapters", "About the data"]
    assert sum(1 for e in entries if e[0] >= 2) > 50             # the pages' sections beneath them
    lines = reader.pages[0].extract_text().strip().splitlines()
    assert lines[-1].strip() == "1"                               # the contents page's own number, at its foot
    contents = re.sub(r"\s", "", unicodedata.normalize("NFKC", "".join(lines[:-1])))
    for title, start in zip(expected, starts, strict=True):      # each title with its first page's number
        title_text = re.sub(r"\s", "", unicodedata.normalize("NFKC", title))
        assert re.search(re.escape(title_text) + f"{start + 1}(?!\\d)", contents), (title, start + 1)
        first = re.sub(r"\s", "", unicodedata.normalize("NFKC", reader.pages[start].extract_text()))
        assert title_text in first, (title, start + 1)             # the page starts where the outline says


def test_every_page_is_numbered_at_its_foot(reader):
    for index in (0, 1, 2, len(reader.pages) // 2, len(reader.pages) - 1):
        lines = reader.pages[index].extract_text().strip().splitlines()
        assert str(index + 1) in {lines[-1].strip(), lines[0].strip()}, (index, lines[-1:])


def embedded_fonts(page) -> set[str]:
    """The names of the fonts ``page`` carries with it: a font file (Type0, TrueType) or its glyphs drawn (Type3)."""
    names = set()
    for font in (page.get("/Resources", {}).get("/Font") or {}).values():
        font = font.get_object()
        for part in [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]:
            descriptor = part.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if "/CharProcs" in font or any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(descriptor.get("/FontName", font.get("/BaseFont"))))
    return names


def test_chinese_text_is_embedded_in_a_cjk_font_and_copies_as_chinese(reader):
    fonts = set().union(*(embedded_fonts(reader.pages[i]) for i in range(4)))
    assert any("NotoSansCJKsc" in name for name in fonts), fonts          # Simplified Chinese forms
    text = "".join(reader.pages[i].extract_text() for i in range(1, 4))
    # 生 copies as 生 (U+751F), not the Kangxi radical ⽣ (U+2F63) that shares its glyph
    assert "启明创投" in text and "未尽研究" in text and "生成式" in text
    assert not re.search("[\u2e80-\u2fdf]", text)


def test_the_pricing_chapter_has_its_charts_drawn(reader):
    """Vega draws each chart's title and axes as text of the chart's picture: a chart left blank has none of it."""
    sys.path.insert(0, str(EXT))
    try:
        import chart_downloads
    finally:
        sys.path.remove(str(EXT))
    page_html = (HTML / "notebooks" / "02_pricing_models.html").read_text(encoding="utf-8")
    charts = [json.loads(m[1]) for m in chart_downloads.SPEC.finditer(page_html)]
    assert len(charts) >= 5
    entries = outline_entries(reader)
    start = next(e[2] for e in entries if e[1].startswith("Pricing models"))
    end = next(e[2] for e in entries if e[1].startswith("Three years on"))
    text = " ".join(" ".join(reader.pages[i].extract_text() for i in range(start, end)).split())
    text = unicodedata.normalize("NFKC", text)                   # the ligatures ﬁ and ﬂ as letters
    assert "定价" in text
    missing = [chart_downloads.title_of(c) for c in charts if chart_downloads.title_of(c) not in text]
    assert not missing, f"charts not drawn in the PDF: {missing}"


def test_links_between_pages_stay_inside_the_pdf(reader):
    internal = external = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            uri = str(annot.get("/A", {}).get("/URI", ""))
            assert "127.0.0.1" not in uri and "localhost" not in uri, uri
            internal += "/Dest" in annot
            external += bool(uri)
    assert internal > 20 and external > 20


def test_the_landing_page_links_the_current_pdf(edition, reader):
    html_dir, out, output, seconds = edition
    landing = (html_dir / pdf.LANDING).read_text(encoding="utf-8")
    link = re.search(r'<p class="pdf-edition">.*?href="([^"]+)".*?\((\d+) pages', landing, re.S)
    assert link and pdf.MARKER not in landing
    assert (html_dir / pdf.LANDING).parent.joinpath(link[1]).resolve() == (html_dir / pdf.PDF_NAME).resolve()
    assert int(link[2]) == len(reader.pages)
    assert (html_dir / pdf.PDF_NAME).read_bytes() == (out / pdf.PDF_NAME).read_bytes()
    assert "wider than the page" not in output, output
    print(f"machinery.pdf on the built book: {seconds:.1f} s")


def test_printing_again_when_current_does_nothing(edition):
    html_dir, out, _, _ = edition
    assert pdf.is_current(html_dir, out)
    assert pdf.make(html_dir, out, log=lambda _: None) == out / pdf.PDF_NAME      # no browser: returns at once
