"""``make pdf``: the whole built book as one PDF, linked from the landing page while it is current.

Chromium (under Playwright) prints every page of ``_toc.yml`` in order from ``_build/html`` served on 127.0.0.1,
offline, after its charts drew (``machinery.pdf_render``); pypdf puts a contents page first, numbers every page and
gives the file an outline (``machinery.pdf_bind``). The PDF goes to ``_build/pdf/`` and into the site, and the landing page's placeholder
(``MARKER``) becomes a link to it. Any later Sphinx build withdraws both (``withdraw``, called by ``book/_ext``),
whether or not it rewrites the landing page, so the site never links a PDF older than its pages.

    python -m machinery.pdf            # make pdf (after make book): nothing to do when the PDF is current
    python -m machinery.pdf --force    # print it again

This module imports neither Playwright nor pypdf (the test group): the book's extension imports it in ``make book``.
"""
from __future__ import annotations

import argparse
import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from helpers.paths import ROOT, write_atomic

PDF_NAME = "state-of-generative-ai-2023.pdf"
MARKER = "<!-- pdf-edition -->"          # in book/intro.md: where the landing page links the PDF
LINKED = re.compile(r'<p class="pdf-edition">.*?</p>', re.S)
CHROMIUM = "/usr/bin/chromium"
LANDING = "book/intro.html"


class PdfError(Exception):
    """What ``make pdf`` cannot do, in one line: what is missing and what to install or run."""


@dataclass(frozen=True)
class TocPage:
    """One page of the table of contents: its Sphinx name and the part it belongs to (None: the landing page)."""

    doc: str
    part: str | None

    @property
    def html(self) -> str:
        return f"{self.doc}.html"


def toc_pages(root: Path = ROOT) -> list[TocPage]:
    """Every page of ``_toc.yml`` in reading order: the root, then each part's chapters (and their sections)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))

    def walk(entries: list[dict], part: str) -> list[TocPage]:
        out = []
        for entry in entries:
            out.append(TocPage(str(Path(entry["file"]).with_suffix("")), part))
            out += walk(entry.get("sections", []), part)
        return out

    pages = [TocPage(str(Path(toc["root"]).with_suffix("")), None)]
    for part in toc.get("parts", []):
        pages += walk(part.get("chapters", []), part.get("caption", ""))
    return pages


def chromium() -> str | None:
    """The Chromium to print with: ``chromium`` on the PATH, else Debian's path, else None."""
    return shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)


def has_cjk_font() -> bool:
    """Whether fontconfig knows a font with Chinese characters (``fc-list :lang=zh``)."""
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30)
    except OSError:
        return False
    return bool(listed.stdout.strip())


def preflight(html_dir: Path) -> None:
    """Raise ``PdfError`` naming the first thing ``make pdf`` lacks: Chromium, Playwright, pypdf, a Chinese font,
    the built book."""
    if chromium() is None:
        raise PdfError("make pdf needs Chromium: apt-get install chromium")
    for module, package in (("playwright", "playwright"), ("pypdf", "pypdf")):
        if importlib.util.find_spec(module) is None:
            raise PdfError(f"make pdf needs the Python package {package} (the test group): make .venv/.installed-test")
    if not has_cjk_font():
        raise PdfError("make pdf needs a font with Chinese characters: apt-get install fonts-noto-cjk")
    if not (html_dir / LANDING).is_file():
        raise PdfError(f"make pdf needs the built book, and {html_dir / LANDING} is missing: run make book")


def link_html(pdf_href: str, pages: int, size_bytes: int) -> str:
    """The landing page's paragraph linking the PDF (``pdf_href`` relative to the landing page)."""
    return (f'<p class="pdf-edition"><strong>Read it as a PDF:</strong> <a href="{html.escape(pdf_href)}" download>'
            f"the whole book in one file</a> ({pages} pages, {size_bytes / 1e6:.1f} MB), printed from these pages "
            "with their charts.</p>")


def link(html_dir: Path, pages: int, size_bytes: int, landing: str = LANDING) -> None:
    """Replace the landing page's placeholder (or an earlier link) with a link to ``html_dir/PDF_NAME``, and keep
    ``make book``'s record of the built pages in step, so that the edit alone does not make it build again."""
    page = html_dir / landing
    text = page.read_text(encoding="utf-8")
    href = os.path.relpath(html_dir / PDF_NAME, page.parent)
    base = LINKED.sub(MARKER, text)
    if MARKER not in base:
        raise PdfError(f"{page} has no placeholder {MARKER} for the PDF's link (book/intro.md should hold one)")
    write_atomic(page, base.replace(MARKER, link_html(href, pages, size_bytes), 1))
    _refresh_built_record(html_dir, landing)


def withdraw(html_dir: Path, landing: str = LANDING) -> None:
    """Remove the PDF from the site and from ``<html_dir>/../pdf/`` and turn the landing page's link back into the
    placeholder: the pages are about to change or just did, so the PDF may no longer match them."""
    for pdf in (html_dir / PDF_NAME, html_dir.parent / "pdf" / PDF_NAME):
        pdf.unlink(missing_ok=True)
    page = html_dir / landing
    if page.is_file():
        text = page.read_text(encoding="utf-8")
        if LINKED.search(text):
            write_atomic(page, LINKED.sub(MARKER, text))


def is_current(html_dir: Path, out_dir: Path, landing: str = LANDING) -> bool:
    """Whether ``make pdf`` has nothing to do: its PDF is written and linked, and no build withdrew it since."""
    page = html_dir / landing
    return ((out_dir / PDF_NAME).is_file() and (html_dir / PDF_NAME).is_file() and page.is_file()
            and LINKED.search(page.read_text(encoding="utf-8")) is not None)


def _refresh_built_record(html_dir: Path, landing: str) -> None:
    """Update the landing page's entry in ``make book``'s snapshot of the last build's pages, if there is one."""
    from machinery.uptodate import BUILT, output_snapshot

    record = html_dir.parent / ".deps" / BUILT
    try:
        built = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if landing in built.get("outputs", {}):
        built["outputs"][landing] = output_snapshot(html_dir)[landing]
        write_atomic(record, json.dumps(built))


def make(html_dir: Path, out_dir: Path, root: Path = ROOT, force: bool = False, log=print) -> Path:
    """Print the book in ``html_dir`` to ``out_dir/PDF_NAME``, copy it into the site and link it (unless it is
    current and not ``force``). Returns the PDF's path."""
    preflight(html_dir)
    target = out_dir / PDF_NAME
    if not force and is_current(html_dir, out_dir):
        log(f"{target} is current (make book has not rebuilt a page since): nothing to do")
        return target
    from machinery import pdf_render

    started = time.perf_counter()
    withdraw(html_dir)
    pages = toc_pages(root)
    book = pdf_render.render(html_dir, pages, chromium(), log=log)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(book.data)
    tmp.replace(target)
    shutil.copyfile(target, html_dir / PDF_NAME)
    link(html_dir, book.pages, len(book.data))
    log(f"{target}: {book.pages} pages, {len(book.data) / 1e6:.1f} MB, {len(pages)} book pages "
        f"in {time.perf_counter() - started:.1f} s; linked from {html_dir / LANDING}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m machinery.pdf", description=__doc__.split("\n\n")[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="the built book")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf", help="where the PDF goes")
    parser.add_argument("--force", action="store_true", help="print it even when it is current")
    args = parser.parse_args(argv)
    try:
        make(args.html, args.out, force=args.force)
    except PdfError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
