"""The PDF edition's place in the site, without a browser: ``make pdf`` stops with one line naming what is missing;
its link leaves ``make book`` up to date; any later Sphinx build withdraws the PDF and its link, even one that does
not rewrite the landing page (a real incremental build of a two-page Sphinx project with the book's extension)."""
from __future__ import annotations

import importlib.util
import io
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from conftest import ROOT

from machinery import build, pdf

EXT = ROOT / "book" / "_ext"
LANDING = f"<h1>Book</h1>\n{pdf.MARKER}\n<p>more</p>\n"


def run_main(tmp_path: Path) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        code = pdf.main(["--html", str(tmp_path / "html"), "--out", str(tmp_path / "pdf")])
    return code, err.getvalue()


@pytest.mark.parametrize("missing, says", [
    ("chromium", "make pdf needs Chromium: apt-get install chromium"),
    ("playwright", "make pdf needs the Python package playwright (the test group): make .venv/.installed-test"),
    ("font", "make pdf needs a font with Chinese characters: apt-get install fonts-noto-cjk"),
    ("book", "make pdf needs the built book"),
])
def test_without_what_it_needs_make_pdf_stops_with_one_line(tmp_path, monkeypatch, missing, says):
    (tmp_path / "html" / "book").mkdir(parents=True)
    if missing != "book":
        (tmp_path / "html" / pdf.LANDING).write_text(LANDING, encoding="utf-8")
    monkeypatch.setattr(pdf, "chromium", lambda: None if missing == "chromium" else "/usr/bin/chromium")
    monkeypatch.setattr(pdf, "has_cjk_font", lambda: missing != "font")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == missing else real(name, *a))
    code, err = run_main(tmp_path)
    assert code == 1 and err.startswith(says) and err.count("\n") == 1, err
    assert not (tmp_path / "pdf").exists()


def test_no_cjk_font_without_fontconfig(monkeypatch):
    """The font check asks fontconfig; where there is none, there is no font it could use."""
    monkeypatch.setenv("PATH", "/nonexistent")
    assert pdf.has_cjk_font() is False


def test_the_link_replaces_the_placeholder_and_keeps_make_book_up_to_date(tmp_path):
    html = tmp_path / "_build" / "html"
    (html / "book").mkdir(parents=True)
    (html / "index.html").write_text("<p>index</p>", encoding="utf-8")
    (html / pdf.LANDING).write_text(LANDING, encoding="utf-8")
    assert not build.up_to_date(tmp_path)
    build.record_built(tmp_path)
    assert build.up_to_date(tmp_path)
    (html / pdf.PDF_NAME).write_bytes(b"%PDF-1.7")
    pdf.link(html, 321, 9_400_000)
    text = (html / pdf.LANDING).read_text(encoding="utf-8")
    assert pdf.MARKER not in text and f'href="../{pdf.PDF_NAME}"' in text and "321 pages, 9.4 MB" in text
    assert build.up_to_date(tmp_path)                  # make pdf's own edit does not make the book build again
    pdf.link(html, 322, 9_400_000)                     # printing again replaces the link, never adds one
    assert (html / pdf.LANDING).read_text(encoding="utf-8").count("pdf-edition") == 1
    pdf.withdraw(html)
    assert (html / pdf.LANDING).read_text(encoding="utf-8") == LANDING and not (html / pdf.PDF_NAME).exists()


def test_a_landing_page_without_the_placeholder_is_refused(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / pdf.LANDING).write_text("<h1>Book</h1>", encoding="utf-8")
    with pytest.raises(pdf.PdfError, match="no placeholder"):
        pdf.link(tmp_path, 3, 1000)


def test_the_book_has_the_placeholder_and_the_print_stylesheet():
    assert pdf.MARKER in (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    assert "@media print" in (ROOT / "book" / "_static" / "print.css").read_text(encoding="utf-8")
    assert [p.doc for p in pdf.toc_pages()][:2] == ["book/intro", "notebooks/01_ecosystem"]


def sphinx_build(src: Path, out: Path) -> str:
    """An incremental HTML build of ``src`` into ``out`` with the book's ``pdf_edition`` extension; its log."""
    from sphinx.application import Sphinx

    log = io.StringIO()
    app = Sphinx(str(src), str(src), str(out / "html"), str(out / "doctrees"), "html", status=log, warning=log,
                 freshenv=False)
    app.build()
    return re.sub(r"\x1b\[[0-9;]*m", "", log.getvalue())


@pytest.mark.slow
def test_a_sphinx_build_withdraws_the_pdf_even_when_it_does_not_rewrite_the_landing_page(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(EXT))
    src, out = tmp_path / "src", tmp_path / "_build"
    src.mkdir()
    (src / "conf.py").write_text("extensions = ['pdf_edition']\nroot_doc = 'index'\nhtml_theme = 'basic'\n",
                                 encoding="utf-8")
    (src / "index.rst").write_text(f"Book\n====\n\n.. raw:: html\n\n   {pdf.MARKER}\n", encoding="utf-8")
    (src / "other.rst").write_text(":orphan:\n\nOther\n=====\n\nFirst text.\n", encoding="utf-8")
    sphinx_build(src, out)
    html = out / "html"
    landing = html / "index.html"
    assert pdf.MARKER in landing.read_text(encoding="utf-8")
    assert 'href="_static/print.css' in landing.read_text(encoding="utf-8")

    def print_edition() -> None:
        """What make pdf leaves: the PDF in _build/pdf and in the site, and the landing page's link."""
        (out / "pdf").mkdir(exist_ok=True)
        for folder in (html, out / "pdf"):
            (folder / pdf.PDF_NAME).write_bytes(b"%PDF-1.7")
        pdf.link(html, 3, 1000, landing="index.html")
        assert pdf.is_current(html, out / "pdf", landing="index.html")

    def withdrawn() -> bool:
        text = landing.read_text(encoding="utf-8")
        return (pdf.MARKER in text and 'class="pdf-edition"' not in text and not (html / pdf.PDF_NAME).exists()
                and not (out / "pdf" / pdf.PDF_NAME).exists())

    print_edition()
    written = landing.stat().st_mtime_ns
    log = sphinx_build(src, out)                        # a build with no page out of date (make book runs Sphinx
    assert "no targets are out of date" in log          # whenever any file of the checkout changed)
    assert withdrawn() and landing.stat().st_mtime_ns != written

    print_edition()
    (src / "other.rst").write_text(":orphan:\n\nOther\n=====\n\nEdited text.\n", encoding="utf-8")
    log = sphinx_build(src, out)                        # a page changed: Sphinx rewrites it (and the root page)
    assert "writing output... [100%] other" in log
    assert withdrawn()
